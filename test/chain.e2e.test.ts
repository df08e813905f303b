/**
 * End to end: role chaining with the built CLI against the loopback AD FS and STS emulators.
 *
 * The catalog: gateway saml (ADFS-Admins in 111111111111) -> shared (333333333333) -> prod
 * (444444444444), dev (555555555555, with an external ID), refused (a role whose trust policy does not
 * name the gateway role) -> behind (chained from refused). The STS emulator checks each AssumeRole's
 * trust policy against the calling session's role, so a hop run with the wrong source keys fails.
 * Then the AWS CLI and the JS SDK use the destinations, both through role_arn/source_profile and
 * through the keys awsfed wrote.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_ROLES, DEMO_USER, demoUser, startDemoEnvironment } from '../src/emulator/demo-environment.js';
import type { DemoEnvironment } from '../src/emulator/demo-environment.js';
import type { StsCall } from '../src/emulator/sts.js';
import { parseIni } from '../src/ini/document.js';
import { explain, makeTempHome, runCli, runProcess } from './helpers/cli.js';
import type { RunResult, TempHome } from './helpers/cli.js';
import { requireTool } from './helpers/peers.js';

const GATEWAY_ROLE = DEMO_ROLES[0]!.roleArn; // arn:aws:iam::111111111111:role/ADFS-Admins
const SHARED = 'arn:aws:iam::333333333333:role/Shared';
const PROD = 'arn:aws:iam::444444444444:role/Prod';
const DEV = 'arn:aws:iam::555555555555:role/Dev';
const REFUSED = 'arn:aws:iam::666666666666:role/Refused';
const BEHIND = 'arn:aws:iam::777777777777:role/Behind';
const EXTERNAL_ID = 'ext-42';
const SESSION = DEMO_USER.username;

let env: DemoEnvironment;
let awsCli: string;

beforeAll(async () => {
  awsCli = requireTool('aws');
  env = await startDemoEnvironment({
    users: [demoUser()],
    stsRoles: [
      { roleArn: SHARED, trustedPrincipals: [GATEWAY_ROLE] },
      { roleArn: PROD, trustedPrincipals: [SHARED] },
      { roleArn: DEV, trustedPrincipals: [GATEWAY_ROLE], externalId: EXTERNAL_ID },
      { roleArn: REFUSED, trustedPrincipals: ['arn:aws:iam::999999999999:role/SomeoneElse'] },
      { roleArn: BEHIND },
    ],
  });
});

afterAll(async () => {
  await env?.close();
});

function cliEnv(home: TempHome, extra: Record<string, string> = {}): Record<string, string> {
  return { ...home.env, AWS_ENDPOINT_URL_STS: env.sts.url, AWSFED_PASSWORD: DEMO_USER.password, ...extra };
}

async function cli(home: TempHome, args: string[], extra: Record<string, string> = {}): Promise<RunResult> {
  return runCli(args, { env: cliEnv(home, extra), timeoutMs: 30000 });
}

async function credentialsOf(home: TempHome): Promise<ReturnType<typeof parseIni>> {
  return parseIni(await home.read('credentials'), home.credentialsFile);
}

/** The table row of a profile: PROFILE  ACCOUNT/ROLE  RESULT  ... */
function row(stdout: string, profile: string): string {
  const line = stdout.split('\n').find((l) => l.startsWith(`${profile} `));
  expect(line, `a table row for ${profile} in:\n${stdout}`).toBeDefined();
  return line!;
}

function assumeRoleCalls(since = 0): StsCall[] {
  return env.sts.calls.slice(since).filter((c) => c.action === 'AssumeRole');
}

function expectNoSecrets(r: RunResult, credentials: ReturnType<typeof parseIni>): void {
  const output = `${r.stdout}\n${r.stderr}`;
  expect(output).not.toContain(DEMO_USER.password);
  for (const section of credentials.sectionNames()) {
    const s = credentials.getSection(section)!;
    for (const key of ['aws_secret_access_key', 'aws_session_token']) if (s[key]) expect(output).not.toContain(s[key]);
  }
}

