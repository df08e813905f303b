/**
 * Real peers read what `awsfed login` wrote: the AWS CLI v1 (botocore) and the AWS SDK for
 * JavaScript v3 (fromIni). The STS they call is the loopback emulator, which verifies SigV4 and only
 * accepts access keys it issued, so a call that succeeds proves the written keys are the real ones.
 */
import { appendFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromIni } from '@aws-sdk/credential-providers';
import { explain, makeTempHome, runCli, runProcess, type RunResult, type TempHome } from './helpers/cli.js';
import { requireTool } from './helpers/peers.js';
import { DEMO_USER, GATEWAY_ACCOUNT, OTHER_ACCOUNT, startDemoEnvironment, type DemoEnvironment } from '../src/emulator/demo-environment.js';

const GATEWAY_ROLE = `arn:aws:iam::${GATEWAY_ACCOUNT}:role/ADFS-ReadOnly`;
const PROD_ROLE = `arn:aws:iam::${OTHER_ACCOUNT}:role/ADFS-Developers`;
/**
 * A destination profile as the README shows it. The region is needed: the AWS CLI v1 refuses any call
 * ("You must specify a region") for a profile without one, even though the source profile has one.
 */
const PROD_PROFILE = `\n[profile prod]\nrole_arn = ${PROD_ROLE}\nsource_profile = saml\nregion = us-east-1\n`;

let demo: DemoEnvironment;
let awsCli: string;

function iniValue(text: string, section: string, key: string): string | undefined {
  let inSection = false;
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (header) {
      inSection = header[1]!.trim() === section;
      continue;
    }
    const kv = /^\s*([^=\s]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (inSection && kv && kv[1] === key) return kv[2];
  }
  return undefined;
}

async function login(home: TempHome, extraArgs: string[] = []): Promise<RunResult> {
  const r = await runCli(
    ['login', '--idp-url', demo.adfs.entryUrl, '--username', DEMO_USER.username, '--role', GATEWAY_ROLE, '--no-prompt', ...extraArgs],
    { env: { ...home.env, AWSFED_PASSWORD: DEMO_USER.password, AWS_ENDPOINT_URL_STS: demo.sts.url } },
  );
  expect(r.code, explain(r)).toBe(0);
  return r;
}

/** The AWS CLI with the temp home's environment only; STS calls go to the emulator. */
function aws(home: TempHome, args: string[], extraEnv: Record<string, string> = {}): Promise<RunResult> {
  return runProcess(awsCli, args, { env: { ...home.env, AWS_ENDPOINT_URL_STS: demo.sts.url, ...extraEnv }, cwd: home.home, timeoutMs: 30000 });
}

beforeAll(async () => {
  awsCli = requireTool('aws');
  demo = await startDemoEnvironment();
});

afterAll(async () => {
  await demo?.close();
});

