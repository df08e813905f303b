/**
 * End to end: the built CLI (dist/bin.cjs) manages the destination catalog in a temporary HOME:
 * `awsfed add` (every option, updates, multi-hop), `awsfed list` (table and --json, with cached
 * credentials that are valid, expired or absent), `awsfed remove`, and the refusals (missing source,
 * cycles, gateways, bad values) with their exit codes and the whole chain path in the message.
 * Every edit leaves the rest of the files byte-identical. Real peer: the AWS CLI v1 reads and uses
 * what `awsfed add` wrote, against the loopback STS emulator after a real `awsfed login`.
 */
import { writeFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USER, GATEWAY_ACCOUNT, OTHER_ACCOUNT, startDemoEnvironment } from '../src/emulator/demo-environment.js';
import type { DemoEnvironment } from '../src/emulator/demo-environment.js';
import { explain, makeTempHome, runCli, runProcess } from './helpers/cli.js';
import type { RunResult, TempHome } from './helpers/cli.js';
import { requireTool } from './helpers/peers.js';

/**
 * A hand-written config with comments, odd spacing and foreign sections, all of which must survive.
 * (New sections copy the style of the file's first key line, here "key = value".)
 */
const CONFIG = `# my AWS config -- hand written
[default]
region = us-east-1
output=json

[profile saml]
awsfed_idp_url = https://adfs.corp.example/adfs/ls/IdpInitiatedSignOn.aspx
awsfed_username = CORP\\alice
awsfed_role_session_name = alice@corp.example
region = eu-west-1
; trailing comment in the gateway

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
`;

const homes: TempHome[] = [];
afterEach(async () => {
  await Promise.all(homes.splice(0).map((h) => h.cleanup()));
});

async function newHome(config = CONFIG, credentials?: string): Promise<TempHome> {
  const home = await makeTempHome();
  homes.push(home);
  await writeFile(home.configFile, config, { mode: 0o600 });
  if (credentials !== undefined) await writeFile(home.credentialsFile, credentials, { mode: 0o600 });
  return home;
}

async function awsfed(home: TempHome, args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return runCli(args, { env: { ...home.env, ...env } });
}

async function ok(home: TempHome, args: string[]): Promise<RunResult> {
  const r = await awsfed(home, args);
  expect(r.code, explain(r)).toBe(0);
  expect(r.stderr, explain(r)).toBe('');
  return r;
}

/** A refusal: the exit code, one error line naming `message`, a hint, nothing on stdout, files untouched. */
async function refused(home: TempHome, args: string[], exitCode: number, message: string): Promise<RunResult> {
  const config = await home.read('config');
  const r = await awsfed(home, args);
  expect(r.code, explain(r)).toBe(exitCode);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain(`awsfed: ${message}`);
  expect(r.stderr).toMatch(/\n {2}hint: \S/);
  expect(await home.read('config')).toBe(config);
  return r;
}

function credentialSection(name: string, expires: Date, secrets: { key: string; secret: string; token: string }): string {
  return `[${name}]
aws_access_key_id = ${secrets.key}
aws_secret_access_key = ${secrets.secret}
aws_session_token = ${secrets.token}
x_security_token_expires = ${expires.toISOString().replace(/\.\d{3}Z$/, 'Z')}
`;
}

