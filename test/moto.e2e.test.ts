/**
 * The whole login with moto_server (the third-party AWS emulator) as STS: the AD FS emulator signs the
 * assertion, awsfed posts it to moto's AssumeRoleWithSAML, and the AWS CLI then uses the written keys
 * against moto. moto does not check SAML signatures nor require the role or SAML provider to exist in
 * its IAM; it parses the assertion itself (role, RoleSessionName, SessionDuration), so this is an
 * independent reading of what our issuer and our client put on the wire.
 *
 * Two moto 5 limitations shape the world used here (both are moto's, not awsfed's):
 * - it reads the Role attribute as a single value: an assertion with several roles (as AD FS sends
 *   for a user in several groups) makes it fail with HTTP 500, so the user here has one role;
 * - it records a SAML session under its default account 123456789012, and GetCallerIdentity only finds
 *   it there, so the role lives in that account.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTempHome, runCli, runProcess, type RunResult, type TempHome } from './helpers/cli.js';
import { requireTool } from './helpers/peers.js';
import { startMotoServer, type MotoServer } from './helpers/moto.js';
import { DEMO_USER, demoUser, startDemoEnvironment, type DemoEnvironment } from '../src/emulator/demo-environment.js';

const MOTO_ACCOUNT = '123456789012';
const ROLE_ARN = `arn:aws:iam::${MOTO_ACCOUNT}:role/ADFS-Admins`;
const PROVIDER_ARN = `arn:aws:iam::${MOTO_ACCOUNT}:saml-provider/ADFS`;
const SESSION_DURATION = 7200;

/** The home moto runs in (it must not read ~/.aws): one moto for the file. */
let motoHome: TempHome;
/** Each test's own home, so that no test reads the credentials another one wrote. */
let home: TempHome;
let moto: MotoServer;
let demo: DemoEnvironment;
let awsCli: string;

function explain(r: RunResult): string {
  return `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}\nmoto:\n${moto.output().slice(-2000)}`;
}

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

function callerIdentity(profile: string): Promise<RunResult> {
  return runProcess(awsCli, ['sts', 'get-caller-identity', '--profile', profile, '--output', 'json'], {
    env: { ...home.env, AWS_ENDPOINT_URL_STS: moto.url },
    cwd: home.home,
    timeoutMs: 30000,
  });
}

beforeAll(async () => {
  awsCli = requireTool('aws');
  requireTool('moto_server');
  motoHome = await makeTempHome();
  moto = await startMotoServer(motoHome.env);
  demo = await startDemoEnvironment({
    users: [demoUser({ roles: [{ roleArn: ROLE_ARN, principalArn: PROVIDER_ARN }], sessionDuration: SESSION_DURATION })],
  });
});

afterAll(async () => {
  await demo?.close();
  await moto?.close();
  await motoHome?.cleanup();
});

beforeEach(async () => {
  home = await makeTempHome();
});

afterEach(async () => {
  await home?.cleanup();
});

/** awsfed login into `profile` with moto as STS (through AWS_ENDPOINT_URL_STS). */
function motoLogin(profile: string): Promise<RunResult> {
  return runCli(['login', '--profile', profile, '--idp-url', demo.adfs.entryUrl, '--username', DEMO_USER.username, '--no-prompt'], {
    env: { ...home.env, AWSFED_PASSWORD: DEMO_USER.password, AWS_ENDPOINT_URL_STS: moto.url },
    timeoutMs: 30000,
  });
}

describe('awsfed login with moto_server as STS', () => {
  it('--sts-endpoint: moto redeems the assertion and the AWS CLI is the assumed role at moto', async () => {
    const before = Date.now();
    const r = await runCli(
      ['login', '--idp-url', demo.adfs.entryUrl, '--username', DEMO_USER.username, '--no-prompt', '--sts-endpoint', moto.url],
      { env: { ...home.env, AWSFED_PASSWORD: DEMO_USER.password }, timeoutMs: 30000 },
    );
    const after = Date.now();
    expect(r.code, explain(r)).toBe(0);
    expect(r.stdout).toContain(`account  ${MOTO_ACCOUNT}`);
    expect(r.stdout).toContain('role     ADFS-Admins');

    const text = await home.read('credentials');
    const accessKeyId = iniValue(text, 'saml', 'aws_access_key_id');
    // moto's temporary keys: ASIA + 16 characters, as AWS's.
    expect(accessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(iniValue(text, 'saml', 'aws_secret_access_key')).toBeTruthy();
    expect(iniValue(text, 'saml', 'aws_session_token')).toBeTruthy();
    const assumedRoleArn = `arn:aws:sts::${MOTO_ACCOUNT}:assumed-role/ADFS-Admins/${DEMO_USER.username}`;
    // moto builds the ARN from the RoleArn we sent and the RoleSessionName it read in the assertion.
    expect(iniValue(text, 'saml', 'x_principal_arn')).toBe(assumedRoleArn);
    // moto sets the session length from the assertion's SessionDuration (awsfed asked for the same).
    const expires = new Date(iniValue(text, 'saml', 'x_security_token_expires')!).getTime();
    expect(expires).toBeGreaterThanOrEqual(before + SESSION_DURATION * 1000 - 2000);
    expect(expires).toBeLessThanOrEqual(after + SESSION_DURATION * 1000 + 1000);

    const who = await callerIdentity('saml');
    expect(who.code, explain(who)).toBe(0);
    const identity = JSON.parse(who.stdout) as { Arn: string; Account: string; UserId: string };
    // Not moto's fallback identity (user/moto): moto recognised the access key it issued.
    expect(identity).toMatchObject({ Arn: assumedRoleArn, Account: MOTO_ACCOUNT });
    expect(identity.UserId).toMatch(new RegExp(`^AROA[A-Z0-9]+:${DEMO_USER.username.replace(/\./g, '\\.')}$`));
  });

  it('AWS_ENDPOINT_URL_STS: the same login into a second profile gets fresh keys from moto', async () => {
    // The first profile, signed in by this test: its keys are what the second login's must differ from.
    const first = await motoLogin('saml');
    expect(first.code, explain(first)).toBe(0);
    expect(iniValue(await home.read('credentials'), 'saml', 'aws_access_key_id')).toMatch(/^ASIA/);
    const r = await motoLogin('moto2');
    expect(r.code, explain(r)).toBe(0);
    const text = await home.read('credentials');
    expect(iniValue(text, 'moto2', 'aws_access_key_id')).toMatch(/^ASIA/);
    expect(iniValue(text, 'moto2', 'aws_access_key_id')).not.toBe(iniValue(text, 'saml', 'aws_access_key_id'));
    expect(await home.read('config')).toMatch(/^\[profile moto2\]\nregion = us-east-1\noutput = json\n/m);

    const who = await callerIdentity('moto2');
    expect(who.code, explain(who)).toBe(0);
    expect(JSON.parse(who.stdout)).toMatchObject({ Arn: `arn:aws:sts::${MOTO_ACCOUNT}:assumed-role/ADFS-Admins/${DEMO_USER.username}` });
  });
});
