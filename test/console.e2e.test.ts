/**
 * End to end: `awsfed console`, `console --switch-links` and `export aesr` from the built CLI.
 * The gateway signs in against the AD FS and STS emulators; the sign-in URL is made against the
 * loopback federation endpoint emulator (src/emulator/signin.ts), which checks the session keys with
 * the STS emulator and, like AWS, refuses SessionDuration for role-chained credentials. Every printed
 * login URL is followed: the emulator must accept its SigninToken and redirect to the console.
 */
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USER, startDemoEnvironment } from '../src/emulator/demo-environment.js';
import type { DemoEnvironment } from '../src/emulator/demo-environment.js';
import { startSigninEmulator, stsSessionValidator } from '../src/emulator/signin.js';
import type { SigninEmulator } from '../src/emulator/signin.js';
import { parseIni } from '../src/ini/document.js';
import { explain, makeTempHome, runCli } from './helpers/cli.js';
import type { RunResult, TempHome } from './helpers/cli.js';

const DEV_ROLE = 'arn:aws:iam::222222222222:role/Admins';
const PROD_ROLE = 'arn:aws:iam::333333333333:role/ops/Prod';

let env: DemoEnvironment;
let signin: SigninEmulator;
let home: TempHome;

function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { ...home.env, AWS_ENDPOINT_URL_STS: env.sts.url, AWSFED_SIGNIN_ENDPOINT: signin.url, ...extra };
}

/** The secret key and session token stored for `profile`; both must be there (a loop over none checks nothing). */
async function secretsOf(profile: string): Promise<string[]> {
  const section = parseIni(await home.read('credentials')).getSection(profile);
  const list = [section?.aws_secret_access_key, section?.aws_session_token].filter((s): s is string => typeof s === 'string' && s.length > 0);
  expect(list, `secrets of [${profile}] in the credentials file`).toHaveLength(2);
  return list;
}

/** The printed URL is a login URL for our emulator; following it redirects to `destination`. */
async function expectLoginUrl(printed: string, destination: string): Promise<string> {
  const url = new URL(printed.trim());
  expect(`${url.origin}${url.pathname}`).toBe(`${signin.url}/federation`);
  expect([...url.searchParams.keys()]).toEqual(['Action', 'Issuer', 'Destination', 'SigninToken']);
  expect(url.searchParams.get('Action')).toBe('login');
  expect(url.searchParams.get('Issuer')).toBe('awsfed');
  expect(url.searchParams.get('Destination')).toBe(destination);
  const token = url.searchParams.get('SigninToken')!;
  expect(token.length).toBeGreaterThan(20);
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(302);
  expect(res.headers.get('location')).toBe(destination);
  return token;
}

function lastTokenCall() {
  return signin.calls.filter((c) => c.action === 'getSigninToken').at(-1)!;
}

beforeAll(async () => {
  env = await startDemoEnvironment({ stsRoles: [{ roleArn: DEV_ROLE }, { roleArn: PROD_ROLE }] });
  signin = await startSigninEmulator({ validateSession: stsSessionValidator(env.sts) });
  home = await makeTempHome();
  const login = await runCli(['login', '--idp-url', env.adfs.entryUrl, '--username', DEMO_USER.username, '--role', '*ReadOnly', '--no-prompt'], {
    env: cliEnv({ AWSFED_PASSWORD: DEMO_USER.password }),
  });
  expect(login.code, explain(login)).toBe(0);
  const config = await home.read('config');
  await writeFile(
    home.configFile,
    `${config}\n[profile dev]\nrole_arn = ${DEV_ROLE}\nsource_profile = saml\nregion = eu-west-1\n\n` +
      `[profile prod]\nrole_arn = ${PROD_ROLE}\nsource_profile = dev\n`,
  );
});

afterAll(async () => {
  await signin?.close();
  await env?.close();
  await home?.cleanup();
});

