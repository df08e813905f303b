/**
 * End to end: the policy documents printed by `awsfed policy trust|assume` are accepted by IAM as
 * implemented by moto_server (the third-party AWS emulator) through the AWS CLI v1, and read back
 * unchanged: `aws iam create-role --assume-role-policy-document` + `get-role`, and
 * `aws iam create-policy` + `get-policy-version` + `attach-group-policy` for the gateway group.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTempHome, runCli, runProcess, type RunResult, type TempHome } from './helpers/cli.js';
import { requireTool } from './helpers/peers.js';
import { motoAdminEnv, startMotoServer, type MotoServer } from './helpers/moto.js';

/** The home moto runs in (it must not read ~/.aws); one moto for the file, emptied before each test. */
let motoHome: TempHome;
/** Each test's own home: the policy files it writes and the config `policy assume --all` reads. */
let home: TempHome;
let moto: MotoServer;
let awsCli: string;

function explain(r: RunResult): string {
  return `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}${moto ? `\nmoto:\n${moto.output().slice(-2000)}` : ''}`;
}

async function aws(args: string[]): Promise<unknown> {
  const r = await runProcess(awsCli, [...args, '--output', 'json'], {
    env: { ...home.env, ...motoAdminEnv(moto.url) },
    cwd: home.home,
    timeoutMs: 30000,
  });
  expect(r.code, explain(r)).toBe(0);
  return r.stdout.trim() === '' ? undefined : (JSON.parse(r.stdout) as unknown);
}

/** Runs awsfed, checks it printed pretty JSON only, writes it to FILE in the home, returns it parsed. */
async function policyFile(args: string[], file: string, expectedStderr = ''): Promise<unknown> {
  const r = await runCli(['policy', ...args], { env: home.env });
  expect(r.code, explain(r)).toBe(0);
  expect(r.stderr).toBe(expectedStderr);
  const document = JSON.parse(r.stdout) as unknown;
  expect(r.stdout).toBe(`${JSON.stringify(document, null, 2)}\n`);
  await writeFile(join(home.home, file), r.stdout);
  return document;
}

beforeAll(async () => {
  awsCli = requireTool('aws');
  requireTool('moto_server');
  motoHome = await makeTempHome();
  moto = await startMotoServer(motoHome.env);
});

afterAll(async () => {
  await moto?.close();
  await motoHome?.cleanup();
});

// Every test starts from an empty IAM and an empty home: none sees the roles, policies, groups or
// files another one made, so each passes alone and in any order.
beforeEach(async () => {
  await moto.reset();
  home = await makeTempHome();
});

afterEach(async () => {
  await home?.cleanup();
});

const MFA_NOTE =
  'note: aws:MultiFactorAuthPresent is set only when MFA was presented to AWS STS (mfa_serial on the destination, `awsfed add --mfa-serial`); MFA done at AD FS does not set it.\n';

describe('awsfed policy trust -> aws iam create-role', () => {
  const principal = { AWS: 'arn:aws:iam::111111111111:root' };
  it.each([
    { role: 'Admins', flags: [], condition: undefined, note: '' },
    { role: 'AdminsMfa', flags: ['--require-mfa'], condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }, note: MFA_NOTE },
    { role: 'AdminsExt', flags: ['--external-id', 'corp-42:x/y'], condition: { StringEquals: { 'sts:ExternalId': 'corp-42:x/y' } }, note: '' },
    {
      role: 'AdminsBoth',
      flags: ['--require-mfa', '--external-id', 'corp-42', '--partition', 'aws'],
      condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' }, StringEquals: { 'sts:ExternalId': 'corp-42' } },
      note: MFA_NOTE,
    },
    {
      role: 'AdminsGov',
      flags: ['--partition', 'aws-us-gov', '--external-id', 'corp-42'],
      principal: { AWS: 'arn:aws-us-gov:iam::111111111111:root' },
      condition: { StringEquals: { 'sts:ExternalId': 'corp-42' } },
      note: '',
    },
  ])('$role: $flags', async ({ role, flags, condition, note, ...rest }) => {
    const document = await policyFile(['trust', '--source-account', '111111111111', ...flags], `trust-${role}.json`, note);
    expect(document).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: 'principal' in rest ? rest.principal : principal, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) }],
    });
    await aws(['iam', 'create-role', '--role-name', role, '--assume-role-policy-document', `file://trust-${role}.json`]);
    const got = (await aws(['iam', 'get-role', '--role-name', role])) as { Role: { Arn: string; AssumeRolePolicyDocument: unknown } };
    expect(got.Role.Arn).toMatch(new RegExp(`:role/${role}$`));
    expect(got.Role.AssumeRolePolicyDocument).toEqual(document);
  });

  it.each([
    [['--source-account', '1111'], 'BAD_ACCOUNT_ID', '--source-account is "1111"; an AWS account ID is 12 digits.'],
    [[], 'POLICY_NO_SOURCE_ACCOUNT', 'policy trust needs --source-account'],
    [['--source-account', '111111111111', '--external-id', 'a b'], 'BAD_EXTERNAL_ID', '--external-id is not a valid sts:ExternalId'],
    [['--source-account', '111111111111', '--partition', 'aws-xx'], 'BAD_PARTITION', '--partition is "aws-xx", which is not an AWS partition'],
  ])('refuses %j', async (args, code, message) => {
    const r = await runCli(['policy', 'trust', ...args], { env: home.env });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('hint: ');
    // --debug names the error code: the refusal is the one expected, not another with a similar message.
    const debug = await runCli(['--debug', 'policy', 'trust', ...args], { env: home.env });
    expect(debug.code, explain(debug)).toBe(2);
    expect(debug.stdout).toBe('');
    expect(debug.stderr).toContain(`\n  code: ${code}\n`);
  });
});

