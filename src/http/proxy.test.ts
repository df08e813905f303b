import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { ProxyFailure, bypassesProxy, describeProxyFailure, proxyConfigFrom, proxyFailureOf, proxyFor, proxyPasswords } from './proxy.js';

describe('bypassesProxy (NO_PROXY)', () => {
  const cases: Array<[string, string, string, boolean]> = [
    // host, port, NO_PROXY, bypass?
    ['adfs.corp.example', '443', 'corp.example', true],
    ['adfs.corp.example', '443', '.corp.example', true],
    ['corp.example', '443', '.corp.example', true],
    ['adfs.corp.example', '443', '*.corp.example', true],
    ['ADFS.Corp.Example', '443', 'corp.example', true],
    ['adfs.corp.example.', '443', 'corp.example', true],
    ['notcorp.example', '443', 'corp.example', false],
    ['corp.example.evil', '443', 'corp.example', false],
    ['sts.amazonaws.com', '443', 'corp.example', false],
    ['anything', '1', '*', true],
    ['127.0.0.1', '8443', '127.0.0.1', true],
    ['127.0.0.1', '8443', '127.0.0.2', false],
    ['127.0.0.1', '8443', '127.0.0.1:8443', true],
    ['127.0.0.1', '8443', '127.0.0.1:443', false],
    ['adfs.corp.example', '443', 'adfs.corp.example:443', true],
    ['adfs.corp.example', '8443', 'adfs.corp.example:443', false],
    ['10.1.2.3', '443', '10.0.0.0/8', true],
    ['11.1.2.3', '443', '10.0.0.0/8', false],
    ['::1', '443', '::1', true],
    ['[::1]', '443', '[::1]:443', true],
    ['[::1]', '8443', '[::1]:443', false],
    ['fd00::5', '443', 'fd00::/8', true],
    ['localhost', '443', '127.0.0.1', false],
    ['127.0.0.1', '443', 'localhost', false],
    // A CIDR block never matches a name, and a name never matches as a CIDR.
    ['10.example', '443', '10.0.0.0/8', false],
    ['adfs.corp.example', '443', '', false],
    ['adfs.corp.example', '443', '.', false],
  ];
  it.each(cases)('%s:%s with NO_PROXY=%s -> %s', (host, port, noProxy, expected) => {
    const entries = proxyConfigFrom({ NO_PROXY: noProxy }).noProxy;
    expect(bypassesProxy(host, port, entries)).toBe(expected);
  });

  it('entries are separated by commas and/or spaces; no_proxy wins over NO_PROXY', () => {
    expect(proxyConfigFrom({ NO_PROXY: ' a.example , b.example  c.example,' }).noProxy).toEqual(['a.example', 'b.example', 'c.example']);
    expect(proxyConfigFrom({ no_proxy: 'lower.example', NO_PROXY: 'upper.example' }).noProxy).toEqual(['lower.example']);
  });

  it('property: a listed host name covers itself and every subdomain, and no other suffix of it', () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 4 }), fc.array(label, { maxLength: 3 }), label, (domain, sub, other) => {
        const name = domain.join('.');
        const host = [...sub, name].join('.');
        expect(bypassesProxy(host, '443', [name])).toBe(true);
        expect(bypassesProxy(host, '443', [`.${name}`])).toBe(true);
        // Glued to another label without a dot, it is another host.
        expect(bypassesProxy(`${other}${name}`, '443', [name])).toBe(`${other}${name}` === name);
      }),
    );
  });

  it('property: an IPv4 address is in a.b.c.d/n exactly when its first n bits match', () => {
    const octets = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));
    fc.assert(
      fc.property(octets, octets, fc.integer({ min: 0, max: 32 }), (a, b, prefix) => {
        const toInt = (o: number[]): number => ((o[0]! << 24) >>> 0) + (o[1]! << 16) + (o[2]! << 8) + o[3]!;
        const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
        const inside = ((toInt(a) & mask) >>> 0) === ((toInt(b) & mask) >>> 0);
        expect(bypassesProxy(a.join('.'), '443', [`${b.join('.')}/${prefix}`])).toBe(inside);
      }),
    );
  });
});