describe('awsfed console --print', () => {
  it('the gateway: SessionDuration from its remaining lifetime, a login URL the endpoint accepts', async () => {
    const r = await runCli(['console', '--print'], { env: cliEnv() });
    expect(r.code, explain(r)).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.endsWith('\n')).toBe(true);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    await expectLoginUrl(r.stdout, 'https://console.aws.amazon.com/console/home?region=us-east-1');
    const call = lastTokenCall();
    expect(call).toMatchObject({ status: 200, chained: false });
    // The gateway session was issued for the IdP's 28800 s; the console gets what is left of it.
    expect(call.sessionDuration).toBeGreaterThan(900);
    expect(call.sessionDuration).toBeLessThanOrEqual(28800);
    for (const secret of await secretsOf('saml')) expect(r.stdout).not.toContain(secret);
  });

  it('the gateway with --duration and --destination', async () => {
    const r = await runCli(['console', 'saml', '--print', '--duration', '2h', '--destination', 's3'], { env: cliEnv() });
    expect(r.code, explain(r)).toBe(0);
    expect(r.stderr).toBe('');
    await expectLoginUrl(r.stdout, 'https://console.aws.amazon.com/s3/home?region=us-east-1');
    expect(lastTokenCall()).toMatchObject({ status: 200, chained: false, sessionDuration: 7200 });
  });

  it('a chained destination: no SessionDuration, keys assumed along the chain', async () => {
    const r = await runCli(['console', 'dev', '--print'], { env: cliEnv() });
    expect(r.code, explain(r)).toBe(0);
    await expectLoginUrl(r.stdout, 'https://console.aws.amazon.com/console/home?region=eu-west-1');
    const call = lastTokenCall();
    expect(call).toMatchObject({ status: 200, chained: true });
    expect(call).not.toHaveProperty('sessionDuration');
    const written = parseIni(await home.read('credentials')).getSection('dev');
    expect(written?.x_principal_arn).toBe(`arn:aws:sts::222222222222:assumed-role/Admins/${DEMO_USER.username}`);
    for (const secret of await secretsOf('dev')) expect(`${r.stdout}${r.stderr}`).not.toContain(secret);
  });

  it('two hops deep, with --duration: a note on stderr, still no SessionDuration, nothing secret under --debug', async () => {
    const r = await runCli(['--debug', 'console', 'prod', '--print', '--duration', '8h', '--destination', 'ec2'], { env: cliEnv() });
    expect(r.code, explain(r)).toBe(0);
    // prod has no region of its own: the gateway's region applies.
    const token = await expectLoginUrl(r.stdout, 'https://console.aws.amazon.com/ec2/home?region=us-east-1');
    expect(lastTokenCall()).toMatchObject({ status: 200, chained: true });
    expect(lastTokenCall()).not.toHaveProperty('sessionDuration');
    expect(r.stderr).toContain('note: --duration is ignored for prod: its credentials come from role chaining');
    expect(r.stderr).not.toContain(token);
    expect(r.stderr).not.toContain('Session=');
    expect(r.stderr).not.toContain('SigninToken=');
    expect(r.stderr).toContain(`debug: console: getSigninToken for prod at ${signin.url}/federation (SessionDuration not sent: role chaining)`);
    // The request line every other request has: host and path, never the query holding the session keys.
    expect(r.stderr).toContain(`debug: request: GET ${new URL(signin.url).host}/federation -> 200 (getSigninToken for the console)`);
    for (const secret of [...(await secretsOf('prod')), ...(await secretsOf('dev')), ...(await secretsOf('saml'))]) {
      expect(`${r.stdout}${r.stderr}`).not.toContain(secret);
    }
  });

  it('the endpoint refusing the keys is a typed error that shows no query', async () => {
    const other = await startSigninEmulator({ validateSession: () => ({ ok: false, chained: false }) });
    try {
      const r = await runCli(['console', 'dev', '--print'], { env: cliEnv({ AWSFED_SIGNIN_ENDPOINT: other.url }) });
      expect(r.code).toBe(5);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`The federation endpoint ${other.url}/federation refused the credentials (HTTP 400)`);
      expect(r.stderr).not.toContain('Session=');
      expect(r.stderr).not.toContain('sessionKey');
    } finally {
      await other.close();
    }
  });
});

describe('awsfed console and awsfed_signin_endpoint', () => {
  it('takes the federation endpoint from the gateway profile of the chain when no flag or env names one', async () => {
    const before = await home.read('config');
    const doc = parseIni(before);
    doc.set('profile saml', 'awsfed_signin_endpoint', signin.url);
    await writeFile(home.configFile, doc.toString());
    try {
      const { AWSFED_SIGNIN_ENDPOINT: _unset, ...withoutEnv } = cliEnv();
      const r = await runCli(['console', 'dev', '--print'], { env: withoutEnv });
      expect(r.code, explain(r)).toBe(0);
      await expectLoginUrl(r.stdout, 'https://console.aws.amazon.com/console/home?region=eu-west-1');
    } finally {
      await writeFile(home.configFile, before);
    }
  });
});

