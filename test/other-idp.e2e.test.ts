/**
 * Second factors and error texts of non-AD FS IdPs end to end: the built CLI against the loopback
 * emulator of Keycloak, PingFederate/PingID, F5 APM, SimpleSAMLphp, Shibboleth and a generic IdP
 * (src/emulator/other-idp.ts) and the STS emulator. Each IdP gets its own emulator per test.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, makeTempHome, runCli } from './helpers/cli.js';
import { requireTool } from './helpers/peers.js';
import { EXIT_MARK, startTmux } from './helpers/tmux.js';
import type { TmuxTerminal } from './helpers/tmux.js';
import type { RunResult, TempHome } from './helpers/cli.js';
import { DEMO_ROLES } from '../src/emulator/demo-environment.js';
import { EMULATOR_MFA_CODE } from '../src/emulator/adfs.js';
import { startOtherIdpEnvironment, type OtherIdpUser } from '../src/emulator/other-idp.js';
import { OtherIdpText, type OtherIdpKind } from '../src/emulator/other-idp-pages.js';

const PASSWORD = 'Other-Passw0rd!';
let home: TempHome;
let env: Awaited<ReturnType<typeof startOtherIdpEnvironment>> | undefined;
beforeEach(async () => {
  home = await makeTempHome();
});
afterEach(async () => {
  await env?.close();
  env = undefined;
  await home?.cleanup();
});

async function login(kind: OtherIdpKind, user: Partial<OtherIdpUser>, args: string[] = [], password = PASSWORD): Promise<RunResult> {
  env = await startOtherIdpEnvironment({ kind, users: [{ username: 'alice@corp.example', password: PASSWORD, roles: DEMO_ROLES, ...user }] });
  return runCli(['login', '--idp-url', env.idp.entryUrl, '--username', 'alice@corp.example', '--role', '*ReadOnly', '--no-prompt', ...args], {
    env: { ...home.env, AWS_ENDPOINT_URL_STS: env.sts.url, AWSFED_PASSWORD: password },
    timeoutMs: 60_000,
  });
}

async function noCredentialsWritten(): Promise<void> {
  await expect(home.read('credentials')).rejects.toThrow();
}

describe('one-time-code forms through the built CLI', () => {
  it.each(['keycloak', 'pingfed', 'f5', 'generic'] as const)('%s: --mfa-code signs in', async (kind) => {
    const result = await login(kind, { second: 'otp' }, ['--mfa-code', EMULATOR_MFA_CODE]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Signed in. Profile saml now holds temporary credentials.');
    expect(`${result.stdout}${result.stderr}`).not.toContain(EMULATOR_MFA_CODE);
    expect(await home.read('credentials')).toContain('[saml]');
  });

  it('Keycloak with two OTP devices: --mfa-method picks the device', async () => {
    const devices = [
      { id: 'dev-phone', label: 'Work phone' },
      { id: 'dev-tablet', label: 'Tablet' },
    ];
    const result = await login('keycloak', { second: 'otp', devices, acceptDevice: 'dev-tablet' }, ['--mfa-code', EMULATOR_MFA_CODE, '--mfa-method', 'Tablet']);
    expect(result.code, result.stderr).toBe(0);
  });

  it('a wrong code: exit 3, MFA_CODE_REJECTED quoting the IdP, files untouched', async () => {
    const result = await login('pingfed', { second: 'otp' }, ['--mfa-code', '000000']);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain(OtherIdpText.pingBadOtp);
    expect(result.stderr).not.toContain('000000');
    await noCredentialsWritten();
  });
});

describe('PingID push', () => {
  it('waits for the approval without a terminal, showing the number to match', async () => {
    const result = await login('pingfed', { second: 'push', pushApproveAfterPolls: 2, numberToMatch: '64' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Number to enter in PingID: +64/);
    expect(await home.read('credentials')).toContain('[saml]');
  });

  it('a denied push: exit 3, MFA_DENIED', async () => {
    const result = await login('pingfed', { second: 'push', pushDenyAfterPolls: 1 });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/The second factor \(PingID\) was denied/);
    await noCredentialsWritten();
  });
});

describe('WebAuthn', () => {
  it('Keycloak security key: exit 3, the method named, a hint to pick another method or ask for an OTP device', async () => {
    const result = await login('keycloak', { second: 'webauthn' });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/^awsfed: The IdP asks for a Keycloak WebAuthn security key \/ passkey at /m);
    expect(result.stderr).toMatch(/hint: .*Try another way.*OTP device/);
    expect(result.stderr).not.toMatch(/Unrecognised/);
    await noCredentialsWritten();
  });
});

describe("a re-shown login form quotes the IdP's message", () => {
  it.each([
    ['keycloak', OtherIdpText.keycloakBadCredentials],
    ['pingfed', OtherIdpText.pingBadCredentials],
    ['f5', OtherIdpText.f5BadCredentials],
    ['simplesamlphp', OtherIdpText.simpleSamlBadCredentials],
    ['shibboleth', OtherIdpText.shibbolethBadCredentials],
    ['generic', OtherIdpText.genericBadCredentials],
  ] as const)('%s', async (kind, text) => {
    const result = await login(kind, {}, [], 'wrong-password');
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain(text);
    expect(result.stderr).not.toMatch(/Unrecognised/);
    await noCredentialsWritten();
  });
});

describe('a Keycloak code typed in a terminal', () => {
  let terminal: TmuxTerminal | undefined;
  afterEach(async () => {
    await terminal?.kill();
    terminal = undefined;
  });

  it('asks for the code, asks again after a wrong one quoting Keycloak, then signs in', async () => {
    requireTool('tmux');
    env = await startOtherIdpEnvironment({ kind: 'keycloak', users: [{ username: 'alice@corp.example', password: PASSWORD, roles: DEMO_ROLES, second: 'otp' }] });
    terminal = await startTmux({
      command: [process.execPath, BIN, 'login', '--idp-url', env.idp.entryUrl, '--username', 'alice@corp.example', '--role', '*ReadOnly'],
      env: { ...home.env, AWS_ENDPOINT_URL_STS: env.sts.url, AWSFED_PASSWORD: PASSWORD },
    });
    const t = terminal;
    await t.waitFor('the code prompt', /Keycloak code:/);
    await t.type('000111');
    await t.keys('Enter');
    await t.waitFor('the refusal and a second prompt', (s) => s.includes(OtherIdpText.keycloakBadOtp) && (s.match(/Keycloak code:/g) ?? []).length >= 2);
    await t.type(EMULATOR_MFA_CODE);
    await t.keys('Enter');
    const screen = await t.waitFor('the program to exit', EXIT_MARK);
    expect(Number(EXIT_MARK.exec(screen)![1]), screen).toBe(0);
    expect(screen).toContain('Signed in.');
    expect(screen).not.toContain('000111');
    expect(screen).not.toContain(EMULATOR_MFA_CODE);
  });
});