describe('awsfed add', () => {
  it('writes [profile prod] with every option, in order, and leaves the rest of the file byte-identical', async () => {
    const home = await newHome();
    const r = await ok(home, [
      'add', 'prod',
      '--account', '222222222222',
      '--role', 'team/Admins',
      '--region', 'eu-central-1',
      '--display-name', 'Prod admin',
      '--color', 'red',
      '--external-id', 'ext-42',
      '--mfa-serial', 'arn:aws:iam::111111111111:mfa/alice',
      '--duration', '1h',
      '--partition', 'aws',
      '--source', 'saml',
    ]);
    expect(await home.read('config')).toBe(
      `${CONFIG}
[profile prod]
role_arn = arn:aws:iam::222222222222:role/team/Admins
source_profile = saml
role_session_name = alice@corp.example
region = eu-central-1
duration_seconds = 3600
external_id = ext-42
mfa_serial = arn:aws:iam::111111111111:mfa/alice
awsfed_display_name = Prod admin
awsfed_color = red
`,
    );
    expect(r.stdout).toContain(`added profile prod in ${home.configFile}`);
    expect(r.stdout).toContain('chain:   prod -> saml');
    expect(r.stdout).toContain('aws sts get-caller-identity --profile prod');
  });

  it('defaults the source to saml and the region to the source\'s', async () => {
    const home = await newHome();
    await ok(home, ['add', 'dev', '--account', '333333333333', '--role', 'Dev', '--duration', '1h']);
    const config = await home.read('config');
    expect(config.startsWith(CONFIG)).toBe(true);
    expect(config.slice(CONFIG.length)).toBe(
      '\n[profile dev]\nrole_arn = arn:aws:iam::333333333333:role/Dev\nsource_profile = saml\nrole_session_name = alice@corp.example\nregion = eu-west-1\nduration_seconds = 3600\n',
    );
  });

  it('refuses --duration over 1h for a destination chained from the gateway (the AWS CLI would get a ValidationError)', async () => {
    const home = await newHome();
    const r = await refused(home, ['add', 'prod', '--account', '333333333333', '--role', 'Admins', '--duration', '5h'], 2, '--duration is 18000 s, but role chaining');
    expect(r.stderr).toContain('1h is the maximum for role chaining');
    expect(await home.read('config')).toBe(CONFIG);
  });

  it('updates an existing destination in place, merging options, and says "updated"', async () => {
    const home = await newHome();
    await ok(home, ['add', 'prod', '--account', '222222222222', '--role', 'Admins', '--color', 'red', '--display-name', 'Prod']);
    const before = await home.read('config');
    const r = await ok(home, ['add', 'prod', '--role', 'ReadOnly', '--color', 'blue', '--display-name', '']);
    expect(r.stdout).toContain('updated profile prod');
    const after = await home.read('config');
    expect(after).toBe(
      before
        .replace('role/Admins', 'role/ReadOnly')
        .replace('awsfed_color = red', 'awsfed_color = blue')
        .replace('awsfed_display_name = Prod\n', ''),
    );
    expect(after.match(/\[profile prod\]/g)).toHaveLength(1);
    const again = await ok(home, ['add', 'prod', '--role', 'ReadOnly']);
    expect(again.stdout).toContain('unchanged profile prod');
    expect(await home.read('config')).toBe(after);
  });

  it('chains several hops: saml -> shared -> audit', async () => {
    const home = await newHome();
    await ok(home, ['add', 'shared', '--account', '111111111111', '--role', 'Hub']);
    const r = await ok(home, ['add', 'audit', '--account', '444444444444', '--role', 'Auditor', '--source', 'shared']);
    expect(r.stdout).toContain('chain:   audit -> shared -> saml');
    expect(await home.read('config')).toContain('[profile audit]\nrole_arn = arn:aws:iam::444444444444:role/Auditor\nsource_profile = shared\nrole_session_name = alice@corp.example\n');
  });

  it('refuses a source that does not exist, naming the path', async () => {
    const home = await newHome();
    await refused(home, ['add', 'prod', '--account', '222222222222', '--role', 'Admins', '--source', 'nope'], 2, 'profile chain is broken: prod -> nope (no such profile)');
  });

  it('refuses a destination that is its own source, and an update that would close a cycle', async () => {
    const home = await newHome();
    await refused(home, ['add', 'prod', '--account', '222222222222', '--role', 'Admins', '--source', 'prod'], 2, 'profile chain loops: prod -> prod');
    await ok(home, ['add', 'shared', '--account', '111111111111', '--role', 'Hub']);
    await ok(home, ['add', 'prod', '--account', '222222222222', '--role', 'Admins', '--source', 'shared']);
    await ok(home, ['add', 'audit', '--account', '444444444444', '--role', 'Auditor', '--source', 'prod']);
    await refused(home, ['add', 'shared', '--source', 'audit'], 2, 'profile chain loops: shared -> audit -> prod -> shared');
  });

  it('never overwrites a gateway or another profile that is not a destination', async () => {
    const home = await newHome();
    await refused(home, ['add', 'saml', '--account', '222222222222', '--role', 'Admins'], 2, 'profile "saml" is an awsfed gateway');
    await refused(home, ['add', 'default', '--account', '222222222222', '--role', 'Admins'], 2, 'profile "default" already exists and is not a destination');
  });

  it.each([
    [['--account', '2222', '--role', 'Admins'], '--account is "2222"; an AWS account ID is 12 digits.'],
    [['--account', '222222222222', '--role', 'Ad mins'], '--role is "Ad mins", which is not an IAM role name.'],
    [['--account', '222222222222', '--role', 'Admins', '--color', 'pink'], '--color is "pink"; the console offers red, orange, yellow, green, blue.'],
    [['--account', '222222222222', '--role', 'Admins', '--duration', '60'], '--duration is 60 seconds; STS accepts 900 to 43200.'],
    [['--account', '222222222222', '--role', 'Admins', '--partition', 'aws-eu'], '--partition is "aws-eu"'],
    [['--role', 'Admins'], 'a new destination needs --account.'],
  ])('refuses bad values %j with exit code 2', async (args, message) => {
    const home = await newHome();
    await refused(home, ['add', 'prod', ...args], 2, message);
  });
});

