/**
 * End to end: what a login does to the files in ~/.aws, run through the built CLI against the loopback
 * emulators. Edits are lossless (every byte outside the profile's section stays), a file that cannot be
 * parsed is refused and left alone, symlinks are written through, and modes are 0600/0700 for new files
 * and kept for existing ones.
 */
import { lstat, mkdir, readFile, readdir, readlink, rm, stat, symlink, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USER, startDemoEnvironment } from '../src/emulator/demo-environment.js';
import type { DemoEnvironment } from '../src/emulator/demo-environment.js';
import { parseIni } from '../src/ini/document.js';
import { ROOT, makeTempHome, runCli } from './helpers/cli.js';
import type { RunResult, TempHome } from './helpers/cli.js';

const PASSWORD = DEMO_USER.password;
const E2E = join(ROOT, 'fixtures', 'e2e');
const READ_ONLY_PRINCIPAL = 'arn:aws:sts::111111111111:assumed-role/ADFS-ReadOnly/alice@corp.example';

let env: DemoEnvironment;
beforeAll(async () => {
  env = await startDemoEnvironment({ variant: 'adfs3' });
});
afterAll(async () => {
  await env?.close();
});

const homes: TempHome[] = [];
afterEach(async () => {
  await Promise.all(homes.splice(0).map((h) => h.cleanup()));
});

async function newHome(): Promise<TempHome> {
  const home = await makeTempHome();
  homes.push(home);
  return home;
}

function login(home: TempHome, extra: string[] = []): Promise<RunResult> {
  return runCli(['login', '--idp-url', env.adfs.entryUrl, '--username', DEMO_USER.username, '--role', '*ReadOnly', '--no-prompt', ...extra], {
    env: { ...home.env, AWS_ENDPOINT_URL_STS: env.sts.url, AWSFED_PASSWORD: PASSWORD },
  });
}

function expectSuccess(result: RunResult): void {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
}

/** The credentials login wrote, with the shape of each value checked, and none of them printed. */
function expectFreshCredentials(section: Record<string, string> | undefined, result: RunResult): Record<string, string> {
  expect(section).toBeDefined();
  const s = section!;
  expect(s.aws_access_key_id).toMatch(/^ASIA[A-Z0-9]{16}$/);
  expect(s.x_security_token_expires).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  expect(s.x_principal_arn).toBe(READ_ONLY_PRINCIPAL);
  for (const secret of [PASSWORD, s.aws_secret_access_key!, s.aws_session_token!]) {
    expect(`${result.stdout}${result.stderr}`).not.toContain(secret);
  }
  return s;
}

const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