describe('awsfed console (browser)', () => {
  it('opens the login URL with $BROWSER and prints one line on stderr, nothing on stdout', async () => {
    const script = join(home.home, 'browser.sh');
    const opened = join(home.home, 'opened-url');
    await writeFile(script, `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\n`);
    await chmod(script, 0o755);
    const r = await runCli(['console', 'dev'], { env: cliEnv({ BROWSER: script }) });
    expect(r.code, explain(r)).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('Opened the AWS console as dev in your browser (the sign-in link works for 15 minutes).\n');
    await expectLoginUrl(await readFile(opened, 'utf8'), 'https://console.aws.amazon.com/console/home?region=eu-west-1');
  });

  it('a browser that fails: exit 1 with a hint, the URL not shown', async () => {
    const r = await runCli(['console', 'dev'], { env: cliEnv({ BROWSER: 'false' }) });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Could not open a browser (exit code 1)');
    expect(r.stderr).toContain('awsfed console --print');
    expect(r.stderr).not.toContain('federation');
  });
});

describe('Switch Role links and the aws-extend-switch-roles export', () => {
  let catalog: TempHome;
  beforeAll(async () => {
    catalog = await makeTempHome();
    await writeFile(
      catalog.configFile,
      [
        '[profile saml]',
        'awsfed_idp_url = https://adfs.corp.example',
        'region = eu-central-1',
        '',
        '[profile dev]',
        `role_arn = ${DEV_ROLE}`,
        'source_profile = saml',
        'region = eu-west-1',
        'awsfed_color = red',
        '',
        '[profile prod]',
        `role_arn = ${PROD_ROLE}`,
        'source_profile = dev',
        'awsfed_display_name = Production (EU) & co',
        'awsfed_color = blue',
        '',
        '[profile cn]',
        'role_arn = arn:aws-cn:iam::444444444444:role/ReadOnly',
        'source_profile = saml-cn',
        '',
        '[profile saml-cn]',
        'awsfed_idp_url = https://adfs.corp.example',
        '',
      ].join('\n'),
    );
    await writeFile(
      catalog.credentialsFile,
      '[saml]\naws_access_key_id = ASIAAAAAAAAAAAAAAAAA\naws_secret_access_key = x\naws_session_token = y\n' +
        'x_security_token_expires = 2000-01-01T00:00:00Z\nx_principal_arn = arn:aws:sts::111111111111:assumed-role/ADFS-ReadOnly/alice@corp.example\n',
      { mode: 0o600 },
    );
  });
  afterAll(async () => {
    await catalog?.cleanup();
  });

  it('console --switch-links: one link per destination, path kept, colour and display name', async () => {
    const r = await runCli(['console', '--switch-links'], { env: catalog.env });
    expect(r.code, explain(r)).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      'dev   https://signin.aws.amazon.com/switchrole?account=222222222222&roleName=Admins&displayName=dev&color=F2B0A9\n' +
        'prod  https://signin.aws.amazon.com/switchrole?account=333333333333&roleName=ops/Prod&displayName=Production%20%28EU%29%20%26%20co&color=99BCE3\n' +
        'cn    https://signin.amazonaws.cn/switchrole?account=444444444444&roleName=ReadOnly&displayName=cn\n',
    );
  });

  it('console prod --switch-links: only that destination', async () => {
    const r = await runCli(['console', 'cn', '--switch-links'], { env: catalog.env });
    expect(r.code, explain(r)).toBe(0);
    expect(r.stdout).toBe('cn  https://signin.amazonaws.cn/switchrole?account=444444444444&roleName=ReadOnly&displayName=cn\n');
  });

  it('export aesr', async () => {
    const r = await runCli(['export', 'aesr'], { env: catalog.env });
    expect(r.code, explain(r)).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      [
        '; aws-extend-switch-roles configuration generated by `awsfed export aesr` from ~/.aws/config',
        '',
        '[saml]',
        'aws_account_id = 111111111111',
        '',
        '[dev]',
        `role_arn = ${DEV_ROLE}`,
        'source_profile = saml',
        'color = f2b0a9',
        'region = eu-west-1',
        '',
        '; the CLI reaches prod through dev; the console switches to it directly from saml',
        '[prod]',
        `role_arn = ${PROD_ROLE}`,
        'source_profile = saml',
        'color = 99bce3',
        '',
        '; saml-cn: its account id is unknown (sign in with `awsfed login --profile saml-cn` and export again);',
        '; its roles below are listed without a base account, so the extension shows them in every account',
        '',
        '[cn]',
        'role_arn = arn:aws-cn:iam::444444444444:role/ReadOnly',
        '',
      ].join('\n'),
    );
  });

  it('without destinations: usage errors with a hint', async () => {
    const empty = await makeTempHome();
    try {
      for (const args of [['console', '--switch-links'], ['export', 'aesr']]) {
        const r = await runCli(args, { env: empty.env });
        expect(r.code).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr).toContain('no destinations in');
        expect(r.stderr).toContain('awsfed add');
      }
      const unknown = await runCli(['export', 'csv'], { env: empty.env });
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('unknown export format "csv"');
    } finally {
      await empty.cleanup();
    }
  });
});
