/**
 * End to end: `awsfed credential-process` as the AWS CLI v1 (no shell) and the JS SDK (fromProcess,
 * fromIni; through a shell) call it, against the loopback AD FS and STS emulators (issue 8, item 1).
 * The STS emulator verifies SigV4 and knows the keys it issued, so a call that succeeds proves that
 * the helper handed over real keys.
 */
import { cp, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ROLES, DEMO_USER, demoUser, startDemoEnvironment } from '../src/emulator/demo-environment.js';
import type { DemoEnvironment } from '../src/emulator/demo-environment.js';
import { parseIni } from '../src/ini/document.js';
import { ROOT, explain, makeTempHome, runCli, runProcess } from './helpers/cli.js';
import type { RunResult, TempHome } from './helpers/cli.js';
import { requireTool } from './helpers/peers.js';

const GATEWAY_ROLE = DEMO_ROLES[0]!.roleArn; // arn:aws:iam::111111111111:role/ADFS-Admins
const PROD = 'arn:aws:iam::444444444444:role/Prod';
const SDK_CHILD = join(ROOT, 'test', 'helpers', 'sdk-credentials-child.mjs');

let env: DemoEnvironment;
let awsCli: string;

beforeAll(async () => {
  awsCli = requireTool('aws');
  env = await startDemoEnvironment({ users: [demoUser()], stsRoles: [{ roleArn: PROD, trustedPrincipals: [GATEWAY_ROLE] }] });
});

afterAll(async () => {
  await env?.close();
});

function baseEnv(home: TempHome, extra: Record<string, string> = {}): Record<string, string> {
  return { ...home.env, AWS_ENDPOINT_URL_STS: env.sts.url, ...extra };
}

async function cli(home: TempHome, args: string[], extra: Record<string, string> = {}): Promise<RunResult> {
  return runCli(args, { env: baseEnv(home, extra), timeoutMs: 60000 });
}

/** A gateway saml (configured, never signed in) and a destination prod chained from it. */
async function catalogHome(): Promise<TempHome> {
  const home = await makeTempHome();
  for (const args of [
    ['configure', '--profile', 'saml', '--idp-url', env.adfs.entryUrl, '--username', DEMO_USER.username, '--role', '111111111111/ADFS-Admins', '--region', 'eu-west-1'],
    ['add', 'prod', '--account', '444444444444', '--role', 'Prod'],
  ]) {
    const r = await cli(home, args);
    expect(r.code, `awsfed ${args.join(' ')}\n${explain(r)}`).toBe(0);
  }
  return home;
}

async function loggedInHome(): Promise<TempHome> {
  const home = await catalogHome();
  const r = await cli(home, ['login', '--no-prompt'], { AWSFED_PASSWORD: DEMO_USER.password });
  expect(r.code, explain(r)).toBe(0);
  return home;
}

async function stored(home: TempHome, profile: string): Promise<Record<string, string>> {
  return parseIni(await home.read('credentials'), home.credentialsFile).getSection(profile) ?? {};
}