/** A gateway configured with `awsfed configure` and destinations added with `awsfed add`. */
async function catalogHome(): Promise<TempHome> {
  const home = await makeTempHome();
  const steps: string[][] = [
    ['configure', '--profile', 'saml', '--idp-url', env.adfs.entryUrl, '--username', SESSION, '--role', '111111111111/ADFS-Admins', '--no-prompt'],
    ['add', 'shared', '--account', '333333333333', '--role', 'Shared'],
    ['add', 'prod', '--account', '444444444444', '--role', 'Prod', '--source', 'shared', '--region', 'eu-west-1'],
    ['add', 'dev', '--account', '555555555555', '--role', 'Dev', '--external-id', EXTERNAL_ID],
    ['add', 'refused', '--account', '666666666666', '--role', 'Refused'],
    ['add', 'behind', '--account', '777777777777', '--role', 'Behind', '--source', 'refused'],
  ];
  for (const args of steps) {
    const r = await cli(home, args);
    expect(r.code, `awsfed ${args.join(' ')}\n${explain(r)}`).toBe(0);
  }
  // duration_seconds = 7200 written by hand (awsfed add refuses it): more than role chaining allows, and
  // the AWS CLI itself would fail on it; awsfed asks for 3600 s instead.
  const config = await home.read('config');
  await writeFile(home.configFile, config.replace(`external_id = ${EXTERNAL_ID}\n`, `duration_seconds = 7200\nexternal_id = ${EXTERNAL_ID}\n`));
  expect(await home.read('config')).toContain('duration_seconds = 7200\nexternal_id');
  return home;
}

/**
 * The state the morning's `login --chain` leaves behind (gateway keys, shared, prod and dev written;
 * refused and behind failed), for the tests that start from there. Each such test builds its own, so
 * it passes alone and in any order.
 */
async function loginChain(home: TempHome): Promise<void> {
  const r = await cli(home, ['login', '--no-prompt', '--duration', '7200', '--chain']);
  expect(r.code, `the login --chain every later step starts from\n${explain(r)}`).toBe(5);
  const creds = await credentialsOf(home);
  for (const name of ['saml', 'shared', 'prod', 'dev']) expect(creds.hasSection(name), `[${name}] after login --chain`).toBe(true);
}

