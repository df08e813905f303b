/**
 * End to end: one sign-in per IdP session (issue 7, section 4). The built CLI signs in against the AD FS
 * emulator, keeps its cookies under $XDG_CACHE_HOME (inside the temporary HOME), and the next run goes
 * straight to the SAMLResponse: no password source, --no-prompt, and it still succeeds. logout,
 * --no-session, a session the IdP ended, a corrupt cache file, and the re-logins of refresh and switch
 * (which keep the role the gateway last held).
 */
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ROLES, DEMO_USER, demoUser, startDemoEnvironment } from '../src/emulator/demo-environment.js';
import type { DemoEnvironment } from '../src/emulator/demo-environment.js';
import { parseIni } from '../src/ini/document.js';
import { explain, makeTempHome, runCli } from './helpers/cli.js';
import type { RunResult, TempHome } from './helpers/cli.js';
import { expectNoSecrets } from './helpers/secrets.js';

const READ_ONLY = DEMO_ROLES[1]!;
const DEVELOPERS = DEMO_ROLES[2]!;
const PROD = 'arn:aws:iam::444444444444:role/Prod';
/** A second person on the same AD FS (a shared jump host, or an admin account beside the daily one). */
const BOB = { username: 'bob@corp.example', password: 'Bob-Passw0rd!' };

let env: DemoEnvironment;
const homes: TempHome[] = [];

beforeAll(async () => {
  env = await startDemoEnvironment({
    users: [demoUser(), demoUser({ ...BOB, roleSessionName: BOB.username })],
    // Prod trusts both roles a gateway could hold; which one was used is read from the STS calls.
    stsRoles: [{ roleArn: PROD, trustedPrincipals: [READ_ONLY.roleArn, DEVELOPERS.roleArn] }],
  });
});
afterAll(async () => {
  await env?.close();
});
afterEach(async () => {
  await Promise.all(homes.splice(0).map((h) => h.cleanup()));
});

async function newHome(config = ''): Promise<TempHome> {
  const home = await makeTempHome();
  homes.push(home);
  if (config !== '') await writeFile(home.configFile, config.replaceAll('IDP', env.adfs.entryUrl));
  return home;
}

const sessionDir = (home: TempHome) => join(home.home, '.cache', 'awsfed', 'idp-sessions');
const sessionFile = (home: TempHome) => join(sessionDir(home), `${new URL(env.adfs.entryUrl).host.replace(':', '_3a')}.json`);

function cli(home: TempHome, args: string[], extra: Record<string, string> = {}): Promise<RunResult> {
  return runCli(args, { env: { ...home.env, AWS_ENDPOINT_URL_STS: env.sts.url, ...extra } });
}

const LOGIN = ['login', '--idp-url', 'IDP', '--username', DEMO_USER.username, '--role', '*ReadOnly', '--no-prompt'];
const loginArgs = (...more: string[]) => [...LOGIN.map((a) => (a === 'IDP' ? env.adfs.entryUrl : a)), ...more];
const withPassword = { AWSFED_PASSWORD: DEMO_USER.password };

/** Posts that carried a password, since request index `from`. */
function passwordPosts(from: number): number {
  return env.adfs.requests.slice(from).filter((r) => r.method === 'POST' && r.fieldNames.includes('Password')).length;
}

/** The cookie values in the session file: secrets that no output may show. */
async function cookieValues(home: TempHome): Promise<string[]> {
  const data = JSON.parse(await readFile(sessionFile(home), 'utf8')) as { cookies: { cookies: Array<{ value: string }> } };
  return data.cookies.cookies.map((c) => c.value).filter((v) => v.length >= 8);
}

async function expireKeys(home: TempHome, profile: string): Promise<void> {
  const doc = parseIni(await home.read('credentials'), home.credentialsFile);
  doc.set(profile, 'x_security_token_expires', '2020-01-01T00:00:00Z');
  await writeFile(home.credentialsFile, doc.toString(), { mode: 0o600 });
}

