/**
 * The demo's claim that the second login "asked nothing" rests on what the emulated AD FS recorded and
 * on the prompts shown: any password post, second-factor round or prompt makes it refuse to say so.
 */
import { describe, expect, it } from 'vitest';
import type { AdfsRequestRecord } from '../emulator/adfs.js';
import { silentSignInReport } from './demo.js';

const sessionGet: AdfsRequestRecord = { method: 'GET', path: '/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=…', fieldNames: [], status: 200 };
const passwordPost: AdfsRequestRecord = { ...sessionGet, method: 'POST', fieldNames: ['UserName', 'Password', 'AuthMethod', 'Kmsi'] };
const pushPoll: AdfsRequestRecord = { ...sessionGet, method: 'POST', fieldNames: ['AuthMethod', 'Context'] };

describe('silentSignInReport', () => {
  it('says "asked nothing" with the number of requests when AD FS saw only the session GET and nothing was prompted', () => {
    const report = silentSignInReport([sessionGet], 0, '/tmp/d/.cache');
    expect(report).toContain('Asked nothing: AD FS saw 1 request, no password and no second factor.');
    expect(report).toContain('/tmp/d/.cache/awsfed');
    expect(silentSignInReport([sessionGet, sessionGet], 0, '/c')).toContain('AD FS saw 2 requests');
  });

  it.each([
    ['a password post', [sessionGet, passwordPost], 0, /1 password posts/],
    ['a second-factor round', [sessionGet, pushPoll], 0, /1 MFA posts/],
    ['a prompt', [sessionGet], 1, /1 prompts/],
  ] as const)('refuses to claim it after %s', (_what, requests, prompts, reason) => {
    expect(() => silentSignInReport(requests, prompts, '/c')).toThrow(reason);
  });
});
