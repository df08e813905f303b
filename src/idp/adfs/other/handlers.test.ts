/**
 * Second factors and error texts of the non-AD FS IdPs through the sign-in loop, against the loopback
 * emulator in src/emulator/other-idp.ts (a real HTTP server on 127.0.0.1), with a fake code source,
 * chooser, status and clock: polls are counted, not timed.
 */
import type { Progress } from '../../../ui/progress.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../../http/client.js';
import { silentLogger } from '../../../log.js';
import { EMULATOR_MFA_CODE } from '../../../emulator/adfs.js';
import { startOtherIdpEmulator, type OtherIdpEmulator, type OtherIdpEmulatorOptions, type OtherIdpUser } from '../../../emulator/other-idp.js';
import { OtherIdpText, type OtherIdpKind } from '../../../emulator/other-idp-pages.js';
import { signIn, type SignInMfaOptions } from '../flow.js';
import type { CodeAnswer, CodeRequest } from '../mfa/ports.js';

const ROLE = { roleArn: 'arn:aws:iam::111111111111:role/R', principalArn: 'arn:aws:iam::111111111111:saml-provider/IdP' };
const PASSWORD = 'pw-Alice-1';
let emulator: OtherIdpEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

function harness(answers: Array<string | CodeAnswer> = [], options: { timeoutMs?: number; method?: string } = {}) {
  const asked: CodeRequest[] = [];
  const status: string[] = [];
  const sleeps: number[] = [];
  let clock = 0;
  const mfa: SignInMfaOptions = {
    codes: {
      preset: async () => undefined,
      next: async (request) => {
        asked.push(request);
        const answer = answers.shift();
        if (answer === undefined) throw new Error(`unexpected code request: ${request.label}`);
        return typeof answer === 'string' ? { code: answer, repeatable: true } : answer;
      },
      secrets: () => [],
    },
    chooser: { interactive: false, choose: async () => 'unused' },
    status: (line) => void status.push(line),
    settings: { timeoutMs: options.timeoutMs ?? 120_000, ...(options.method ? { method: { value: options.method, where: '--mfa-method' } } : {}) },
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => clock,
  };
  return { mfa, asked, status, sleeps };
}

async function login(kind: OtherIdpKind, user: Partial<OtherIdpUser>, h: ReturnType<typeof harness>, more: Partial<OtherIdpEmulatorOptions> = {}, password = PASSWORD) {
  emulator = await startOtherIdpEmulator({ kind, users: [{ username: 'alice', password: PASSWORD, roles: [ROLE], ...user }], ...more });
  return signIn({
    entryUrl: emulator.entryUrl,
    http: createHttpClient({ log: silentLogger }),
    credentials: { username: async () => 'alice', password: async () => password },
    log: silentLogger,
    mfa: h.mfa,
  });
}

const once = (code: string): CodeAnswer => ({ code, repeatable: false });

describe('one-time-code forms', () => {
  it.each([
    ['keycloak', 'Keycloak', 'otp'],
    ['pingfed', 'PingID', 'otp'],
    ['f5', 'F5 BIG-IP APM', 'mfatoken'],
    ['generic', 'one-time', 'code'],
  ] as const)('%s: the code goes into its field and the SAMLResponse comes back', async (kind, adapter, field) => {
    const h = harness([EMULATOR_MFA_CODE]);
    const result = await login(kind, { second: 'otp' }, h);
    expect(result.samlResponse).not.toBe('');
    expect(h.asked).toMatchObject([{ adapter, purpose: 'code', attempt: 1 }]);
    expect(emulator!.requests.filter((r) => r.fieldNames.includes(field))).toHaveLength(1);
  });

  it("Keycloak's older totp field", async () => {
    const h = harness([EMULATOR_MFA_CODE]);
    await login('keycloak', { second: 'otp', otpFieldName: 'totp' }, h);
    expect(emulator!.requests.some((r) => r.fieldNames.includes('totp'))).toBe(true);
  });

  it('a refused code typed at the prompt is asked again, with the IdP words on the status line', async () => {
    const h = harness(['000000', EMULATOR_MFA_CODE]);
    await login('keycloak', { second: 'otp' }, h);
    expect(h.asked.map((a) => a.attempt)).toEqual([1, 2]);
    expect(h.status.join('\n')).toContain(OtherIdpText.keycloakBadOtp);
  });

  it.each([
    ['keycloak', OtherIdpText.keycloakBadOtp],
    ['pingfed', OtherIdpText.pingBadOtp],
    ['f5', OtherIdpText.f5BadOtp],
    ['generic', OtherIdpText.genericBadCode],
  ] as const)('%s: a refused code from a flag is MFA_CODE_REJECTED quoting the IdP', async (kind, text) => {
    await expect(login(kind, { second: 'otp' }, harness([once('000000')]))).rejects.toMatchObject({ code: 'MFA_CODE_REJECTED', message: expect.stringContaining(text) });
  });
});