/** Moves the expiry of a profile's cached keys to `secondsFromNow` (the keys themselves stay valid at STS). */
async function age(home: TempHome, profile: string, secondsFromNow: number): Promise<void> {
  const doc = parseIni(await home.read('credentials'), home.credentialsFile);
  doc.set(profile, 'x_security_token_expires', new Date(Date.now() + secondsFromNow * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  await writeFile(home.credentialsFile, doc.toString());
}

interface ProcessJson {
  Version: number;
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: string;
}

function parseOutput(r: RunResult): ProcessJson {
  expect(r.code, explain(r)).toBe(0);
  expect(r.stderr, 'stderr on success').toBe('');
  const json = JSON.parse(r.stdout) as ProcessJson;
  expect(Object.keys(json)).toEqual(['Version', 'AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration']);
  expect(json.Version).toBe(1);
  expect(json.Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  return json;
}

const samlCalls = (since: number) => env.sts.calls.slice(since).filter((c) => c.action === 'AssumeRoleWithSAML' && c.status === 200).length;
const passwordPosts = (since: number) => env.adfs.requests.slice(since).filter((r) => r.method === 'POST' && r.fieldNames.includes('Password')).length;

describe('awsfed credential-process', () => {
  it('serves the cached gateway keys as Version 1 JSON, silently, with no request to the IdP or STS', async () => {
    const home = await loggedInHome();
    const [idp, sts] = [env.adfs.requests.length, env.sts.calls.length];
    const json = parseOutput(await cli(home, ['credential-process', '--profile', 'saml']));
    const keys = await stored(home, 'saml');
    expect(json.AccessKeyId).toBe(keys.aws_access_key_id);
    expect(json.SecretAccessKey).toBe(keys.aws_secret_access_key);
    expect(json.SessionToken).toBe(keys.aws_session_token);
    expect(json.Expiration).toBe(keys.x_security_token_expires);
    expect([env.adfs.requests.length, env.sts.calls.length]).toEqual([idp, sts]);
  });

  it('signs in again from the IdP session (no password source) when fewer than 15 minutes remain, and writes the keys', async () => {
    const home = await loggedInHome();
    const before = await stored(home, 'saml');
    await age(home, 'saml', 10 * 60);
    const [idp, sts] = [env.adfs.requests.length, env.sts.calls.length];
    const json = parseOutput(await cli(home, ['credential-process', '--profile', 'saml']));
    expect(json.AccessKeyId).not.toBe(before.aws_access_key_id);
    expect((await stored(home, 'saml')).aws_access_key_id).toBe(json.AccessKeyId);
    expect(samlCalls(sts)).toBe(1);
    expect(passwordPosts(idp), 'the IdP session cookies signed in, not a password').toBe(0);
  });

  it('--min-ttl raises the bar: 30m refreshes keys with 20 minutes left, the default serves them', async () => {
    const home = await loggedInHome();
    await age(home, 'saml', 20 * 60);
    const before = await stored(home, 'saml');
    expect(parseOutput(await cli(home, ['credential-process', '--profile', 'saml'])).AccessKeyId).toBe(before.aws_access_key_id);
    const sts = env.sts.calls.length;
    expect(parseOutput(await cli(home, ['credential-process', '--profile', 'saml', '--min-ttl', '30m'])).AccessKeyId).not.toBe(before.aws_access_key_id);
    expect(samlCalls(sts)).toBe(1);
    const bad = await cli(home, ['credential-process', '--profile', 'saml', '--min-ttl', 'soon']);
    expect(bad.code, explain(bad)).toBe(2);
    expect(bad.stdout).toBe('');
  });

  it('a destination is chained from the gateway, and keys of another role under its name are not served', async () => {
    const home = await loggedInHome();
    const sts = env.sts.calls.length;
    const json = parseOutput(await cli(home, ['credential-process', '--profile', 'prod']));
    expect(env.sts.calls.slice(sts).map((c) => c.action)).toEqual(['AssumeRole']);
    expect((await stored(home, 'prod')).aws_access_key_id).toBe(json.AccessKeyId);
    // The gateway's keys copied under prod's name: valid, but for the wrong role.
    const doc = parseIni(await home.read('credentials'), home.credentialsFile);
    for (const [k, v] of Object.entries(doc.getSection('saml')!)) doc.set('prod', k, v);
    await writeFile(home.credentialsFile, doc.toString());
    const again = parseOutput(await cli(home, ['credential-process', '--profile', 'prod']));
    expect(again.AccessKeyId).not.toBe(doc.get('saml', 'aws_access_key_id'));
    expect((await stored(home, 'prod')).x_principal_arn).toMatch(/:assumed-role\/Prod\//);
  });

  it('needs a person: exits 7 at once with one stderr line naming the login to run, and nothing on stdout', async () => {
    const home = await catalogHome(); // never signed in: no keys, no IdP session, no password source
    for (const profile of ['saml', 'prod']) {
      const started = Date.now();
      const r = await cli(home, ['credential-process', '--profile', profile]);
      // A does-not-hang guard, generous for a shared machine (the brief's "within a second").
      expect(Date.now() - started).toBeLessThan(5000);
      expect(r.code, explain(r)).toBe(7);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`awsfed: ${profile} needs an interactive sign-in: run \`awsfed login --profile saml\`\n`);
    }
  });

  it('8 processes at once sign in once: one IdP sign-in, one AssumeRoleWithSAML, the same JSON for all', async () => {
    const home = await catalogHome();
    const [idp, sts] = [env.adfs.requests.length, env.sts.calls.length];
    const runs = await Promise.all(
      Array.from({ length: 8 }, () => runCli(['credential-process', '--profile', 'saml'], { env: baseEnv(home, { AWSFED_PASSWORD: DEMO_USER.password }), timeoutMs: 120000 })),
    );
    const outputs = runs.map(parseOutput);
    expect(new Set(runs.map((r) => r.stdout)).size, 'every process printed the same keys').toBe(1);
    expect(outputs[0]!.AccessKeyId).toBe((await stored(home, 'saml')).aws_access_key_id);
    expect(samlCalls(sts)).toBe(1);
    expect(passwordPosts(idp)).toBe(1);
    expect(env.adfs.requests.slice(idp).filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('the gateway and a destination asked at once, 4 processes each: one sign-in, one AssumeRoleWithSAML, one AssumeRole', async () => {
    const home = await catalogHome();
    const [idp, sts] = [env.adfs.requests.length, env.sts.calls.length];
    const runs = await Promise.all(
      ['saml', 'prod', 'saml', 'prod', 'saml', 'prod', 'saml', 'prod'].map((profile) =>
        runCli(['credential-process', '--profile', profile], { env: baseEnv(home, { AWSFED_PASSWORD: DEMO_USER.password }), timeoutMs: 120000 }).then((r) => ({ profile, r })),
      ),
    );
    for (const { profile, r } of runs) expect(parseOutput(r).AccessKeyId, profile).toBe((await stored(home, profile)).aws_access_key_id);
    expect(samlCalls(sts)).toBe(1);
    expect(env.sts.calls.slice(sts).filter((c) => c.action === 'AssumeRole')).toHaveLength(1);
    expect(passwordPosts(idp)).toBe(1);
  });

  it('callers waiting for the lock share a sign-in that failed instead of repeating it one after another', async () => {
    const home = await catalogHome();
    const count = join(home.home, 'password-command-runs');
    // A password command that hangs (gpg waiting for a pinentry nobody sees), cut off after 1 s.
    const setup = await cli(home, ['configure', '--profile', 'saml', '--password-command', `echo run >> '${count}'; sleep 30`]);
    expect(setup.code, explain(setup)).toBe(0);
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => runCli(['credential-process', '--profile', 'prod'], { env: baseEnv(home, { AWSFED_PASSWORD_COMMAND_TIMEOUT: '1' }), timeoutMs: 120000 })),
    );
    expect((await readFile(count, 'utf8')).split('\n').filter(Boolean), 'the password command ran once for four callers').toHaveLength(1);
    for (const r of runs) {
      expect(r.code, explain(r)).toBe(3);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/password command/i);
    }
    expect(new Set(runs.map((r) => r.stderr.split('\n')[0])).size, 'every caller reports the same failure').toBe(1);
  });

  it('refuses the helper profile itself, naming the profile it serves; without --profile it takes AWSFED_PROFILE or says what to add', async () => {
    const home = await loggedInHome();
    expect((await cli(home, ['configure', '--credential-process', 'saml'])).code).toBe(0);
    const helper = await cli(home, ['credential-process', '--profile', 'saml-process']);
    expect(helper.code, explain(helper)).toBe(2);
    expect(helper.stdout).toBe('');
    expect(helper.stderr).toContain('saml-process is the profile whose credential_process runs awsfed; awsfed serves the keys of saml.');
    expect(helper.stderr).toContain('awsfed credential-process --profile saml');
    const missing = await cli(home, ['credential-process']);
    expect(missing.code, explain(missing)).toBe(2);
    expect(missing.stderr).toContain('hint: Add `--profile P` (or set AWSFED_PROFILE)');
    parseOutput(await cli(home, ['credential-process'], { AWSFED_PROFILE: 'saml' }));
  });

  it('the password command gets no stdin (it is the calling tool\'s) and its stderr is not passed through', async () => {
    const home = await catalogHome();
    const seen = join(home.home, 'seen-stdin');
    const command = `cat > '${seen}'; echo noise-from-the-command >&2; printf '%s\\n' "$CP_PASSWORD"`;
    const setup = await cli(home, ['configure', '--profile', 'saml', '--password-command', command]);
    expect(setup.code, explain(setup)).toBe(0);
    const r = await runCli(['credential-process', '--profile', 'saml'], { env: baseEnv(home, { CP_PASSWORD: DEMO_USER.password }), input: 'the-callers-stdin\n', timeoutMs: 60000 });
    parseOutput(r);
    expect(await readFile(seen, 'utf8')).toBe('');
  });

  it('never prints a secret on stderr, also under --debug', async () => {
    const home = await catalogHome();
    const r = await cli(home, ['--debug', 'credential-process', '--profile', 'prod'], { AWSFED_PASSWORD: DEMO_USER.password });
    expect(r.code, explain(r)).toBe(0);
    expect(r.stderr).toContain('debug:');
    const json = JSON.parse(r.stdout) as ProcessJson;
    const secrets = [DEMO_USER.password, json.SecretAccessKey, json.SessionToken, (await stored(home, 'saml')).aws_secret_access_key!, (await stored(home, 'saml')).aws_session_token!];
    for (const secret of secrets) expect(r.stderr).not.toContain(secret);
    // A SAMLResponse is base64 of "<samlp:Response" or "<?xml": neither appears.
    expect(r.stderr).not.toMatch(/PHNhbWxw|PD94bWwg|SAMLResponse=/);
  });
});

describe('awsfed credential-process with an MFA push (Azure MFA, approved on the 2nd poll)', () => {
  let push: DemoEnvironment;
  beforeAll(async () => {
    push = await startDemoEnvironment({ users: [demoUser({ mfaAdapter: 'AzureMfaAuthentication', mfaNumberToMatch: '42', mfaPushApproveAfterPolls: 2 })] });
  });
  afterAll(async () => {
    await push?.close();
  });

  it('fails at once instead of waiting for the phone: exit 7, one line, no poll', async () => {
    const home = await makeTempHome();
    const setup = await runCli(['configure', '--idp-url', push.adfs.entryUrl, '--username', DEMO_USER.username, '--role', '111111111111/ADFS-Admins'], { env: home.env });
    expect(setup.code, explain(setup)).toBe(0);
    const posts = push.adfs.requests.length;
    const started = Date.now();
    const r = await runCli(['credential-process', '--profile', 'saml'], { env: { ...home.env, AWS_ENDPOINT_URL_STS: push.sts.url, AWSFED_PASSWORD: DEMO_USER.password }, timeoutMs: 60000 });
    expect(Date.now() - started, 'a does-not-hang guard').toBeLessThan(5000);
    expect(r.code, explain(r)).toBe(7);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('awsfed: saml needs an interactive sign-in: run `awsfed login --profile saml`\n');
    // The password post only: no poll of the push page (each poll is a POST).
    expect(push.adfs.requests.slice(posts).filter((q) => q.method === 'POST')).toHaveLength(1);
    expect(push.sts.calls).toHaveLength(0);
  });
});

describe('awsfed configure --credential-process, used by the AWS CLI v1 and the JS SDK', () => {
  /** dist/ under a directory whose name has a space, as a user's install may be. */
  async function spacedInstall(home: TempHome): Promise<string> {
    const dir = join(home.home, 'awsfed install');
    await mkdir(dir);
    await cp(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
    await cp(join(ROOT, 'package.json'), join(dir, 'package.json'));
    await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    return join(dir, 'dist', 'bin.cjs');
  }

  async function configured(): Promise<{ home: TempHome; bin: string; before: { config: string; credentials: string } }> {
    const home = await loggedInHome();
    const bin = await spacedInstall(home);
    const before = { config: await home.read('config'), credentials: await home.read('credentials') };
    const r = await runProcess(process.execPath, [bin, 'configure', '--credential-process', 'saml'], { env: baseEnv(home), timeoutMs: 30000 });
    expect(r.code, explain(r)).toBe(0);
    return { home, bin, before };
  }

  it('writes [profile saml-process] with a quoted absolute credential_process line and the region; [saml] is untouched', async () => {
    const { home, bin, before } = await configured();
    expect(await home.read('credentials'), 'the credentials file').toBe(before.credentials);
    expect(parseIni(await home.read('config'), home.configFile).getSection('profile saml')).toEqual(parseIni(before.config, home.configFile).getSection('profile saml'));
    expect((await home.read('config')).startsWith(before.config), 'the config file only grew').toBe(true);
    const config = parseIni(await home.read('config'), home.configFile);
    expect(config.getSection('profile saml-process')).toEqual({
      credential_process: `${process.execPath} '${bin}' credential-process --profile saml`,
      region: 'eu-west-1',
    });
    const again = await cli(home, ['configure', '--credential-process', 'saml', '--as', 'saml']);
    expect(again.code, explain(again)).toBe(2);
    const overwrite = await cli(home, ['configure', '--credential-process', 'saml', '--as', 'prod']);
    expect(overwrite.code, explain(overwrite)).toBe(2);
    expect(overwrite.stderr).toContain('role_arn');
    expect(parseIni(await home.read('config'), home.configFile).getSection('profile prod')?.role_arn).toBe(PROD);
  });

  it('the AWS CLI v1 (no shell) gets the cached keys, then signed-in-again keys after the expiry', async () => {
    const { home } = await configured();
    const aws = () => runProcess(awsCli, ['sts', 'get-caller-identity', '--profile', 'saml-process', '--output', 'json'], { env: baseEnv(home), cwd: home.home, timeoutMs: 60000 });
    const first = await aws();
    expect(first.code, explain(first)).toBe(0);
    expect(JSON.parse(first.stdout).Arn).toMatch(/:assumed-role\/ADFS-Admins\//);
    const before = (await stored(home, 'saml')).aws_access_key_id;
    await age(home, 'saml', 60);
    const sts = env.sts.calls.length;
    const second = await aws();
    expect(second.code, explain(second)).toBe(0);
    expect(samlCalls(sts)).toBe(1);
    const after = await stored(home, 'saml');
    expect(after.aws_access_key_id).not.toBe(before);
    expect(env.sts.calls.slice(sts).find((c) => c.action === 'GetCallerIdentity')?.accessKeyId).toBe(after.aws_access_key_id);
  });

  it('the JS SDK: fromProcess and fromIni on the credential_process profile, including expiry and re-sign-in', async () => {
    const { home } = await configured();
    const sdk = async (provider: 'fromProcess' | 'fromIni') => {
      const r = await runProcess(process.execPath, [SDK_CHILD, provider, 'saml-process'], { env: baseEnv(home), cwd: ROOT, timeoutMs: 60000 });
      expect(r.code, explain(r)).toBe(0);
      return JSON.parse(r.stdout) as { accessKeyId: string; expiration: string; hasToken: boolean };
    };
    const cached = (await stored(home, 'saml')).aws_access_key_id;
    for (const provider of ['fromProcess', 'fromIni'] as const) {
      const got = await sdk(provider);
      expect(got.accessKeyId, provider).toBe(cached);
      expect(got.hasToken).toBe(true);
    }
    for (const provider of ['fromProcess', 'fromIni'] as const) {
      const previous = (await stored(home, 'saml')).aws_access_key_id;
      await age(home, 'saml', 60);
      const sts = env.sts.calls.length;
      const got = await sdk(provider);
      expect(got.accessKeyId, provider).not.toBe(previous);
      expect(got.accessKeyId).toBe((await stored(home, 'saml')).aws_access_key_id);
      expect(samlCalls(sts)).toBe(1);
    }
  });
});

