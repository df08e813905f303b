import { describe, expect, it } from 'vitest';
import { KerberosUnavailable, type StartNegotiate } from '../idp/adfs/negotiate.js';
import { kerberosFindings } from './kerberos-check.js';

const IDP = 'https://sts.corp.example/adfs/ls/IdpInitiatedSignOn.aspx';
const ok: StartNegotiate = async () => ({ token: 'x', verify: async () => {} });
const none: StartNegotiate = async () => {
  throw new KerberosUnavailable('no-ticket', 'No credentials were supplied');
};

describe('kerberosFindings', () => {
  it('nothing for forms or ntlm, or without an IdP URL', async () => {
    for (const auth of ['forms', 'ntlm'] as const) expect(await kerberosFindings({ auth, idpUrl: IDP, offline: false, timeoutMs: 1000, start: ok })).toEqual([]);
    expect(await kerberosFindings({ auth: 'kerberos', idpUrl: undefined, offline: false, timeoutMs: 1000, start: ok })).toEqual([]);
  });
  it('a ticket can be had: ok, naming the service principal', async () => {
    const [f] = await kerberosFindings({ auth: 'wia', idpUrl: IDP, offline: false, timeoutMs: 1000, start: ok });
    expect(f).toMatchObject({ id: 'kerberos.ticket', severity: 'ok' });
    expect(f!.title).toMatch(/HTTP\/sts\.corp\.example/);
  });
  it('no ticket: a warning under wia (NTLM follows), an error under kerberos, the fix names kinit', async () => {
    const [w] = await kerberosFindings({ auth: 'wia', idpUrl: IDP, offline: false, timeoutMs: 1000, start: none });
    expect(w).toMatchObject({ severity: 'warning' });
    expect(w!.detail).toMatch(/falls back to NTLM/);
    const [e] = await kerberosFindings({ auth: 'kerberos', idpUrl: IDP, offline: false, timeoutMs: 1000, start: none });
    expect(e).toMatchObject({ severity: 'error' });
    expect(e!.fix).toMatch(/kinit/);
  });
  it('--offline asks nothing', async () => {
    let asked = 0;
    const [f] = await kerberosFindings({ auth: 'kerberos', idpUrl: IDP, offline: true, timeoutMs: 1000, start: async () => (asked++, ok('h')) });
    expect(f).toMatchObject({ severity: 'info' });
    expect(asked).toBe(0);
  });
  it('a KDC that never answers is reported within the limit, not a hang: an error under kerberos, a warning under wia', async () => {
    const [f] = await kerberosFindings({ auth: 'kerberos', idpUrl: IDP, offline: false, timeoutMs: 50, start: () => new Promise(() => {}) });
    expect(f).toMatchObject({ severity: 'error' });
    expect(f!.title).toMatch(/No Kerberos KDC could be reached \(no answer from the KDC within 0\.05 s\)/);
    const [w] = await kerberosFindings({ auth: 'wia', idpUrl: IDP, offline: false, timeoutMs: 50, start: () => new Promise(() => {}) });
    expect(w).toMatchObject({ severity: 'warning' });
  });
});