describe('device and method choice beside the code', () => {
  const devices = [
    { id: 'dev-phone', label: 'Work phone' },
    { id: 'dev-tablet', label: 'Tablet' },
  ];

  it("Keycloak keeps the page's default device when no --mfa-method is given", async () => {
    const h = harness([EMULATOR_MFA_CODE]);
    await login('keycloak', { second: 'otp', devices, acceptDevice: 'dev-phone' }, h);
    expect(h.asked).toHaveLength(1);
  });

  it('Keycloak: --mfa-method picks the OTP device by its label', async () => {
    const h = harness([EMULATOR_MFA_CODE], { method: 'tablet' });
    await login('keycloak', { second: 'otp', devices, acceptDevice: 'dev-tablet' }, h);
    expect(emulator!.requests.filter((r) => r.fieldNames.includes('selectedCredentialId'))).toHaveLength(1);
  });

  it('F5 APM: --mfa-method picks the mfamethod option', async () => {
    const h = harness([EMULATOR_MFA_CODE], { method: 'sms' });
    await login('f5', { second: 'otp', devices: [{ id: 'totp', label: 'Authenticator app' }, { id: 'sms', label: 'Text message' }], acceptDevice: 'sms' }, h);
    expect(h.asked).toHaveLength(1);
  });

  it('an --mfa-method the page does not offer is MFA_METHOD_NOT_OFFERED listing the devices', async () => {
    await expect(login('keycloak', { second: 'otp', devices }, harness([EMULATOR_MFA_CODE], { method: 'yubikey' }))).rejects.toMatchObject({
      code: 'MFA_METHOD_NOT_OFFERED',
      message: expect.stringContaining('Work phone'),
    });
  });
});

describe('PingID swipe / push', () => {
  it('polls the status URL every 1.5 s until approved, shows the number to match, then posts the form', async () => {
    const h = harness();
    const result = await login('pingfed', { second: 'push', pushApproveAfterPolls: 3, numberToMatch: '58' }, h);
    expect(result.samlResponse).not.toBe('');
    expect(h.sleeps).toEqual([1500, 1500, 1500]);
    expect(h.status[0]).toMatch(/Number to enter in PingID: +58/);
    expect(h.status[1]).toMatch(/choosing 58; waiting up to 2 min \(--mfa-timeout\)/);
    expect(emulator!.requests.filter((r) => r.path === '/pingid/ppm/auth/status')).toHaveLength(3);
    expect(h.asked).toEqual([]);
  });

  it('on a terminal: the number a line above, then the spinner counting down (no plain waiting line), stopped at the end', async () => {
    const events: string[] = [];
    const progress: Progress = { live: true, start: (t) => void events.push(`start ${t}`), update: (t) => void events.push(`update ${t}`), stop: () => void events.push('stop') };
    const h = harness();
    await login('pingfed', { second: 'push', pushApproveAfterPolls: 2, numberToMatch: '58' }, { ...h, mfa: { ...h.mfa, progress } });
    expect(h.status).toHaveLength(1);
    expect(h.status[0]).toMatch(/Number to enter in PingID: +58/);
    expect(events[0]).toBe('start Approve the sign-in in the PingID app on your phone by choosing 58: 2:00 left (--mfa-timeout)');
    expect(events).toContain('update Approve the sign-in in the PingID app on your phone by choosing 58: 1:57 left (--mfa-timeout)');
    expect(events.at(-1)).toBe('stop');
  });

  it('a denied push is MFA_DENIED', async () => {
    await expect(login('pingfed', { second: 'push', pushDenyAfterPolls: 2 }, harness())).rejects.toMatchObject({ code: 'MFA_DENIED', message: expect.stringContaining('PingID') });
  });

  it('an unanswered push ends at --mfa-timeout', async () => {
    const h = harness([], { timeoutMs: 6000 });
    await expect(login('pingfed', { second: 'push' }, h)).rejects.toMatchObject({ code: 'MFA_TIMEOUT', message: expect.stringContaining('6 s') });
    expect(h.sleeps).toHaveLength(4);
  });
});

