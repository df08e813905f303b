/**
 * End to end for `npm run bench` (issue 8, item 5): the Python reference login still does what the AWS
 * blog's script does (so the bench compares against a working login), and the bench in its tiny mode
 * (--runs 1) prints every row. No figure is asserted: the machine is shared, the bench reports.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_ROLES, DEMO_USER, demoUser, startDemoEnvironment } from '../src/emulator/demo-environment.js';
import type { DemoEnvironment } from '../src/emulator/demo-environment.js';
import { parseIni } from '../src/ini/document.js';
import { ROOT, makeTempHome, runProcess } from './helpers/cli.js';
import type { TempHome } from './helpers/cli.js';
import { requireTool } from './helpers/peers.js';

const REFERENCE = join(ROOT, 'test', 'bench', 'reference_login.py');
const ROLE = DEMO_ROLES[0]!;

let home: TempHome;
beforeEach(async () => {
  home = await makeTempHome();
});
afterEach(async () => {
  await home?.cleanup();
});

describe('the Python reference login (test/bench/reference_login.py)', () => {
  let env: DemoEnvironment;
  beforeAll(async () => {
    env = await startDemoEnvironment({ users: [demoUser({ roles: [ROLE] })] });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('signs in at the AD FS emulator, assumes the role at the STS emulator, and writes keys the AWS CLI accepts', async () => {
    const python = requireTool('python3');
    const aws = requireTool('aws');
    const target = join(home.home, 'reference-credentials');
    const before = env.adfs.requests.length;
    const result = await runProcess(
      python,
      [REFERENCE, '--idp-url', env.adfs.entryUrl, '--sts-endpoint', env.sts.url, '--credentials-file', target, '--username', DEMO_USER.username, '--profile', 'ref'],
      { env: { PATH: home.env.PATH, HOME: home.home, REFERENCE_PASSWORD: DEMO_USER.password }, timeoutMs: 60_000 },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // GET the sign-on page, POST the login form (302), GET the SAML page; then one STS call.
    expect(result.stdout).toBe('requests 4\n');
    expect(env.adfs.requests.slice(before).map((r) => `${r.method} ${r.status}`)).toEqual(['GET 200', 'POST 302', 'GET 200']);
    // The form was posted with the login form's fields only (not the #options form's empty AuthMethod).
    expect(env.adfs.requests[before + 1]!.fieldNames.filter((n) => n === 'AuthMethod')).toHaveLength(1);

    const section = parseIni(await readFile(target, 'utf8'), target).getSection('ref')!;
    expect(section.aws_access_key_id).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(section.region).toBe('us-east-1');
    // Working keys: the AWS CLI signs GetCallerIdentity with them and the emulator checks the signature.
    const identity = await runProcess(aws, ['sts', 'get-caller-identity', '--profile', 'ref', '--output', 'json'], {
      env: { ...home.env, AWS_SHARED_CREDENTIALS_FILE: target, AWS_ENDPOINT_URL_STS: env.sts.url },
      timeoutMs: 60_000,
    });
    expect(identity.code, identity.stderr).toBe(0);
    expect((JSON.parse(identity.stdout) as { Arn: string }).Arn).toBe(`arn:aws:sts::111111111111:assumed-role/ADFS-Admins/${DEMO_USER.username}`);
    // Nothing in the HOME's ~/.aws: the reference writes only the file it was given.
    expect(await readdir(home.awsDir)).toEqual([]);
  });

  it('fails with a message, writing nothing, when the password is wrong', async () => {
    const python = requireTool('python3');
    const target = join(home.home, 'reference-credentials');
    const result = await runProcess(
      python,
      [REFERENCE, '--idp-url', env.adfs.entryUrl, '--sts-endpoint', env.sts.url, '--credentials-file', target, '--username', DEMO_USER.username],
      { env: { PATH: home.env.PATH, HOME: home.home, REFERENCE_PASSWORD: 'wrong' }, timeoutMs: 60_000 },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no SAMLResponse');
    await expect(readFile(target, 'utf8')).rejects.toThrow();
  });
});

describe('npm run bench, tiny mode (--runs 1)', () => {
  it('prints every row, the ratios, the request list and the targets; the floor and the cache hit are figures', { timeout: 600_000 }, async () => {
    requireTool('python3');
    const result = await runProcess(process.execPath, [join(ROOT, 'dist', 'bench', 'run.js'), '--runs', '1'], {
      env: { PATH: home.env.PATH, HOME: home.home, TMPDIR: home.home, LANG: 'C.UTF-8' },
      timeoutMs: 540_000,
    });
    const out = result.stdout;
    for (const row of [
      'node -e 0',
      'awsfed --version',
      'awsfed --help',
      'awsfed credential-process --profile bench (cache hit)',
      'awsfed login, 0 ms/request',
      'python reference, 0 ms/request',
      'awsfed login, 50 ms/request',
      'python reference, 50 ms/request',
      'floor: axios + cheerio/slim + STS client loaded, nothing done',
    ]) {
      expect(out, row).toMatch(new RegExp(`^${row.replace(/[()+.*?[\]\\/]/g, '\\$&')}\\s{2,}\\S`, 'm'));
    }
    // Measured rows carry a median with min and max, and a peak RSS.
    expect(out).toMatch(/^awsfed login, 50 ms\/request\s+\d+ ms \(\d+ ms \.\. \d+ ms\)\s+[\d.]+ MiB \(/m);
    expect(out).toMatch(/^python reference, 0 ms\/request\s+\d+ ms \(\d+ ms \.\. \d+ ms\)\s+[\d.]+ MiB \(/m);
    expect(out).toMatch(/^0 ms\/request\s+[\d.]+\s+[\d.]+\s+4 \/ 4$/m);
    expect(out).toMatch(/^50 ms\/request\s+[\d.]+\s+[\d.]+\s+4 \/ 4$/m);
    expect(out).toContain('(post the login form)');
    expect(out).toContain('(STS AssumeRoleWithSAML)');
    expect(out).toMatch(/500-role assertion: CPU[^\n]*\n {2}median of 1: [\d.]+ ms/);
    for (const target of ['login wall <= 0.5x python (0 ms/request)', 'login peak RSS <= python (50 ms/request)', 'credential-process cache hit <= 1.3x node -e 0', 'awsfed --version <= 1.2x node -e 0', '500 roles parsed and drawn < 50 ms CPU']) {
      expect(out, target).toMatch(new RegExp(`^${target.replace(/[().]/g, '\\$&')}\\s.*\\s(met|NOT met|NOT MEASURED)$`, 'm'));
    }
    expect(out).toContain('Chained refresh: 50 destinations');
    expect(out).not.toContain('FAILED');
    expect(out).toMatch(/^Floor: the fixed runtime packages alone, loaded and nothing done, take [\d.]+ MiB peak RSS \([\d.]+x the reference's whole login\)$/m);
    expect(out).toMatch(/^awsfed credential-process --profile bench \(cache hit\)\s+[\d.]+ ms \(/m);
    expect(out).not.toContain('NOT AVAILABLE');
    expect(result.code, result.stderr).toBe(0);
  });
});