describe('awsfed login --chain and awsfed refresh (STS emulator)', () => {
  // A fresh catalog per test: no test reads the files another one wrote.
  let home: TempHome;
  beforeEach(async () => {
    home = await catalogHome();
  });
  afterEach(async () => {
    await home?.cleanup();
  });

  it('login --chain writes each destination, 3 hops deep, with the source keys and at most 3600 s; a refused role fails alone', async () => {
    const before = env.sts.calls.length;
    const r = await cli(home, ['login', '--no-prompt', '--duration', '7200', '--chain']);
    // Partial failure: refused (denied by its trust policy) and behind (its source failed).
    expect(r.code, explain(r)).toBe(5);
    expect(r.stdout).toContain('Signed in. Profile saml now holds temporary credentials.');
    expect(r.stdout).toMatch(/^PROFILE\s+ACCOUNT\/ROLE\s+RESULT\s+EXPIRES \/ REASON$/m);
    expect(row(r.stdout, 'shared')).toMatch(/^shared\s+333333333333\/Shared\s+ok\s+\d{4}-\d\d-\d\d \d\d:\d\d (UTC|[+-]\d\d:\d\d) \((59m|1h 00m) left\)$/);
    expect(row(r.stdout, 'prod')).toMatch(/444444444444\/Prod\s+ok\s/);
    expect(row(r.stdout, 'dev')).toMatch(/555555555555\/Dev\s+ok\s/);
    expect(row(r.stdout, 'refused')).toMatch(/666666666666\/Refused\s+failed\s+STS AssumeRole failed for arn:aws:iam::666666666666:role\/Refused \(AccessDenied\)/);
    expect(row(r.stdout, 'behind')).toMatch(/777777777777\/Behind\s+skipped\s+behind skipped: its source refused failed/);
    expect(r.stdout).toContain('Refreshed 3 of 5 profiles');
    expect(r.stdout).toMatch(/hint: Check the target role's trust policy/);
    // The 1-hour cap is said for the destination whose duration_seconds asks 2 h and for those that take --duration 2h.
    for (const name of ['shared', 'prod', 'dev']) expect(r.stderr).toContain(`note: ${name} asked for 7200 s; role chaining caps sessions at 3600 s.`);

    const creds = await credentialsOf(home);
    expectNoSecrets(r, creds);
    const saml = creds.getSection('saml')!;
    const shared = creds.getSection('shared')!;
    const prod = creds.getSection('prod')!;
    for (const [name, section, arn] of [
      ['shared', shared, 'arn:aws:sts::333333333333:assumed-role/Shared/'],
      ['prod', prod, 'arn:aws:sts::444444444444:assumed-role/Prod/'],
      ['dev', creds.getSection('dev'), 'arn:aws:sts::555555555555:assumed-role/Dev/'],
    ] as const) {
      expect(section, name).toBeDefined();
      expect(section!.aws_access_key_id).toMatch(/^ASIA[A-Z0-9]{16}$/);
      expect(section!.aws_session_token!.length).toBeGreaterThan(100);
      expect(section!.x_principal_arn).toBe(`${arn}${SESSION}`);
      const left = Date.parse(section!.x_security_token_expires!) - Date.now();
      expect(left).toBeGreaterThan(3500_000);
      expect(left).toBeLessThanOrEqual(3600_000);
    }
    expect(creds.hasSection('refused')).toBe(false);
    expect(creds.hasSection('behind')).toBe(false);

    // What STS saw: each hop signed with its source's keys, 3600 s, the person's session name.
    const calls = assumeRoleCalls(before);
    const byRole = (arn: string) => calls.filter((c) => c.params.RoleArn === arn);
    expect(calls.map((c) => c.params.RoleArn).sort()).toEqual([SHARED, PROD, DEV, REFUSED]);
    expect(byRole(SHARED)[0]!.accessKeyId).toBe(saml.aws_access_key_id);
    expect(byRole(DEV)[0]!.accessKeyId).toBe(saml.aws_access_key_id);
    expect(byRole(PROD)[0]!.accessKeyId).toBe(shared.aws_access_key_id);
    for (const c of calls) {
      expect(c.params.DurationSeconds).toBe('3600');
      expect(c.params.RoleSessionName).toBe(SESSION);
    }
    expect(byRole(DEV)[0]!.params.ExternalId).toBe(EXTERNAL_ID);
    expect(byRole(PROD)[0]!.status).toBe(200);
    expect(byRole(REFUSED)[0]!.errorCode).toBe('AccessDenied');
    // Shared before prod: a child starts only once its source has keys.
    expect(calls.indexOf(byRole(SHARED)[0]!)).toBeLessThan(calls.indexOf(byRole(PROD)[0]!));
  });

  it('refresh prod refreshes only prod and the profile it chains through', async () => {
    await loginChain(home);
    const oldCreds = await credentialsOf(home);
    const before = env.sts.calls.length;
    const r = await cli(home, ['refresh', 'prod', '--no-prompt']);
    expect(r.code, explain(r)).toBe(0);
    expect(row(r.stdout, 'shared')).toMatch(/\sok\s/);
    expect(row(r.stdout, 'prod')).toMatch(/\sok\s/);
    expect(r.stdout).not.toMatch(/^dev\s/m);
    expect(r.stdout).toContain('Refreshed 2 profiles');
    expect(r.stderr).toBe('');
    // The gateway keys were still valid: no new sign-in.
    expect(env.sts.calls.slice(before).map((c) => c.action)).toEqual(['AssumeRole', 'AssumeRole']);
    const creds = await credentialsOf(home);
    expect(creds.get('prod', 'aws_access_key_id')).not.toBe(oldCreds.get('prod', 'aws_access_key_id'));
    expect(creds.get('dev', 'aws_access_key_id')).toBe(oldCreds.get('dev', 'aws_access_key_id'));
    expect(creds.get('saml', 'aws_access_key_id')).toBe(oldCreds.get('saml', 'aws_access_key_id'));
  });

  it('refresh --json reports each profile without secrets', async () => {
    await loginChain(home);
    const r = await cli(home, ['refresh', 'dev', 'refused', '--json', '--concurrency', '2']);
    expect(r.code, explain(r)).toBe(5);
    const out = JSON.parse(r.stdout) as { results: Array<{ profile: string; result: string; error?: { code: string } }> };
    expect(out.results.map((x) => [x.profile, x.result, x.error?.code])).toEqual([
      ['dev', 'ok', undefined],
      ['refused', 'failed', 'STS_ACCESS_DENIED'],
    ]);
    expect(r.stderr).toContain('note: dev asked for 7200 s; role chaining caps sessions at 3600 s.');
    expectNoSecrets(r, await credentialsOf(home));
  });

  it('the AWS CLI uses prod through role_arn/source_profile (its own AssumeRole chain from the gateway keys)', async () => {
    await loginChain(home);
    const before = env.sts.calls.length;
    const r = await runProcess(awsCli, ['sts', 'get-caller-identity', '--profile', 'prod', '--output', 'json'], {
      env: { ...home.env, AWS_ENDPOINT_URL_STS: env.sts.url },
      cwd: home.home,
      timeoutMs: 30000,
    });
    expect(r.code, explain(r)).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ Account: '444444444444', Arn: `arn:aws:sts::444444444444:assumed-role/Prod/${SESSION}` });
    // botocore assumed prod itself. Its source_profile shared has role_arn too, but also the keys awsfed
    // wrote, and a source profile's static keys win (botocore and the JS SDK alike): one AssumeRole,
    // signed with shared's written key.
    const calls = assumeRoleCalls(before);
    expect(calls.map((c) => c.params.RoleArn)).toEqual([PROD]);
    expect(calls[0]!.accessKeyId).toBe((await credentialsOf(home)).get('shared', 'aws_access_key_id'));
  });

  it('the AWS CLI uses prod through the keys awsfed wrote (a config without role_arn for it)', async () => {
    await loginChain(home);
    const config = parseIni(await home.read('config'), home.configFile);
    config.deleteSection('profile prod');
    const plainConfig = join(home.home, 'config-without-prod');
    await writeFile(plainConfig, config.toString());
    const before = env.sts.calls.length;
    const r = await runProcess(awsCli, ['sts', 'get-caller-identity', '--profile', 'prod', '--output', 'json'], {
      env: { ...home.env, AWS_CONFIG_FILE: plainConfig, AWS_DEFAULT_REGION: 'us-east-1', AWS_ENDPOINT_URL_STS: env.sts.url },
      cwd: home.home,
      timeoutMs: 30000,
    });
    expect(r.code, explain(r)).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ Arn: `arn:aws:sts::444444444444:assumed-role/Prod/${SESSION}` });
    const calls = env.sts.calls.slice(before);
    expect(calls.map((c) => c.action)).toEqual(['GetCallerIdentity']);
    expect(calls[0]!.accessKeyId).toBe((await credentialsOf(home)).get('prod', 'aws_access_key_id'));
  });

  it('the JS SDK fromIni resolves the chained profile', async () => {
    await loginChain(home);
    const { fromIni } = await import('@aws-sdk/credential-providers');
    const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    const before = env.sts.calls.length;
    const provider = fromIni({
      profile: 'prod',
      filepath: home.credentialsFile,
      configFilepath: home.configFile,
      ignoreCache: true,
      clientConfig: { endpoint: env.sts.url, region: 'us-east-1' },
    });
    const credentials = await provider();
    const client = new STSClient({ region: 'eu-west-1', endpoint: env.sts.url, credentials });
    try {
      const who = await client.send(new GetCallerIdentityCommand({}));
      expect(who.Arn).toBe(`arn:aws:sts::444444444444:assumed-role/Prod/${SESSION}`);
    } finally {
      client.destroy();
    }
    // The SDK assumed prod itself from shared's written keys, as botocore does.
    const calls = assumeRoleCalls(before);
    expect(calls.map((c) => c.params.RoleArn)).toEqual([PROD]);
    expect(calls[0]!.accessKeyId).toBe((await credentialsOf(home)).get('shared', 'aws_access_key_id'));
  });
});

