/**
 * --remember-password (issue 8, item 2) in-process: login against the loopback AD FS and STS emulators
 * with an in-memory keychain. Stored only after the IdP accepted the password; used by the next run
 * without a prompt; explicit sources first; a refused remembered password removed (typed error without
 * a terminal, a prompt with one); a missing keychain costs one line, never the sign-in; logout forgets.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fakeDeps, scriptedPrompter } from '../../test/helpers/fake-deps.js';
import { DEMO_USER, startDemoEnvironment } from '../emulator/demo-environment.js';
import type { DemoEnvironment } from '../emulator/demo-environment.js';
import { type Keychain, memoryKeychain } from '../secrets/keychain.js';
import type { Prompter } from '../ui/prompt.js';
import { login, type LoginOptions } from './login.js';
import { loginAllRoles } from './login-all-roles.js';
import { formatLogoutSummary, logout } from './logout.js';

let env: DemoEnvironment;
let home: string | undefined;

beforeAll(async () => {
  env = await startDemoEnvironment();
});
afterAll(async () => {
  await env?.close();
});
afterEach(async () => {
  if (home) await rm(home, { recursive: true, force: true });
  home = undefined;
});

const account = () => `${DEMO_USER.username}@${new URL(env.adfs.entryUrl).host}`;
const WRONG = 'Old-Passw0rd!';

async function setup(keychain: Keychain | undefined, options: { prompter?: Prompter; env?: Record<string, string>; config?: string } = {}) {
  home = await mkdtemp(join(tmpdir(), 'awsfed-remember-'));
  const configFile = join(home, 'config');
  if (options.config !== undefined) await writeFile(configFile, options.config);
  const deps = {
    ...fakeDeps(home, { AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'), AWS_ENDPOINT_URL_STS: env.sts.url, ...options.env }, options.prompter),
    ...(keychain ? { keychain } : {}),
  };
  const everything = () => [...deps.stdout, ...deps.stderr].join('\n');
  return { deps, configFile, everything };
}

const LOGIN: LoginOptions = { idpUrl: 'IDP', username: DEMO_USER.username, role: '*ReadOnly', noSession: true };
const options = (more: Partial<LoginOptions> = {}): LoginOptions => ({ ...LOGIN, idpUrl: env.adfs.entryUrl, ...more });
const passwordPosts = (from: number) => env.adfs.requests.slice(from).filter((r) => r.method === 'POST' && r.fieldNames.includes('Password')).length;

describe('login --remember-password', () => {
  it('stores the typed password after the IdP accepted it, marks the profile, and never prints it', async () => {
    const keychain = memoryKeychain();
    const { deps, configFile, everything } = await setup(keychain, { prompter: scriptedPrompter([{ expect: 'Password', answer: DEMO_USER.password }]) });
    await login(options({ rememberPassword: 'true' }), deps);
    expect(keychain.entries.get(account())).toBe(DEMO_USER.password);
    expect(await readFile(configFile, 'utf8')).toMatch(/awsfed_remember_password = true/);
    expect(everything()).toContain(`Remembered the password for ${account()} in the test keychain`);
    expect(everything()).not.toContain(DEMO_USER.password);
  });

  it('never stores a password the IdP refused', async () => {
    const keychain = memoryKeychain();
    const { deps } = await setup(keychain, { prompter: scriptedPrompter([{ expect: 'Password', answer: WRONG }]) });
    await expect(login(options({ rememberPassword: 'true' }), deps)).rejects.toMatchObject({ code: 'IDP_BAD_CREDENTIALS' });
    expect(keychain.entries.size).toBe(0);
    expect(keychain.calls.filter((c) => c.startsWith('set'))).toEqual([]);
  });

  it('the next run of the marked profile uses it without asking (no terminal, no other source)', async () => {
    const keychain = memoryKeychain({ [account()]: DEMO_USER.password });
    const config = `[profile saml]\nawsfed_remember_password = true\n`;
    const { deps, everything } = await setup(keychain, { config });
    const mark = env.adfs.requests.length;
    const result = await login(options({ noPrompt: true }), deps);
    expect(result.role.roleName).toBe('ADFS-ReadOnly');
    expect(keychain.calls).toEqual([`get ${account()}`]);
    expect(passwordPosts(mark)).toBe(1);
    expect(everything()).not.toContain(DEMO_USER.password);
  });

  it('explicit sources come first: AWSFED_PASSWORD wins and the keychain is not even read', async () => {
    const keychain = memoryKeychain({ [account()]: WRONG });
    const { deps } = await setup(keychain, { env: { AWSFED_PASSWORD: DEMO_USER.password, AWSFED_REMEMBER_PASSWORD: 'true' } });
    await login(options({ noPrompt: true }), deps);
    expect(keychain.calls).toEqual([]);
  });

  it('without the setting the keychain is never consulted, even when it holds an entry', async () => {
    const keychain = memoryKeychain({ [account()]: DEMO_USER.password });
    const { deps } = await setup(keychain);
    await expect(login(options({ noPrompt: true }), deps)).rejects.toMatchObject({ code: 'PROMPT_UNAVAILABLE' });
    expect(keychain.calls).toEqual([]);
  });

  it('a remembered password the IdP refuses, without a terminal: removed, KEYCHAIN_PASSWORD_REJECTED naming the fix, posted once', async () => {
    const keychain = memoryKeychain({ [account()]: WRONG });
    const { deps, everything } = await setup(keychain, { config: `[profile saml]\nawsfed_remember_password = true\n` });
    const mark = env.adfs.requests.length;
    const error = await login(options({ noPrompt: true }), deps).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KEYCHAIN_PASSWORD_REJECTED', exitCode: 3, hint: expect.stringContaining('awsfed login --remember-password') });
    expect(keychain.entries.has(account())).toBe(false);
    expect(passwordPosts(mark)).toBe(1);
    const { message, hint } = error as { message: string; hint: string };
    expect([everything(), message, hint].join('\n')).not.toContain(WRONG);
  });

  it('a remembered password the IdP refuses, on a terminal: says so, asks, and remembers the new one', async () => {
    const keychain = memoryKeychain({ [account()]: WRONG });
    const prompter = scriptedPrompter([{ expect: 'Password', answer: DEMO_USER.password }]);
    const { deps, everything } = await setup(keychain, { prompter, config: `[profile saml]\nawsfed_remember_password = true\n` });
    await login(options(), deps);
    expect(prompter.asked).toHaveLength(1);
    expect(everything()).toContain(`The IdP refused the password remembered for ${account()}; removed it from the OS keychain.`);
    expect(keychain.entries.get(account())).toBe(DEMO_USER.password);
    expect(everything()).not.toContain(WRONG);
    expect(everything()).not.toContain(DEMO_USER.password);
  });

  it('no keychain: the sign-in succeeds and one line says the password was not remembered, why, and what instead', async () => {
    const keychain = memoryKeychain({}, 'there is no Secret Service: no D-Bus session bus');
    const { deps, configFile, everything } = await setup(keychain, { prompter: scriptedPrompter([{ expect: 'Password', answer: DEMO_USER.password }]) });
    await login(options({ rememberPassword: 'true' }), deps);
    const lines = deps.stderr.filter((l) => l.includes('not remembered'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/Password not remembered: there is no Secret Service.*--password-command.*IdP session cache/);
    expect(await readFile(configFile, 'utf8')).not.toContain('awsfed_remember_password');
    expect(everything()).not.toContain(DEMO_USER.password);
  });

  it('a Deps without a keychain port is the same as none', async () => {
    const { deps } = await setup(undefined, { prompter: scriptedPrompter([{ expect: 'Password', answer: DEMO_USER.password }]) });
    await login(options({ rememberPassword: 'true' }), deps);
    expect(deps.stderr.filter((l) => l.includes('Password not remembered: this awsfed has no OS keychain'))).toHaveLength(1);
  });

  it('--remember-password when the IdP session carried the sign-in: nothing typed, nothing stored, and it says how to store it', async () => {
    const keychain = memoryKeychain();
    const { deps } = await setup(keychain, { env: { AWSFED_PASSWORD: DEMO_USER.password } });
    await login(options({ noSession: false, noPrompt: true }), deps);
    delete deps.env.AWSFED_PASSWORD;
    const mark = env.adfs.requests.length;
    await login(options({ noSession: false, noPrompt: true, rememberPassword: 'true' }), deps);
    expect(passwordPosts(mark)).toBe(0);
    expect(keychain.calls).toEqual([]);
    expect(deps.stderr.filter((l) => l.includes('none was stored'))).toEqual([expect.stringContaining('awsfed login --remember-password --no-session')]);
  });

  it('login --all-roles --remember-password marks the gateway profile too', async () => {
    const keychain = memoryKeychain();
    const { deps, configFile } = await setup(keychain, { prompter: scriptedPrompter([{ expect: 'Password', answer: DEMO_USER.password }]) });
    await loginAllRoles({ ...options({ rememberPassword: 'true' }), role: undefined, profile: 'gw' }, deps);
    expect(keychain.entries.get(account())).toBe(DEMO_USER.password);
    expect(await readFile(configFile, 'utf8')).toMatch(/\[profile gw\][^[]*awsfed_remember_password = true/);
  });

  it('an unknown AWSFED_REMEMBER_PASSWORD value is a usage error before any sign-in', async () => {
    const { deps } = await setup(memoryKeychain(), { env: { AWSFED_REMEMBER_PASSWORD: 'maybe' } });
    const mark = env.adfs.requests.length;
    await expect(login(options({ noPrompt: true }), deps)).rejects.toMatchObject({ code: 'REMEMBER_PASSWORD_INVALID', exitCode: 2 });
    expect(env.adfs.requests.length).toBe(mark);
  });
});

describe('logout --forget-password', () => {
  const config = () => `[profile saml]\nawsfed_idp_url = ${env.adfs.entryUrl}\nawsfed_username = ${DEMO_USER.username}\nawsfed_remember_password = true\n`;

  it('removes the entry and the profile key, and says so; a second time says there was none', async () => {
    const keychain = memoryKeychain({ [account()]: DEMO_USER.password, 'bob@elsewhere': 'x' });
    const { deps, configFile } = await setup(keychain, { config: config() });
    const first = await logout({ forgetPassword: true }, deps);
    expect(formatLogoutSummary(first)).toContain(`Removed the password remembered for ${account()} from the test keychain.`);
    expect([...keychain.entries.keys()]).toEqual(['bob@elsewhere']);
    expect(await readFile(configFile, 'utf8')).not.toContain('awsfed_remember_password');
    const second = await logout({ forgetPassword: true }, deps);
    expect(formatLogoutSummary(second)).toContain(`No password was remembered for ${account()}`);
  });

  it('without a keychain: says it could not look, and why', async () => {
    const { deps } = await setup(memoryKeychain({}, 'the Secret Service keyring is locked'), { config: config() });
    expect(formatLogoutSummary(await logout({ forgetPassword: true }, deps))).toContain(
      `Could not look for a remembered password for ${account()}: the Secret Service keyring is locked; nothing was removed.`,
    );
  });

  it('without --forget-password the keychain is left alone', async () => {
    const keychain = memoryKeychain({ [account()]: DEMO_USER.password });
    const { deps } = await setup(keychain, { config: config() });
    await logout({}, deps);
    expect(keychain.calls).toEqual([]);
  });
});

describe('login --auth wia with a remembered password', () => {
  it('a remembered password the NTLM handshake refuses is removed as one the forms page refuses: KEYCHAIN_PASSWORD_REJECTED', async () => {
    const wia = await startDemoEnvironment({ wia: { domain: 'CORP' } });
    try {
      const user = 'CORP\\alice';
      const entry = `${user}@${new URL(wia.adfs.entryUrl).host}`;
      const keychain = memoryKeychain({ [entry]: WRONG });
      home = await mkdtemp(join(tmpdir(), 'awsfed-remember-wia-'));
      const configFile = join(home, 'config');
      await writeFile(configFile, `[profile saml]\nawsfed_remember_password = true\n`);
      const deps = {
        ...fakeDeps(home, { AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'), AWS_ENDPOINT_URL_STS: wia.sts.url, AWSFED_AUTH: 'wia' }),
        keychain,
      };
      const error = await login({ ...LOGIN, idpUrl: wia.adfs.entryUrl, username: user, noPrompt: true }, deps).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'KEYCHAIN_PASSWORD_REJECTED', exitCode: 3 });
      expect(keychain.entries.has(entry)).toBe(false);
    } finally {
      await wia.close();
    }
  });
});