/** Splits a credentials/config text around the section `header` (its header line up to the next header). */
function aroundSection(text: string, header: string): { before: string; section: string; after: string } {
  const start = text.indexOf(`${header}\n`);
  expect(start, `${header} in the file`).toBeGreaterThanOrEqual(0);
  const next = text.slice(start + header.length).search(/^\[/m);
  const end = next === -1 ? text.length : start + header.length + next;
  return { before: text.slice(0, start), section: text.slice(start, end), after: text.slice(end) };
}

describe('the credentials file', () => {
  it('a rich file: every byte outside [saml] is unchanged; in [saml] comments and unknown keys stay and aws_security_token follows the new token', async () => {
    const home = await newHome();
    const original = await readFile(join(E2E, 'credentials-rich.ini'), 'utf8');
    await writeFile(home.credentialsFile, original, { mode: 0o600 });
    const result = await login(home);
    expectSuccess(result);

    const updated = await home.read('credentials');
    const was = aroundSection(original, '[saml]');
    const now = aroundSection(updated, '[saml]');
    expect(now.before).toBe(was.before);
    expect(now.after).toBe(was.after);

    const doc = parseIni(updated);
    expect(doc.sectionNames()).toEqual(['default', 'work', 'saml', 'personal', 'ci']);
    const saml = expectFreshCredentials(doc.getSection('saml'), result);
    expect(saml.aws_session_token).not.toBe('OLDSESSIONTOKENOLDSESSIONTOKEN');
    // The AWS CLI reads aws_security_token first: it must not keep the old token.
    expect(saml.aws_security_token).toBe(saml.aws_session_token);
    expect(saml.unknown_key_kept).toBe('some value');
    expect(now.section).toContain('# written by the old AWS Python script; the SDKs still read aws_security_token first\n');
    // Keys stay where they were; nothing is duplicated.
    const keys = now.section
      .split('\n')
      .filter((l) => /^\w+\s*=/.test(l))
      .map((l) => l.split('=')[0]!.trim());
    expect(keys).toEqual([
      'aws_access_key_id',
      'aws_secret_access_key',
      'aws_session_token',
      'aws_security_token',
      'x_security_token_expires',
      'unknown_key_kept',
      'x_principal_arn',
    ]);
    // The section still ends with the blank line that separated it from [personal].
    expect(now.section.endsWith('\n\n')).toBe(true);
    expect(await mode(home.credentialsFile)).toBe(0o600);
    expect((await readdir(home.awsDir)).sort()).toEqual(['config', 'credentials']);
  });

  it('an unparseable file: exit 6 naming path:line, the file untouched, no credentials written anywhere', async () => {
    const home = await newHome();
    const original = await readFile(join(E2E, 'credentials-unparseable.ini'));
    await writeFile(home.credentialsFile, original, { mode: 0o600 });
    const [idpRequests, stsCalls] = [env.adfs.requests.length, env.sts.calls.length];
    const result = await login(home);
    expect(result.code).toBe(6);
    // Refused before the password was posted to the IdP or an assertion was redeemed.
    expect(env.adfs.requests.length).toBe(idpRequests);
    expect(env.sts.calls.length).toBe(stsCalls);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^awsfed: /m);
    expect(result.stderr).toContain(`${home.credentialsFile}:5`);
    expect(result.stderr).toMatch(/\n {2}hint: \S/);
    expect(result.stderr).not.toContain(PASSWORD);
    expect(await readFile(home.credentialsFile)).toEqual(original);
    // Nothing else appeared: no config file, no temporary or lock file, nothing in HOME.
    expect(await readdir(home.awsDir)).toEqual(['credentials']);
    expect((await readdir(home.home)).sort()).toEqual(['.aws']);
  });

  it('a symlinked file is written through to its target and stays a symlink', async () => {
    const home = await newHome();
    const dotfiles = join(home.home, 'dotfiles');
    await mkdir(dotfiles);
    const target = join(dotfiles, 'aws-credentials');
    const original = '[default]\naws_access_key_id = AKIADEFAULTEXAMPLE00\naws_secret_access_key = defaultsecretdefaultsecretdefaultsecret0\n';
    await writeFile(target, original, { mode: 0o640 });
    await chmod(target, 0o640);
    await symlink('../dotfiles/aws-credentials', home.credentialsFile);

    const result = await login(home);
    expectSuccess(result);
    expect((await lstat(home.credentialsFile)).isSymbolicLink()).toBe(true);
    expect(await readlink(home.credentialsFile)).toBe('../dotfiles/aws-credentials');
    const text = await readFile(target, 'utf8');
    expect(text.startsWith(original)).toBe(true);
    expectFreshCredentials(parseIni(text).getSection('saml'), result);
    expect(await mode(target)).toBe(0o640);
    expect((await readdir(dotfiles)).sort()).toEqual(['aws-credentials']);
    expect((await readdir(home.awsDir)).sort()).toEqual(['config', 'credentials']);
  });

  it('no ~/.aws yet: the directory is created 0700 and both files 0600', async () => {
    const home = await newHome();
    await rm(home.awsDir, { recursive: true });
    const result = await login(home);
    expectSuccess(result);
    expect(await mode(home.awsDir)).toBe(0o700);
    expect(await mode(home.credentialsFile)).toBe(0o600);
    expect(await mode(home.configFile)).toBe(0o600);
    const doc = parseIni(await home.read('credentials'));
    expect(doc.sectionNames()).toEqual(['saml']);
    expectFreshCredentials(doc.getSection('saml'), result);
    expect(doc.getSection('saml')).not.toHaveProperty('aws_security_token');
    expect((await readdir(home.awsDir)).sort()).toEqual(['config', 'credentials']);
  });

  it('an existing 0640 file keeps 0640', async () => {
    const home = await newHome();
    await writeFile(home.credentialsFile, '[other]\naws_access_key_id = AKIAOTHEREXAMPLE0000\n');
    await chmod(home.credentialsFile, 0o640);
    const result = await login(home);
    expectSuccess(result);
    expect(await mode(home.credentialsFile)).toBe(0o640);
    expectFreshCredentials(parseIni(await home.read('credentials')).getSection('saml'), result);
  });

  it('a second login replaces the keys in place: no duplicate section or key', async () => {
    const home = await newHome();
    expectSuccess(await login(home));
    const first = parseIni(await home.read('credentials')).getSection('saml')!;
    const result = await login(home);
    expectSuccess(result);
    const text = await home.read('credentials');
    expect(text.match(/^\[saml\]$/gm)).toHaveLength(1);
    expect(text.match(/^aws_access_key_id/gm)).toHaveLength(1);
    const second = expectFreshCredentials(parseIni(text).getSection('saml'), result);
    expect(second.aws_access_key_id).not.toBe(first.aws_access_key_id);
  });
});

describe('the config file', () => {
  it('other profiles stay byte-identical; [profile saml] is added at the end with region and output', async () => {
    const home = await newHome();
    const original = await readFile(join(E2E, 'config-rich.ini'), 'utf8');
    await writeFile(home.configFile, original, { mode: 0o600 });
    const result = await login(home);
    expectSuccess(result);
    const updated = await home.read('config');
    expect(updated.startsWith(original)).toBe(true);
    const added = parseIni(updated.slice(original.length));
    expect(added.sectionNames()).toEqual(['profile saml']);
    expect(added.getSection('profile saml')).toEqual({ region: 'us-east-1', output: 'json', awsfed_role_session_name: 'alice@corp.example' });
    expect(await mode(home.configFile)).toBe(0o600);
  });

  it('an existing profile section keeps its other keys; a region flag replaces only region', async () => {
    const home = await newHome();
    const original = await readFile(join(E2E, 'config-rich.ini'), 'utf8');
    const withSaml = `${original}\n[profile saml]\n# the gateway profile\nregion = eu-west-1\nawsfed_idp_url = ${env.adfs.entryUrl}\ncli_pager=\n`;
    await writeFile(home.configFile, withSaml, { mode: 0o600 });
    const result = await login(home, ['--region', 'eu-central-1']);
    expectSuccess(result);
    const updated = await home.read('config');
    expect(updated.startsWith(original)).toBe(true);
    const tail = updated.slice(original.length);
    expect(tail).toBe(`\n[profile saml]\n# the gateway profile\nregion = eu-central-1\nawsfed_idp_url = ${env.adfs.entryUrl}\ncli_pager=\noutput = json\nawsfed_role_session_name = alice@corp.example\n`);
  });
});