describe('awsfed refresh --all with a broken catalog', () => {
  let home: TempHome;
  afterAll(async () => {
    await home?.cleanup();
  });

  it('reports a cycle and a missing source with the whole path, signs in to the gateway, and refreshes the rest', async () => {
    home = await catalogHome();
    const config = await home.read('config');
    await writeFile(
      home.configFile,
      `${config}
[profile loop-a]
role_arn = arn:aws:iam::333333333333:role/Shared
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::333333333333:role/Shared
source_profile = loop-a

[profile orphan]
role_arn = arn:aws:iam::444444444444:role/Prod
source_profile = stray

[profile stray]
role_arn = arn:aws:iam::333333333333:role/Shared
source_profile = gone
`,
    );
    // No gateway keys yet: refresh signs in first (non-interactively, AWSFED_PASSWORD), then chains.
    const r = await cli(home, ['refresh', '--all', '--no-prompt']);
    expect(r.code, explain(r)).toBe(5);
    expect(r.stderr).toContain('Gateway saml: it has no temporary keys in the credentials file; signing in.');
    expect(row(r.stdout, 'loop-a')).toMatch(/failed\s+profile chain loops: loop-a -> loop-b -> loop-a$/);
    expect(row(r.stdout, 'loop-b')).toMatch(/failed\s+profile chain loops: loop-b -> loop-a -> loop-b$/);
    expect(row(r.stdout, 'orphan')).toMatch(/failed\s+profile chain is broken: orphan -> stray -> gone \(no such profile\)$/);
    expect(row(r.stdout, 'stray')).toMatch(/failed\s+profile chain is broken: stray -> gone \(no such profile\)$/);
    expect(row(r.stdout, 'prod')).toMatch(/\sok\s/);
    expect(row(r.stdout, 'dev')).toMatch(/\sok\s/);
    const creds = await credentialsOf(home);
    for (const name of ['saml', 'shared', 'prod', 'dev']) expect(creds.hasSection(name), name).toBe(true);
    for (const name of ['loop-a', 'loop-b', 'orphan', 'stray', 'refused']) expect(creds.hasSection(name), name).toBe(false);
    expectNoSecrets(r, creds);
  });

  it('without a password and with --no-prompt, the gateway sign-in failure is reported for each destination', async () => {
    const fresh = await catalogHome();
    try {
      const r = await runCli(['refresh', 'shared', 'dev', '--no-prompt'], {
        env: { ...fresh.env, AWS_ENDPOINT_URL_STS: env.sts.url },
        timeoutMs: 30000,
      });
      // 7, not 5: what was missing is a prompt (issue 6, item 6).
      expect(r.code, explain(r)).toBe(7);
      expect(row(r.stdout, 'shared')).toMatch(/skipped\s+shared skipped: no credentials for its root saml \(Cannot ask for .*password/i);
      expect(row(r.stdout, 'dev')).toMatch(/skipped\s+dev skipped: no credentials for its root saml/);
    } finally {
      await fresh.cleanup();
    }
  });
});
