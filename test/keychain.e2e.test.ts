/**
 * End to end: --remember-password through the built CLI (issue 8, item 2).
 *
 * With a real Secret Service: a private D-Bus session bus and gnome-keyring-daemon, started by the test
 * on this machine (unix socket, keyring files inside the temporary HOME), exactly what a Linux desktop
 * offers. The password is stored after a successful login, read by the next run with no password
 * source and no terminal, visible to secret-tool (the same Secret Service entry), and removed by
 * logout --forget-password.
 *
 * Without one (no DBUS_SESSION_BUS_ADDRESS, as on a headless server or CI): the login succeeds and one
 * line says the password was not remembered, why and what to use instead.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ROLES, DEMO_USER, startDemoEnvironment } from '../src/emulator/demo-environment.js';
import { parseIni } from '../src/ini/document.js';
import type { DemoEnvironment } from '../src/emulator/demo-environment.js';
import { explain, makeTempHome, runCli } from './helpers/cli.js';
import type { RunResult, TempHome } from './helpers/cli.js';
import { requireTool } from './helpers/peers.js';
import { expectNoSecrets } from './helpers/secrets.js';

let env: DemoEnvironment;
const homes: TempHome[] = [];
const buses: ChildProcess[] = [];

const PROD = 'arn:aws:iam::444444444444:role/Prod';

beforeAll(async () => {
  env = await startDemoEnvironment({ stsRoles: [{ roleArn: PROD, trustedPrincipals: [DEMO_ROLES[1]!.roleArn] }] });
});
afterAll(async () => {
  await env?.close();
});
afterEach(async () => {
  // gnome-keyring-daemon leaves when its session bus goes away.
  for (const bus of buses.splice(0)) bus.kill('SIGTERM');
  await Promise.all(homes.splice(0).map((h) => h.cleanup()));
});

async function newHome(): Promise<TempHome> {
  const home = await makeTempHome();
  homes.push(home);
  return home;
}

const account = () => `${DEMO_USER.username}@${new URL(env.adfs.entryUrl).host}`;
const LOGIN = () => ['login', '--idp-url', env.adfs.entryUrl, '--username', DEMO_USER.username, '--role', '*ReadOnly', '--no-session', '--no-prompt'];
const cli = (home: TempHome, args: string[], extra: Record<string, string>, input?: string): Promise<RunResult> =>
  runCli(args, { env: { ...home.env, AWS_ENDPOINT_URL_STS: env.sts.url, ...extra }, ...(input !== undefined ? { input } : {}) });

/** A session bus and an unlocked GNOME Keyring on it, for this home only; returns the variables to reach it. */
async function startSecretService(home: TempHome): Promise<Record<string, string>> {
  for (const tool of ['dbus-daemon', 'gnome-keyring-daemon', 'secret-tool']) requireTool(tool);
  const base = { PATH: home.env.PATH!, HOME: home.home, XDG_RUNTIME_DIR: home.home, XDG_DATA_HOME: `${home.home}/.local/share` };
  const bus = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], { stdio: ['ignore', 'pipe', 'ignore'], env: base });
  buses.push(bus);
  const address = await new Promise<string>((resolve, reject) => {
    bus.once('error', reject);
    bus.stdout!.once('data', (d: Buffer) => resolve(String(d).trim()));
  });
  const vars = { ...base, DBUS_SESSION_BUS_ADDRESS: address };
  // --unlock creates the login keyring with the password on stdin (the keyring's own, not the IdP's).
  const unlocked = spawnSync('gnome-keyring-daemon', ['--unlock', '--components=secrets'], { input: 'keyring-unlock-pw', env: vars, encoding: 'utf8', timeout: 20_000 });
  if (unlocked.status !== 0) throw new Error(`gnome-keyring-daemon --unlock failed: ${unlocked.stderr}`);
  return vars;
}

function secretTool(vars: Record<string, string>): string | undefined {
  const r = spawnSync('secret-tool', ['lookup', 'service', 'awsfed', 'username', account()], { env: vars, encoding: 'utf8', timeout: 20_000 });
  return r.status === 0 ? r.stdout : undefined;
}