describe('WebAuthn', () => {
  it('is MFA_SECURITY_KEY naming the method, with a hint to pick another method or ask for an OTP device; nothing is posted', async () => {
    const error = await login('keycloak', { second: 'webauthn' }, harness()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'MFA_SECURITY_KEY', exitCode: 3, message: expect.stringContaining('Keycloak WebAuthn security key') });
    expect((error as { hint: string }).hint).toMatch(/Try another way.*OTP device/);
    expect(emulator!.requests.filter((r) => r.path === '/sso/mfa')).toHaveLength(0);
  });
});

describe('error texts of re-shown login forms are quoted, never "unrecognised page"', () => {
  it.each([
    ['keycloak', OtherIdpText.keycloakBadCredentials],
    ['pingfed', OtherIdpText.pingBadCredentials],
    ['f5', OtherIdpText.f5BadCredentials],
    ['simplesamlphp', OtherIdpText.simpleSamlBadCredentials],
    ['shibboleth', OtherIdpText.shibbolethBadCredentials],
    ['generic', OtherIdpText.genericBadCredentials],
  ] as const)('%s', async (kind, text) => {
    // The wrong password must not be a word of the IdP's message: echoed secrets are scrubbed from errors.
    await expect(login(kind, {}, harness(), {}, 'not-the-password-9')).rejects.toMatchObject({ code: 'IDP_BAD_CREDENTIALS', message: expect.stringContaining(text) });
  });

  it("SimpleSAMLphp's error page: the heading's message is quoted", async () => {
    await expect(login('simplesamlphp', {}, harness(), { entryError: { title: OtherIdpText.simpleSamlErrorTitle, message: OtherIdpText.simpleSamlError } })).rejects.toMatchObject({
      code: 'IDP_ERROR_PAGE',
      message: expect.stringContaining(OtherIdpText.simpleSamlError),
    });
  });
});

describe('PingID status answers awsfed does not know', () => {
  it('an HTML or unknown status is MFA_PUSH_STATUS_UNKNOWN, not an endless wait', async () => {
    const { waitForPingPush } = await import('./pingid.js');
    const h = harness();
    const page = {
      kind: 'mfa' as const,
      adapter: 'PingID',
      form: { action: 'http://127.0.0.1:1/pingid/ppm/auth', method: 'POST' as const, fields: [], submits: [] },
      step: { kind: 'ping-push' as const, statusUrl: 'http://127.0.0.1:1/pingid/ppm/auth/status' },
    };
    for (const body of ['<html><title>Maintenance</title></html>', '{"status":"SOMETHING_NEW"}']) {
      const ports = {
        http: { get: async () => Promise.reject(new Error('no GET')), postForm: async (url: string) => ({ status: 200, url, body, headers: {} }) },
        signal: new AbortController().signal,
        paused: <T>(work: () => Promise<T>) => work(),
        status: h.mfa.status,
        sleep: h.mfa.sleep!,
        now: h.mfa.now!,
        settings: h.mfa.settings,
        log: silentLogger,
      };
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      await expect(waitForPingPush(page, ports as any)).rejects.toMatchObject({ code: 'MFA_PUSH_STATUS_UNKNOWN' });
    }
  });
});