describe('awsfed list', () => {
  it('shows destinations and the gateway with valid, expired and missing credentials; --json has no secrets', async () => {
    const now = Date.now();
    const gw = { key: 'ASIAGATEWAYKEY000001', secret: 'gatewaySECRETgatewaySECRET', token: 'gatewayTOKENgatewayTOKEN' };
    const prod = { key: 'ASIAPRODKEY000000001', secret: 'prodSECRETprodSECRET', token: 'prodTOKENprodTOKEN' };
    const home = await newHome(
      CONFIG,
      credentialSection('saml', new Date(now + 42 * 60_000 + 30_000), gw) + '\n' + credentialSection('prod', new Date(now - 3600_000), prod),
    );
    await ok(home, ['add', 'prod', '--account', '222222222222', '--role', 'Admins', '--color', 'red']);
    await ok(home, ['add', 'audit', '--account', '444444444444', '--role', 'team/Auditor', '--source', 'prod', '--region', 'us-west-2']);

    const table = await ok(home, ['list']);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^PROFILE +ACCOUNT +ROLE +SOURCE +REGION +CREDENTIALS$/);
    expect(lines[1]).toMatch(/^saml +- +- +\(gateway\) +eu-west-1 +valid, 4[12]m left$/);
    expect(lines[2]).toMatch(/^prod +222222222222 +Admins +saml +eu-west-1 +expired$/);
    expect(lines[3]).toMatch(/^audit +444444444444 +Auditor +prod +us-west-2 +none$/);
    expect(lines).toHaveLength(4);

    const json = await ok(home, ['list', '--json']);
    const entries = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    expect(entries.map((e) => [e.profile, e.kind, e.credentials])).toEqual([
      ['saml', 'gateway', 'valid'],
      ['prod', 'destination', 'expired'],
      ['audit', 'destination', 'none'],
    ]);
    expect(entries[1]).toMatchObject({
      accountId: '222222222222',
      roleName: 'Admins',
      roleArn: 'arn:aws:iam::222222222222:role/Admins',
      sourceProfile: 'saml',
      region: 'eu-west-1',
      color: 'red',
      secondsLeft: 0,
      problem: null,
    });
    expect(entries[0]?.secondsLeft).toBeGreaterThan(40 * 60);
    for (const output of [table.stdout, json.stdout]) {
      for (const secret of [gw.key, gw.secret, gw.token, prod.key, prod.secret, prod.token]) expect(output).not.toContain(secret);
    }
  });

  it('reports a broken chain below the table and still lists the rest', async () => {
    const home = await newHome(
      CONFIG + '\n[profile loop]\nrole_arn = arn:aws:iam::555555555555:role/R\nsource_profile = loop2\n\n[profile loop2]\nrole_arn = arn:aws:iam::555555555555:role/R\nsource_profile = loop\n',
    );
    const r = await ok(home, ['list']);
    expect(r.stdout).toContain('! loop: profile chain loops: loop -> loop2 -> loop');
    expect(r.stdout).toContain('! loop2: profile chain loops: loop2 -> loop -> loop2');
    expect(r.stdout).toMatch(/^saml +/m);
  });

  it('says how to start when there is no config file', async () => {
    const home = await makeTempHome();
    homes.push(home);
    const r = await ok(home, ['list']);
    expect(r.stdout).toContain('no destinations or gateways');
    const json = await ok(home, ['list', '--json']);
    expect(JSON.parse(json.stdout)).toEqual([]);
  });
});

describe('awsfed remove', () => {
  it('removes the section and the keys awsfed cached for it, leaving both files otherwise byte-identical', async () => {
    const secrets = { key: 'ASIAPRODKEY000000002', secret: 'prodSECRET2', token: 'prodTOKEN2' };
    const otherCredentials = '# keep me\n[saml]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n';
    const home = await newHome(CONFIG, otherCredentials);
    await ok(home, ['add', 'prod', '--account', '222222222222', '--role', 'Admins']);
    await writeFile(home.credentialsFile, otherCredentials + '\n' + credentialSection('prod', new Date(Date.now() + 3600_000), secrets));

    const r = await ok(home, ['remove', 'prod']);
    expect(r.stdout).toBe(`removed profile prod from ${home.configFile}\nremoved its cached credentials [prod] from ${home.credentialsFile}\n`);
    expect(await home.read('config')).toBe(CONFIG);
    expect(await home.read('credentials')).toBe(otherCredentials);
  });

  it('keeps a credentials section awsfed did not write', async () => {
    const credentials = '[prod]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n';
    const home = await newHome(CONFIG, credentials);
    await ok(home, ['add', 'prod', '--account', '222222222222', '--role', 'Admins']);
    const r = await ok(home, ['remove', 'prod']);
    expect(r.stdout).toContain(`kept [prod] in ${home.credentialsFile}: awsfed did not write it`);
    expect(await home.read('credentials')).toBe(credentials);
    expect(await home.read('config')).toBe(CONFIG);
  });

  it('refuses gateways, unknown profiles and sources of other destinations unless --force', async () => {
    const home = await newHome();
    await refused(home, ['remove', 'saml'], 2, 'profile "saml" is not a destination: it is an awsfed gateway');
    await refused(home, ['remove', 'nope'], 2, 'no profile "nope"');
    await refused(home, ['remove', 'default'], 2, 'profile "default" is not a destination');
    await ok(home, ['add', 'shared', '--account', '111111111111', '--role', 'Hub']);
    await ok(home, ['add', 'audit', '--account', '444444444444', '--role', 'Auditor', '--source', 'shared']);
    await refused(home, ['remove', 'shared'], 2, 'profile "shared" is the source_profile of "audit"');
    const r = await ok(home, ['remove', 'shared', '--force']);
    expect(r.stdout).toContain('warning: audit still names "shared" as source_profile');
    const list = await ok(home, ['list']);
    expect(list.stdout).toContain('! audit: profile chain is broken: audit -> shared (no such profile)');
  });
});