describe('one sign-in per IdP session', () => {
  it('the first login asks for the password; the second, inside the session, asks for nothing', async () => {
    const home = await newHome();
    const mark = env.adfs.requests.length;
    const first = await cli(home, loginArgs(), withPassword);
    expect(first.code, explain(first)).toBe(0);
    expect(passwordPosts(mark)).toBe(1);
    expect((await stat(sessionDir(home))).mode & 0o777).toBe(0o700);
    expect((await stat(sessionFile(home))).mode & 0o777).toBe(0o600);
    expect(await readdir(sessionDir(home))).toHaveLength(1);

    const mark2 = env.adfs.requests.length;
    // No password source at all, and no prompt allowed: only the session can sign in.
    const second = await cli(home, loginArgs('--debug'));
    expect(second.code, explain(second)).toBe(0);
    expect(passwordPosts(mark2)).toBe(0);
    expect(second.stdout).toContain('role     ADFS-ReadOnly');
    expect(second.stderr).toContain('IdP session cache: using the saved session');
    const cookies = await cookieValues(home);
    expect(cookies.length).toBeGreaterThan(0);
    expectNoSecrets(first, [DEMO_USER.password, ...cookies]);
    expectNoSecrets(second, [DEMO_USER.password, ...cookies]);
  });

  it('logout makes the next login ask again', async () => {
    const home = await newHome();
    expect((await cli(home, loginArgs(), withPassword)).code).toBe(0);
    const out = await cli(home, ['logout', '--idp-url', env.adfs.entryUrl]);
    expect(out.code, explain(out)).toBe(0);
    expect(out.stdout).toContain('Forgot the IdP session for');
    await expect(stat(sessionFile(home))).rejects.toMatchObject({ code: 'ENOENT' });
    const again = await cli(home, loginArgs());
    expect(again.code, explain(again)).toBe(7);
    expect(again.stderr).toContain('Cannot ask for "Password');
    // Logging out twice is no error.
    const twice = await cli(home, ['logout', '--idp-url', env.adfs.entryUrl]);
    expect(twice.code).toBe(0);
    expect(twice.stdout).toContain('No IdP session was saved');
  });

  it('logout --credentials also removes the keys awsfed wrote for the profile', async () => {
    const home = await newHome('[profile saml]\nawsfed_idp_url = IDP\n');
    expect((await cli(home, loginArgs('--profile', 'saml'), withPassword)).code).toBe(0);
    expect(await home.read('credentials')).toContain('[saml]');
    const out = await cli(home, ['logout', '--profile', 'saml', '--credentials']);
    expect(out.code, explain(out)).toBe(0);
    expect(out.stdout).toContain('Removed the temporary keys of [saml]');
    expect(await home.read('credentials')).not.toContain('aws_access_key_id');
    await expect(stat(sessionFile(home))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('logout on a profile without an IdP URL is a usage error', async () => {
    const home = await newHome('[profile other]\nregion = eu-west-1\n');
    const out = await cli(home, ['logout', '--profile', 'other']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('Profile other has no IdP URL, so there is no IdP session to forget.');
  });

  it('a login as another user does not ride on the saved session of the first: it signs in as the one named', async () => {
    const home = await newHome();
    expect((await cli(home, loginArgs(), withPassword)).code).toBe(0);
    const mark = env.adfs.requests.length;
    const bob = await cli(home, loginArgs('--username', BOB.username, '--debug'), { AWSFED_PASSWORD: BOB.password });
    expect(bob.code, explain(bob)).toBe(0);
    expect(passwordPosts(mark)).toBe(1);
    expect(bob.stderr).toContain(`saved for ${DEMO_USER.username}, not for ${BOB.username}`);
    expect(parseIni(await home.read('config'), home.configFile).get('profile saml', 'awsfed_role_session_name')).toBe(BOB.username);
    // Bob's session is now the saved one: his next login asks nothing, and the user name is matched without regard to case.
    const again = await cli(home, loginArgs('--username', BOB.username.toUpperCase()));
    expect(again.code, explain(again)).toBe(0);
  });

  it('--no-session neither reads nor writes the cache', async () => {
    const home = await newHome();
    const skipped = await cli(home, loginArgs('--no-session'), withPassword);
    expect(skipped.code, explain(skipped)).toBe(0);
    await expect(stat(sessionFile(home))).rejects.toMatchObject({ code: 'ENOENT' });

    expect((await cli(home, loginArgs(), withPassword)).code).toBe(0);
    const saved = await readFile(sessionFile(home), 'utf8');
    const without = await cli(home, loginArgs('--no-session'));
    expect(without.code, explain(without)).toBe(7);
    expect(await readFile(sessionFile(home), 'utf8')).toBe(saved);
  });

  it('a session the IdP ended gets the normal sign-in, and its new cookies replace the old', async () => {
    const home = await newHome();
    expect((await cli(home, loginArgs(), withPassword)).code).toBe(0);
    const old = await readFile(sessionFile(home), 'utf8');
    env.adfs.endSessions();
    const refused = await cli(home, loginArgs());
    expect(refused.code, explain(refused)).toBe(7);
    const mark = env.adfs.requests.length;
    const again = await cli(home, loginArgs(), withPassword);
    expect(again.code, explain(again)).toBe(0);
    expect(passwordPosts(mark)).toBe(1);
    expect(await readFile(sessionFile(home), 'utf8')).not.toBe(old);
    expect((await cli(home, loginArgs())).code).toBe(0);
  });

  it('a corrupt cache file is ignored with a debug line, never fatal, and replaced', async () => {
    const home = await newHome();
    expect((await cli(home, loginArgs(), withPassword)).code).toBe(0);
    await writeFile(sessionFile(home), '{"version":1,"host":', { mode: 0o600 });
    const result = await cli(home, loginArgs('--debug'), withPassword);
    expect(result.code, explain(result)).toBe(0);
    expect(result.stderr).toMatch(/IdP session cache: ignoring .*not valid JSON/);
    expect((await cli(home, loginArgs())).code).toBe(0);
  });

  it('a cache directory that cannot be written costs a warning, never the login', async () => {
    const home = await newHome();
    // A file where the awsfed directory should be: nothing can be created under it.
    await writeFile(join(home.home, '.cache'), 'not a directory');
    const result = await cli(home, loginArgs(), withPassword);
    expect(result.code, explain(result)).toBe(0);
    expect(result.stderr).toMatch(/warning: could not save the IdP session in .*; the next sign-in will ask again\./);
    expect(await home.read('credentials')).toContain('[saml]');
  });
});

const CHAIN_CONFIG = `[profile saml]
awsfed_idp_url = IDP
awsfed_username = ${DEMO_USER.username}
region = us-east-1

[profile prod]
role_arn = ${PROD}
source_profile = saml
`;

function lastSamlRole(): string | undefined {
  return env.sts.calls.filter((c) => c.action === 'AssumeRoleWithSAML').at(-1)?.params.RoleArn;
}

describe('re-logins by refresh and switch', () => {
  it.each([
    ['refresh', ['refresh', 'prod', '--no-prompt']],
    ['switch', ['switch', 'prod', '--no-prompt', '--format', 'env']],
  ])('%s reuses the IdP session and the role the gateway last held, asking nothing', async (_name, args) => {
    const home = await newHome(CHAIN_CONFIG);
    // The gateway offers three roles and stores none: only "the role it last held" can pick one.
    const first = await cli(home, ['login', '--role', '*Developers', '--no-prompt'], withPassword);
    expect(first.code, explain(first)).toBe(0);
    await expireKeys(home, 'saml');
    const mark = env.adfs.requests.length;
    const result = await cli(home, args);
    expect(result.code, explain(result)).toBe(0);
    expect(passwordPosts(mark)).toBe(0);
    expect(lastSamlRole()).toBe(DEVELOPERS.roleArn);
    expect(result.stderr).toContain(`Signed in to gateway saml (222222222222/ADFS-Developers).`);
    const gateway = parseIni(await home.read('credentials'), home.credentialsFile).getSection('saml')!;
    expect(gateway.x_principal_arn).toContain(':assumed-role/ADFS-Developers/');
    expect(Date.parse(gateway.x_security_token_expires!)).toBeGreaterThan(Date.now());
    // switch prints keys on stdout by design; the rest of the output must hold no secret.
    expectNoSecrets(_name === 'switch' ? { ...result, stdout: '' } : result, [DEMO_USER.password, ...(await cookieValues(home))]);
  });

  it('refresh --no-session signs in without the session (and so needs the password)', async () => {
    const home = await newHome(CHAIN_CONFIG);
    expect((await cli(home, ['login', '--role', '*Developers', '--no-prompt'], withPassword)).code).toBe(0);
    await expireKeys(home, 'saml');
    const result = await cli(home, ['refresh', 'prod', '--no-prompt', '--no-session']);
    expect(result.code, explain(result)).toBe(7);
    const withPw = await cli(home, ['refresh', 'prod', '--no-prompt', '--no-session'], withPassword);
    expect(withPw.code, explain(withPw)).toBe(0);
    expect(lastSamlRole()).toBe(DEVELOPERS.roleArn);
  });
});
