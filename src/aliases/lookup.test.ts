import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchAccountNames, signinSamlUrl } from './lookup.js';

describe('signinSamlUrl', () => {
  it('posts to the assertion Destination only when it is an AWS sign-in host over https', () => {
    expect(signinSamlUrl('https://signin.aws.amazon.com/saml', 'aws')).toEqual({ url: 'https://signin.aws.amazon.com/saml' });
    expect(signinSamlUrl('https://us-east-2.signin.aws.amazon.com/saml?x=1', 'aws')).toEqual({ url: 'https://us-east-2.signin.aws.amazon.com/saml' });
    expect(signinSamlUrl('https://signin.amazonaws-us-gov.com/saml', 'aws-us-gov')).toEqual({ url: 'https://signin.amazonaws-us-gov.com/saml' });
    // Elsewhere, or not https: the partition's own host, never the named one.
    expect(signinSamlUrl('https://evil.example/saml', 'aws')).toEqual({ url: 'https://signin.aws.amazon.com/saml' });
    expect(signinSamlUrl('http://signin.aws.amazon.com/saml', 'aws-cn')).toEqual({ url: 'https://signin.amazonaws.cn/saml' });
    expect(signinSamlUrl('https://signin.aws.amazon.com.evil.example/saml', 'aws')).toEqual({ url: 'https://signin.aws.amazon.com/saml' });
    expect(signinSamlUrl(undefined, 'aws')).toEqual({ url: 'https://signin.aws.amazon.com/saml' });
  });

  it('takes a configured endpoint base: https anywhere, http only to this machine', () => {
    expect(signinSamlUrl('https://signin.aws.amazon.com/saml', 'aws', 'http://127.0.0.1:8080/')).toEqual({ url: 'http://127.0.0.1:8080/saml' });
    expect(signinSamlUrl(undefined, 'aws', 'https://signin.corp.example/saml')).toEqual({ url: 'https://signin.corp.example/saml' });
    expect(signinSamlUrl(undefined, 'aws', 'http://signin.corp.example')).toEqual({ refused: expect.stringContaining('is not https') });
    expect(signinSamlUrl(undefined, 'aws', 'not a url')).toEqual({ refused: expect.stringContaining('not an absolute URL') });
  });
});

describe('fetchAccountNames', () => {
  const servers: Array<ReturnType<typeof createServer>> = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => { s.closeAllConnections(); s.close(r); })));
  });
  async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/saml`;
  }

  it('posts the form a browser posts and reads the names', async () => {
    let body = '';
    let type = '';
    const url = await serve((req, res) => {
      type = req.headers['content-type'] ?? '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => res.end('<div class="saml-account-name">Account: prod (111111111111)</div>'));
    });
    const lines: string[] = [];
    const outcome = await fetchAccountNames({ url, samlResponse: 'PHNhbWw+', relayState: 'rs', debug: (l) => void lines.push(l) });
    expect(outcome).toEqual({ ok: true, names: new Map([['111111111111', 'prod']]), endpoint: url });
    expect(lines).toEqual([`request: POST ${new URL(url).host}/saml -> 200 (account names from the AWS sign-in page)`]);
    expect(type).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(body).get('SAMLResponse')).toBe('PHNhbWw+');
    expect(new URLSearchParams(body).get('RelayState')).toBe('rs');
  });

  it('gives a reason without the assertion for a page too large, a stall, a refused connection', async () => {
    const big = await serve((_req, res) => {
      res.write('x'.repeat(1024 * 1024));
      const more = () => (res.destroyed ? undefined : res.write('y'.repeat(1024 * 1024), () => setImmediate(more)));
      more();
    });
    const lines: string[] = [];
    const debug = (l: string): void => void lines.push(l);
    const tooLarge = await fetchAccountNames({ url: big, samlResponse: 'SECRETSAML', debug });
    expect(tooLarge).toEqual({ ok: false, reason: expect.stringContaining('over 4 MB') });
    const stall = await serve(() => undefined);
    const stalled = await fetchAccountNames({ url: stall, samlResponse: 'SECRETSAML', timeoutMs: 200, debug });
    expect(stalled).toEqual({ ok: false, reason: expect.stringContaining('did not answer within 0.2 s') });
    const closedUrl = await serve(() => undefined);
    const s = servers.pop()!;
    await new Promise((r) => s.close(r));
    const refused = await fetchAccountNames({ url: closedUrl, samlResponse: 'SECRETSAML', debug });
    expect(refused).toEqual({ ok: false, reason: expect.stringContaining('could not be reached (ECONNREFUSED)') });
    // The same vocabulary as the IdP client's lines: `failed: WHY`.
    expect(lines.map((l) => l.replace(/127\.0\.0\.1:\d+/, 'HOST'))).toEqual([
      'request: POST HOST/saml -> failed: too large (account names from the AWS sign-in page)',
      'request: POST HOST/saml -> failed: deadline (account names from the AWS sign-in page)',
      'request: POST HOST/saml -> failed: ECONNREFUSED (account names from the AWS sign-in page)',
    ]);
    for (const o of [tooLarge, stalled, refused, lines]) expect(JSON.stringify(o)).not.toContain('SECRETSAML');
  });
});