describe('after awsfed login, the AWS CLI v1', () => {
  let home: TempHome;
  let credentials: string;

  beforeAll(async () => {
    home = await makeTempHome();
    await login(home);
    credentials = await home.read('credentials');
    await appendFile(home.configFile, PROD_PROFILE);
  });
  afterAll(async () => {
    await home?.cleanup();
  });

  it('`aws configure get` returns the written access key, region and expiry', async () => {
    const accessKeyId = iniValue(credentials, 'saml', 'aws_access_key_id');
    const expires = iniValue(credentials, 'saml', 'x_security_token_expires');
    expect(accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(expires).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const key = await aws(home, ['configure', 'get', 'aws_access_key_id', '--profile', 'saml']);
    expect(key.code, explain(key)).toBe(0);
    expect(key.stdout.trim()).toBe(accessKeyId);

    const region = await aws(home, ['configure', 'get', 'region', '--profile', 'saml']);
    expect(region.code, explain(region)).toBe(0);
    expect(region.stdout.trim()).toBe('us-east-1');

    // botocore merges the credentials file's section into the profile, unknown keys included.
    const expiry = await aws(home, ['configure', 'get', 'x_security_token_expires', '--profile', 'saml']);
    expect(expiry.code, explain(expiry)).toBe(0);
    expect(expiry.stdout.trim()).toBe(expires);

    const token = await aws(home, ['configure', 'get', 'aws_session_token', '--profile', 'saml']);
    expect(token.stdout.trim()).toBe(iniValue(credentials, 'saml', 'aws_session_token'));
  });

  it('`aws sts get-caller-identity --profile saml` is the assumed gateway role (signed with the written keys)', async () => {
    const before = demo.sts.calls.length;
    const r = await aws(home, ['sts', 'get-caller-identity', '--profile', 'saml', '--output', 'json']);
    expect(r.code, explain(r)).toBe(0);
    const identity = JSON.parse(r.stdout) as { Arn: string; Account: string; UserId: string };
    expect(identity.Arn).toBe(`arn:aws:sts::${GATEWAY_ACCOUNT}:assumed-role/ADFS-ReadOnly/${DEMO_USER.username}`);
    expect(identity.Account).toBe(GATEWAY_ACCOUNT);
    expect(identity.Arn).toBe(iniValue(credentials, 'saml', 'x_principal_arn'));
    const call = demo.sts.calls.slice(before).find((c) => c.action === 'GetCallerIdentity');
    expect(call).toMatchObject({ status: 200, signed: true });
  });

  it('chains `[profile prod]` (role_arn + source_profile = saml) itself: AssumeRole, then the prod identity', async () => {
    const before = demo.sts.calls.length;
    const r = await aws(home, ['sts', 'get-caller-identity', '--profile', 'prod', '--output', 'json']);
    expect(r.code, explain(r)).toBe(0);
    const identity = JSON.parse(r.stdout) as { Arn: string; Account: string };
    expect(identity.Account).toBe(OTHER_ACCOUNT);
    expect(identity.Arn).toMatch(new RegExp(`^arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/ADFS-Developers/[\\w+=,.@-]+$`));
    const calls = demo.sts.calls.slice(before);
    const assumeRole = calls.find((c) => c.action === 'AssumeRole');
    expect(assumeRole, JSON.stringify(calls)).toMatchObject({ status: 200, signed: true, params: { RoleArn: PROD_ROLE } });
    expect(calls.find((c) => c.action === 'GetCallerIdentity')).toMatchObject({ status: 200 });
  });
});

describe('after awsfed login, the AWS SDK for JavaScript v3 (fromIni)', () => {
  let home: TempHome;
  let credentials: string;

  beforeAll(async () => {
    home = await makeTempHome();
    await login(home);
    credentials = await home.read('credentials');
    await appendFile(home.configFile, PROD_PROFILE);
  });
  afterAll(async () => {
    await home?.cleanup();
  });

  it('resolves the saml profile to the written keys', async () => {
    const creds = await fromIni({ profile: 'saml', filepath: home.credentialsFile, configFilepath: home.configFile, ignoreCache: true })();
    expect(creds.accessKeyId).toBe(iniValue(credentials, 'saml', 'aws_access_key_id'));
    expect(creds.secretAccessKey).toBe(iniValue(credentials, 'saml', 'aws_secret_access_key'));
    expect(creds.sessionToken).toBe(iniValue(credentials, 'saml', 'aws_session_token'));
    // The JS SDK's static-credentials reader takes no expiry from the file (x_security_token_expires is
    // awsfed's own key, read by awsfed and visible to `aws configure get`), so it reports none.
    expect(creds.expiration).toBeUndefined();
  });

  it('resolves the chained prod profile through AssumeRole at the emulator', async () => {
    const before = demo.sts.calls.length;
    const creds = await fromIni({
      profile: 'prod',
      filepath: home.credentialsFile,
      configFilepath: home.configFile,
      ignoreCache: true,
      clientConfig: { endpoint: demo.sts.url, region: 'us-east-1' },
    })();
    expect(creds.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(creds.accessKeyId).not.toBe(iniValue(credentials, 'saml', 'aws_access_key_id'));
    expect(creds.sessionToken).toBeTruthy();
    expect(creds.expiration).toBeInstanceOf(Date);
    // Role chaining: the emulator caps these sessions at one hour.
    expect(creds.expiration!.getTime()).toBeGreaterThan(Date.now());
    expect(creds.expiration!.getTime()).toBeLessThanOrEqual(Date.now() + 3600 * 1000 + 5000);
    const assumeRole = demo.sts.calls.slice(before).find((c) => c.action === 'AssumeRole');
    expect(assumeRole).toMatchObject({ status: 200, signed: true, params: { RoleArn: PROD_ROLE } });

    // The chained keys are live: the AWS CLI, given them in its environment, is the prod role.
    const who = await runProcess(awsCli, ['sts', 'get-caller-identity', '--output', 'json'], {
      env: {
        ...home.env,
        AWS_ENDPOINT_URL_STS: demo.sts.url,
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: creds.accessKeyId,
        AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
        AWS_SESSION_TOKEN: creds.sessionToken!,
      },
      cwd: home.home,
      timeoutMs: 30000,
    });
    expect(who.code, explain(who)).toBe(0);
    expect((JSON.parse(who.stdout) as { Account: string }).Account).toBe(OTHER_ACCOUNT);
  });
});

describe('the files stay acceptable to the AWS CLI (which refuses duplicate sections and keys)', () => {
  let home: TempHome;

  beforeAll(async () => {
    home = await makeTempHome();
  });
  afterAll(async () => {
    await home?.cleanup();
  });

  it('control: the AWS CLI does refuse a credentials file with a duplicate section', async () => {
    const control = await makeTempHome();
    try {
      await writeFile(
        control.credentialsFile,
        '[other]\naws_access_key_id = AKIAOTHEROTHEROTHER1\naws_secret_access_key = x\n[other]\naws_access_key_id = AKIAOTHEROTHEROTHER2\n',
        { mode: 0o600 },
      );
      const r = await runProcess(awsCli, ['configure', 'list', '--profile', 'other'], { env: control.env, cwd: control.home });
      expect(r.code, explain(r)).not.toBe(0);
      expect(r.stderr).toMatch(/duplicate|parse/i);
    } finally {
      await control.cleanup();
    }
  });

  it('logging in twice into the same profile beside other profiles and comments keeps both files valid', async () => {
    const seeded =
      '# team keys: do not edit by hand\n' +
      '[other]\n' +
      'aws_access_key_id = AKIAOTHEROTHEROTHER1\n' +
      'aws_secret_access_key = otherSecretOtherSecret\n' +
      '; trailing comment of other\n' +
      '\n' +
      '[saml]\n' +
      '# old gateway keys, with the legacy token key older tools wrote\n' +
      'aws_access_key_id = ASIAOLDOLDOLDOLDOLD1\n' +
      'aws_secret_access_key = old\n' +
      'aws_session_token = old-token\n' +
      'aws_security_token = old-token\n';
    await writeFile(home.credentialsFile, seeded, { mode: 0o600 });

    await login(home);
    await login(home);

    const text = await home.read('credentials');
    expect(text.startsWith('# team keys: do not edit by hand\n[other]\naws_access_key_id = AKIAOTHEROTHEROTHER1\n')).toBe(true);
    expect(text).toContain('; trailing comment of other\n');
    expect(text.match(/^\[saml\]$/gm)).toHaveLength(1);
    for (const key of ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'aws_security_token', 'x_security_token_expires']) {
      expect(text.match(new RegExp(`^${key}\\s*=`, 'gm')), key).toHaveLength(key === 'aws_access_key_id' || key === 'aws_secret_access_key' ? 2 : 1);
    }
    // botocore reads aws_security_token first: it must now be the new token, not the old one.
    expect(iniValue(text, 'saml', 'aws_security_token')).toBe(iniValue(text, 'saml', 'aws_session_token'));
    expect(iniValue(text, 'saml', 'aws_session_token')).not.toBe('old-token');
    const config = await home.read('config');
    expect(config.match(/^\[profile saml\]$/gm)).toHaveLength(1);

    const other = await aws(home, ['configure', 'list', '--profile', 'other']);
    expect(other.code, explain(other)).toBe(0);
    expect(other.stdout).toContain('****************HER1');

    const saml = await aws(home, ['configure', 'list', '--profile', 'saml']);
    expect(saml.code, explain(saml)).toBe(0);
    expect(saml.stdout).toContain(`****************${iniValue(text, 'saml', 'aws_access_key_id')!.slice(-4)}`);

    // And the second login's keys (the ones botocore picks, legacy token key included) are the live ones.
    const who = await aws(home, ['sts', 'get-caller-identity', '--profile', 'saml', '--output', 'json']);
    expect(who.code, explain(who)).toBe(0);
    expect((JSON.parse(who.stdout) as { Arn: string }).Arn).toBe(iniValue(text, 'saml', 'x_principal_arn'));
  });
});