describe('awsfed login --remember-password', () => {
  it('with a real Secret Service: stored after a successful login, used by the next login and by a re-login of refresh, used by credential-process, forgotten by logout', async () => {
    const home = await newHome();
    const config = `[profile saml]\nawsfed_idp_url = ${env.adfs.entryUrl}\nawsfed_username = ${DEMO_USER.username}\nawsfed_role = *ReadOnly\n\n[profile prod]\nrole_arn = ${PROD}\nsource_profile = saml\n`;
    await writeFile(home.configFile, config);
    const bus = await startSecretService(home);
    const passwordPosts = (from: number) => env.adfs.requests.slice(from).filter((r) => r.method === 'POST' && r.fieldNames.includes('Password')).length;

    const first = await cli(home, ['login', '--no-session', '--no-prompt', '--password-stdin', '--remember-password'], bus, `${DEMO_USER.password}\n`);
    expect(first.code, explain(first)).toBe(0);
    expect(first.stderr).toContain(`Remembered the password for ${account()} in the Secret Service keyring`);
    expect(await home.read('config')).toMatch(/awsfed_remember_password = true/);
    expect(secretTool(bus)).toBe(DEMO_USER.password);

    // No password source at all and no terminal: the keychain is the only place it can come from.
    let mark = env.adfs.requests.length;
    const second = await cli(home, ['--debug', 'login', '--no-session', '--no-prompt'], bus);
    expect(second.stderr).toContain(`debug: OS keychain: a password remembered for ${account()}`);
    expect(second.code, explain(second)).toBe(0);
    expect(passwordPosts(mark)).toBe(1);

    // The gateway's keys expire: refresh signs in again on its own, with the remembered password.
    const doc = parseIni(await home.read('credentials'), home.credentialsFile);
    doc.set('saml', 'x_security_token_expires', '2020-01-01T00:00:00Z');
    await writeFile(home.credentialsFile, doc.toString(), { mode: 0o600 });
    mark = env.adfs.requests.length;
    const refreshed = await cli(home, ['refresh', 'prod', '--no-prompt', '--no-session'], bus);
    expect(refreshed.code, explain(refreshed)).toBe(0);
    expect(passwordPosts(mark)).toBe(1);

    // credential_process, run by an AWS tool with nobody watching, signs in with it too.
    const aged = parseIni(await home.read('credentials'), home.credentialsFile);
    aged.set('saml', 'x_security_token_expires', '2020-01-01T00:00:00Z');
    await writeFile(home.credentialsFile, aged.toString(), { mode: 0o600 });
    mark = env.adfs.requests.length;
    const processed = await cli(home, ['credential-process', '--profile', 'saml'], bus);
    expect(processed.code, explain(processed)).toBe(0);
    expect(JSON.parse(processed.stdout)).toMatchObject({ Version: 1, AccessKeyId: expect.stringMatching(/^ASIA/) });
    expect(processed.stderr).toBe('');
    expect(passwordPosts(mark)).toBe(1);

    const logout = await cli(home, ['logout', '--forget-password'], bus);
    expect(logout.code, explain(logout)).toBe(0);
    expect(logout.stdout).toContain(`Removed the password remembered for ${account()}`);
    expect(secretTool(bus)).toBeUndefined();
    expect(await home.read('config')).not.toContain('awsfed_remember_password');

    const third = await cli(home, ['login', '--no-session', '--no-prompt'], bus);
    expect(third.code, explain(third)).toBe(7);
    for (const run of [first, second, refreshed, logout, third]) expectNoSecrets(run, [DEMO_USER.password]);
    // credential-process prints keys on stdout by design; its stderr was checked empty above.
    expect(processed.stdout).not.toContain(DEMO_USER.password);
  });

  it('a wrong password is never stored in the real Secret Service', async () => {
    const home = await newHome();
    const bus = await startSecretService(home);
    const run = await cli(home, [...LOGIN(), '--password-stdin', '--remember-password'], bus, 'Wrong-Passw0rd!\n');
    expect(run.code, explain(run)).toBe(3);
    expect(secretTool(bus)).toBeUndefined();
    expectNoSecrets(run, ['Wrong-Passw0rd!']);
  });

  it('without a Secret Service (no session bus): the login succeeds with one line saying why it was not remembered', async () => {
    const home = await newHome();
    expect(home.env.DBUS_SESSION_BUS_ADDRESS).toBeUndefined();
    const run = await cli(home, [...LOGIN(), '--password-stdin', '--remember-password'], {}, `${DEMO_USER.password}\n`);
    expect(run.code, explain(run)).toBe(0);
    const lines = run.stderr.split('\n').filter((l) => /not remembered/.test(l));
    expect(lines).toEqual([expect.stringMatching(/^Password not remembered: there is no Secret Service: no D-Bus session bus.*--password-command.*IdP session cache/)]);
    expect(run.stdout).toContain('Signed in.');
    expect(await home.read('config')).not.toContain('awsfed_remember_password');
    expectNoSecrets(run, [DEMO_USER.password]);

    const logout = await cli(home, ['logout', '--idp-url', env.adfs.entryUrl, '--username', DEMO_USER.username, '--forget-password'], {});
    expect(logout.code, explain(logout)).toBe(0);
    expect(logout.stdout).toContain(`Could not look for a remembered password for ${account()}: there is no Secret Service`);
  });
});