describe('the AWS CLI v1 uses what awsfed add wrote (real peer, loopback STS)', () => {
  let demo: DemoEnvironment;
  let awsCli: string;
  let home: TempHome;

  const aws = (args: string[]): Promise<RunResult> =>
    runProcess(awsCli, args, { env: { ...home.env, AWS_ENDPOINT_URL_STS: demo.sts.url }, cwd: home.home, timeoutMs: 30000 });

  beforeAll(async () => {
    awsCli = requireTool('aws');
    demo = await startDemoEnvironment();
    home = await makeTempHome();
    const login = await runCli(
      ['login', '--idp-url', demo.adfs.entryUrl, '--username', DEMO_USER.username, '--role', `arn:aws:iam::${GATEWAY_ACCOUNT}:role/ADFS-ReadOnly`, '--no-prompt'],
      { env: { ...home.env, AWSFED_PASSWORD: DEMO_USER.password, AWS_ENDPOINT_URL_STS: demo.sts.url } },
    );
    expect(login.code, explain(login)).toBe(0);
  });
  afterAll(async () => {
    await home?.cleanup();
    await demo?.close();
  });

  it('reads the profile, resolves it and assumes the role with the SAML RoleSessionName, also two hops deep', async () => {
    const configBefore = await home.read('config');
    const add = await ok(home, ['add', 'prod', '--account', OTHER_ACCOUNT, '--role', 'ADFS-Developers', '--color', 'green']);
    expect(add.stdout).toContain('aws sts get-caller-identity --profile prod');
    expect((await home.read('config')).startsWith(configBefore)).toBe(true);

    const get = await aws(['configure', 'get', 'role_arn', '--profile', 'prod']);
    expect(get.code, explain(get)).toBe(0);
    expect(get.stdout.trim()).toBe(`arn:aws:iam::${OTHER_ACCOUNT}:role/ADFS-Developers`);

    const configureList = await aws(['configure', 'list', '--profile', 'prod']);
    expect(configureList.code, explain(configureList)).toBe(0);
    expect(configureList.stdout).toMatch(/access_key +\*+[A-Z0-9]{4} +assume-role/);

    const identity = await aws(['sts', 'get-caller-identity', '--profile', 'prod', '--output', 'json']);
    expect(identity.code, explain(identity)).toBe(0);
    expect(JSON.parse(identity.stdout)).toMatchObject({ Account: OTHER_ACCOUNT, Arn: `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/ADFS-Developers/${DEMO_USER.username}` });

    await ok(home, ['add', 'audit', '--account', GATEWAY_ACCOUNT, '--role', 'ADFS-Admins', '--source', 'prod']);
    const deep = await aws(['sts', 'get-caller-identity', '--profile', 'audit', '--output', 'json']);
    expect(deep.code, explain(deep)).toBe(0);
    expect(JSON.parse(deep.stdout)).toMatchObject({ Arn: `arn:aws:sts::${GATEWAY_ACCOUNT}:assumed-role/ADFS-Admins/${DEMO_USER.username}` });

    const list = await ok(home, ['list']);
    expect(list.stdout).toMatch(new RegExp(`^saml +${GATEWAY_ACCOUNT} +ADFS-ReadOnly +\\(gateway\\) +us-east-1 +valid, `, 'm'));

    await ok(home, ['remove', 'audit']);
    await ok(home, ['remove', 'prod']);
    expect(await home.read('config')).toBe(configBefore);
    const gone = await aws(['configure', 'get', 'role_arn', '--profile', 'prod']);
    expect(gone.code).not.toBe(0);
  });
});

