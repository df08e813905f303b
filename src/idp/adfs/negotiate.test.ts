import { describe, expect, it } from 'vitest';
import { explainKerberos, kerberosReason, KerberosUnavailable, servicePrincipal } from './negotiate.js';

describe('kerberosReason: GSSAPI and SSPI messages sorted', () => {
  it.each([
    ['No credentials were supplied, or the credentials were unavailable or inaccessible: SPNEGO cannot find mechanisms to negotiate', 'no-ticket'],
    ['No Kerberos credentials available (default cache: FILE:/tmp/krb5cc_1000)', 'no-ticket'],
    ['SEC_E_NO_CREDENTIALS', 'no-ticket'],
    ['Ticket expired', 'expired'],
    ['Server HTTP/sts.corp.example@CORP.EXAMPLE not found in Kerberos database', 'unknown-service'],
    ['SEC_E_TARGET_UNKNOWN: The specified target is unknown or unreachable', 'unknown-service'],
    ["Cannot contact any KDC for realm 'CORP.EXAMPLE'", 'kdc-unreachable'],
    ['Clock skew too great', 'clock-skew'],
    ['Something else entirely', 'failed'],
  ])('%s -> %s', (message, reason) => {
    expect(kerberosReason(message)).toBe(reason);
  });
});

describe('explainKerberos', () => {
  it('a missing module names the install that builds it', () => {
    const { sentence, hint } = explainKerberos(new KerberosUnavailable('no-module', 'the package is missing'), 'HTTP@sts.corp.example');
    expect(sentence).toMatch(/optional `kerberos` package/);
    expect(hint).toMatch(/--allow-scripts=kerberos/);
    expect(hint).toMatch(/libkrb5-dev/);
  });
  it('an unknown service names the principal as the KDC knows it', () => {
    expect(explainKerberos(new KerberosUnavailable('unknown-service', 'x'), 'HTTP@sts.corp.example').sentence).toMatch(/no service HTTP\/sts\.corp\.example/);
  });
  it('every reason has a sentence and a hint', () => {
    for (const reason of ['no-module', 'no-ticket', 'expired', 'unknown-service', 'kdc-unreachable', 'clock-skew', 'failed'] as const) {
      const { sentence, hint } = explainKerberos(new KerberosUnavailable(reason, 'detail'), 'HTTP@h');
      expect(sentence.length).toBeGreaterThan(10);
      expect(hint.length).toBeGreaterThan(10);
    }
  });
});

describe('servicePrincipal', () => {
  it('is HTTP@ the host name for GSSAPI, without port or IPv6 brackets', () => {
    expect(servicePrincipal('sts.corp.example', 'linux')).toBe('HTTP@sts.corp.example');
    expect(servicePrincipal('[::1]', 'darwin')).toBe('HTTP@::1');
  });
  it('is the SPN HTTP/host for SSPI on Windows', () => {
    expect(servicePrincipal('sts.corp.example', 'win32')).toBe('HTTP/sts.corp.example');
  });
});

describe('withinLimit', () => {
  it('a call past the limit is a KDC that did not answer; its late failure is no unhandled rejection', async () => {
    const { withinLimit } = await import('./negotiate.js');
    let fail: (e: Error) => void = () => {};
    const work = new Promise<string>((_resolve, reject) => (fail = reject));
    await expect(withinLimit(work, 20)).rejects.toMatchObject({ reason: 'kdc-unreachable' });
    fail(new Error('Cannot contact any KDC'));
    await expect(work).rejects.toThrow();
  });
  it("an aborted signal ends it with the signal's reason at once, not after the limit", async () => {
    const { withinLimit } = await import('./negotiate.js');
    const controller = new AbortController();
    const reason = new Error('deadline');
    controller.abort(reason);
    let finish: () => void = () => {};
    const work = new Promise<void>((resolve) => (finish = resolve));
    await expect(withinLimit(work, 60_000, controller.signal)).rejects.toBe(reason);
    // Returned after all: nothing of this test lingers for the others.
    finish();
    await work;
  });
  it('a call within the limit gives its value', async () => {
    const { withinLimit } = await import('./negotiate.js');
    await expect(withinLimit(Promise.resolve(7), 1000)).resolves.toBe(7);
  });
});