describe('proxyConfigFrom / proxyFor', () => {
  it('lower-case variables win, per scheme, then all_proxy / ALL_PROXY', () => {
    const c = proxyConfigFrom({ https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:1', HTTP_PROXY: 'http://plain:2', ALL_PROXY: 'http://all:3' });
    expect(c.https?.display).toBe('http://lower:1');
    expect(c.https?.origin).toBe('https_proxy');
    expect(c.http?.display).toBe('http://plain:2');
    expect(proxyConfigFrom({ ALL_PROXY: 'http://all:3' }).https?.origin).toBe('ALL_PROXY');
    expect(proxyConfigFrom({ https_proxy: '  ', HTTPS_PROXY: 'http://upper:1' }).https?.origin).toBe('HTTPS_PROXY');
  });

  it("awsfed's setting is used for both schemes, over the variables", () => {
    const c = proxyConfigFrom({ HTTPS_PROXY: 'http://env:1' }, { value: 'proxy.corp.example:3128', origin: '--proxy' });
    expect(c.https).toMatchObject({ display: 'http://proxy.corp.example:3128', origin: '--proxy' });
    expect(c.http).toBe(c.https);
  });

  it('https targets use the https proxy, http targets the http one; NO_PROXY applies to both; no config: direct', () => {
    const c = proxyConfigFrom({ HTTPS_PROXY: 'http://s:1', HTTP_PROXY: 'http://p:2', NO_PROXY: 'direct.example' });
    expect(proxyFor('https://adfs.corp.example/adfs/ls', c)?.display).toBe('http://s:1');
    expect(proxyFor('http://127.0.0.1:4566/', c)?.display).toBe('http://p:2');
    expect(proxyFor('https://direct.example/', c)).toBeUndefined();
    expect(proxyFor('https://adfs.corp.example/', undefined)).toBeUndefined();
    expect(proxyFor('https://adfs.corp.example/', proxyConfigFrom({}))).toBeUndefined();
  });

  it('the display form never holds the credentials; the URL keeps them for the agent', () => {
    const c = proxyConfigFrom({ HTTPS_PROXY: 'http://user:p%40ss@proxy:3128' });
    expect(c.https?.display).toBe('http://proxy:3128');
    expect(c.https?.url.password).toBe('p%40ss');
    expect(proxyPasswords(c)).toEqual(['p%40ss', 'p@ss']);
    expect(proxyPasswords(proxyConfigFrom({ HTTPS_PROXY: 'http://proxy:3128' }))).toEqual([]);
  });

  it('a proxy URL that is not http(s) is a usage error naming where it came from, without echoing it', () => {
    for (const value of ['socks5://u:secret@h:1080', 'http://', 'ftp://secret@h']) {
      let caught: unknown;
      try {
        proxyConfigFrom({ HTTPS_PROXY: value });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(UsageError);
      expect((caught as UsageError).code).toBe('PROXY_INVALID');
      expect((caught as UsageError).message).toContain('HTTPS_PROXY');
      expect((caught as UsageError).message).not.toContain('secret');
    }
  });
});

describe('ProxyFailure', () => {
  const proxy = { display: 'http://proxy:3128', origin: 'HTTPS_PROXY', withCredentials: false };
  it('is found along a cause chain and described with the proxy and its origin', () => {
    const f = new ProxyFailure('refused', proxy, 'adfs.corp.example:443', 403);
    expect(proxyFailureOf(Object.assign(new Error('wrapped'), { cause: { cause: f } }))).toBe(f);
    expect(proxyFailureOf(new Error('other'))).toBeUndefined();
    expect(describeProxyFailure(f).message).toBe('The proxy http://proxy:3128 (from HTTPS_PROXY) refused to connect to adfs.corp.example:443 (HTTP 403)');
    expect(describeProxyFailure(new ProxyFailure('auth', { ...proxy, withCredentials: true }, 'h:443', 407)).message).toContain('refused its credentials');
    expect(describeProxyFailure(new ProxyFailure('unreachable', proxy, 'h:443', undefined, 'ECONNREFUSED')).message).toBe(
      'Cannot reach the proxy http://proxy:3128 (from HTTPS_PROXY) (ECONNREFUSED)',
    );
  });
});