describe('awsfed policy assume -> aws iam create-policy', () => {
  async function createAndReadBack(name: string, file: string): Promise<unknown> {
    const created = (await aws(['iam', 'create-policy', '--policy-name', name, '--policy-document', `file://${file}`])) as { Policy: { Arn: string } };
    const version = (await aws(['iam', 'get-policy-version', '--policy-arn', created.Policy.Arn, '--version-id', 'v1'])) as {
      PolicyVersion: { Document: unknown };
    };
    await aws(['iam', 'attach-group-policy', '--group-name', 'gateway', '--policy-arn', created.Policy.Arn]);
    const attached = (await aws(['iam', 'list-attached-group-policies', '--group-name', 'gateway'])) as { AttachedPolicies: Array<{ PolicyName: string }> };
    expect(attached.AttachedPolicies.map((p) => p.PolicyName)).toContain(name);
    return version.PolicyVersion.Document;
  }

  beforeEach(async () => {
    await aws(['iam', 'create-group', '--group-name', 'gateway']);
  });

  it('--account --role (repeated, with a path)', async () => {
    const document = await policyFile(['assume', '--account', '222222222222', '--role', 'Admins', '--role', 'team/ReadOnly'], 'assume.json');
    expect(document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AssumeInto222222222222',
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Resource: ['arn:aws:iam::222222222222:role/Admins', 'arn:aws:iam::222222222222:role/team/ReadOnly'],
        },
      ],
    });
    expect(await createAndReadBack('AssumeDest', 'assume.json')).toEqual(document);
  });

  it('--all: one statement per account of the destinations assumed from a gateway', async () => {
    await writeFile(
      home.configFile,
      [
        '[profile saml]',
        'awsfed_idp_url = https://adfs.corp.example',
        '[profile dev]',
        'role_arn = arn:aws:iam::222222222222:role/Admins',
        'source_profile = saml',
        '[profile dev-ro]',
        'role_arn = arn:aws:iam::222222222222:role/ReadOnly',
        'source_profile = saml',
        '[profile shared]',
        'role_arn = arn:aws:iam::333333333333:role/ops/Hub',
        'source_profile = saml',
        '[profile prod]',
        'role_arn = arn:aws:iam::444444444444:role/Admins',
        'source_profile = shared',
        '',
      ].join('\n'),
    );
    const document = await policyFile(
      ['assume', '--all'],
      'assume-all.json',
      "note: prod is left out: it is assumed by shared's role, whose policy must allow arn:aws:iam::444444444444:role/Admins.\n",
    );
    expect(document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AssumeInto222222222222',
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Resource: ['arn:aws:iam::222222222222:role/Admins', 'arn:aws:iam::222222222222:role/ReadOnly'],
        },
        { Sid: 'AssumeInto333333333333', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ['arn:aws:iam::333333333333:role/ops/Hub'] },
      ],
    });
    expect(await createAndReadBack('AssumeAll', 'assume-all.json')).toEqual(document);
    const attached = (await aws(['iam', 'list-attached-group-policies', '--group-name', 'gateway'])) as { AttachedPolicies: Array<{ PolicyName: string }> };
    // The group was created empty for this test: this test's policy is the only one attached.
    expect(attached.AttachedPolicies.map((p) => p.PolicyName)).toEqual(['AssumeAll']);
  });

  it.each([
    [['--role', 'Admins'], 'needs --account'],
    [['--account', '222222222222'], 'policy assume needs --role (with --account) or --all'],
    [['--account', '222222222222', '--role', 'bad name'], 'is not an IAM role name'],
    [['--all', '--role', 'Admins'], '--all cannot be combined with --account or --role'],
    [['--account', '222222222222', '--role', 'arn:aws:iam::333333333333:role/X'], 'is in account 333333333333, not --account 222222222222'],
  ])('refuses %j', async (args, message) => {
    const r = await runCli(['policy', 'assume', ...args], { env: home.env });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('hint: ');
  });
});
