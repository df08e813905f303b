/**
 * End to end: `awsfed switch` output evaluated by a real bash, and `awsfed exec` running real programs,
 * with the built CLI against the loopback AD FS and STS emulators. The AWS CLI v1 then calls the STS
 * emulator (which verifies SigV4 and only accepts keys it issued) with what reached its environment, so
 * a correct caller identity proves the right keys arrived. Also: nesting refusal, a gateway login run
 * first when the gateway's keys expired, and a clear failure when that login would need a prompt.
 */
import { writeFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ROLES, DEMO_USER, GATEWAY_ACCOUNT, OTHER_ACCOUNT, startDemoEnvironment } from '../src/emulator/demo-environment.js';
import type { DemoEnvironment } from '../src/emulator/demo-environment.js';
import { parseIni } from '../src/ini/document.js';
import { BIN, explain, makeTempHome, runCli, runProcess } from './helpers/cli.js';
import type { RunResult, TempHome } from './helpers/cli.js';
import { requireTool } from './helpers/peers.js';

const GATEWAY_ROLE = DEMO_ROLES[0]!; // 111111111111 ADFS-Admins
const PROD_ROLE_ARN = `arn:aws:iam::${OTHER_ACCOUNT}:role/Admins`;
const PROD_ASSUMED_ARN = `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/Admins/${DEMO_USER.username}`;
const GATEWAY_ASSUMED_ARN = `arn:aws:sts::${GATEWAY_ACCOUNT}:assumed-role/ADFS-Admins/${DEMO_USER.username}`;

let demo: DemoEnvironment;
let awsCli: string;
let bash: string;

beforeAll(async () => {
  awsCli = requireTool('aws');
  bash = requireTool('bash');
  demo = await startDemoEnvironment({ stsRoles: [{ roleArn: PROD_ROLE_ARN, trustedPrincipals: [GATEWAY_ROLE.roleArn] }] });
});
afterAll(async () => {
  await demo?.close();
});

const homes: TempHome[] = [];
afterEach(async () => {
  await Promise.all(homes.splice(0).map((h) => h.cleanup()));
});

/** A gateway profile `saml` configured for the emulator, and a destination `prod` chained from it. */
async function configuredHome(): Promise<TempHome> {
  const home = await makeTempHome();
  homes.push(home);
  await writeFile(
    home.configFile,
    [
      '[profile saml]',
      `awsfed_idp_url = ${demo.adfs.entryUrl}`,
      `awsfed_username = ${DEMO_USER.username}`,
      `awsfed_role = ${GATEWAY_ROLE.roleArn}`,
      'region = us-east-1',
      '',
      '[profile prod]',
      `role_arn = ${PROD_ROLE_ARN}`,
      'source_profile = saml',
      'region = eu-west-1',
      '',
    ].join('\n'),
  );
  return home;
}

function cliEnv(home: TempHome, extra: Record<string, string> = {}): Record<string, string> {
  return { ...home.env, AWS_ENDPOINT_URL_STS: demo.sts.url, ...extra };
}

/** The gateway login (with AWSFED_PASSWORD, no prompt), as a user does it in the morning. */
async function gatewayLogin(home: TempHome): Promise<void> {
  const r = await runCli(['login', '--profile', 'saml', '--no-prompt'], { env: cliEnv(home, { AWSFED_PASSWORD: DEMO_USER.password }) });
  expect(r.code, explain(r)).toBe(0);
}

/** Runs a bash script (no rc files) with NODE and AWSFED pointing at the built CLI. */
function runBash(script: string, env: Record<string, string>): Promise<RunResult> {
  return runProcess(bash, ['--norc', '--noprofile', '-c', script], { env: { ...env, NODE: process.execPath, AWSFED: BIN }, timeoutMs: 40000 });
}

function calls(action: string) {
  return demo.sts.calls.filter((c) => c.action === action && c.status === 200);
}

function callerArn(stdout: string): string {
  return (JSON.parse(stdout) as { Arn: string }).Arn;
}

/** awsfed's own stderr never carries a key, a token or the password. */
function expectNoSecretsOnStderr(r: RunResult, secrets: string[]): void {
  for (const s of [DEMO_USER.password, ...secrets]) expect(r.stderr).not.toContain(s);
}

describe('awsfed switch', () => {
  it('eval "$(awsfed switch prod)" in bash: AWS_PROFILE is unset, regions set, and the AWS CLI is prod', async () => {
    const home = await configuredHome();
    await gatewayLogin(home);
    const script = [
      'set -e',
      'eval "$("$NODE" "$AWSFED" switch prod)"',
      'printf "profile=%s\\n" "${AWS_PROFILE-unset}"',
      'printf "default_profile=%s\\n" "${AWS_DEFAULT_PROFILE-unset}"',
      'printf "region=%s/%s\\n" "$AWS_REGION" "$AWS_DEFAULT_REGION"',
      'printf "active=%s\\n" "$AWSFED_ACTIVE_PROFILE"',
      `"${awsCli}" sts get-caller-identity --output json`,
    ].join('\n');
    const r = await runBash(script, cliEnv(home, { AWS_PROFILE: 'saml', AWS_DEFAULT_PROFILE: 'saml' }));
    expect(r.code, explain(r)).toBe(0);
    const [profile, defaultProfile, region, active, ...json] = r.stdout.split('\n');
    expect(profile).toBe('profile=unset');
    expect(defaultProfile).toBe('default_profile=unset');
    expect(region).toBe('region=eu-west-1/eu-west-1');
    expect(active).toBe('active=prod');
    expect(callerArn(json.join('\n'))).toBe(PROD_ASSUMED_ARN);
    // Not a TTY and not interactive: awsfed printed nothing on stderr (and the AWS CLI neither).
    expect(r.stderr).toBe('');
  });

  it('prints the AWS CLI export-credentials lines on stdout and keeps them in the credentials file for the next run', async () => {
    const home = await configuredHome();
    await gatewayLogin(home);
    const before = calls('AssumeRole').length;
    const r = await runCli(['switch', 'prod', '--format', 'env'], { env: cliEnv(home) });
    expect(r.code, explain(r)).toBe(0);
    const written = parseIni(await home.read('credentials'), home.credentialsFile).getSection('prod')!;
    expect(written.aws_access_key_id).toMatch(/^ASIA/);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      'unset AWS_PROFILE',
      'unset AWS_DEFAULT_PROFILE',
      'unset AWS_SECURITY_TOKEN',
      'unset AWS_ROLE_ARN',
      'unset AWS_WEB_IDENTITY_TOKEN_FILE',
      'unset AWS_ROLE_SESSION_NAME',
      `export AWS_ACCESS_KEY_ID=${written.aws_access_key_id}`,
      `export AWS_SECRET_ACCESS_KEY=${written.aws_secret_access_key}`,
      `export AWS_SESSION_TOKEN=${written.aws_session_token}`,
      `export AWS_CREDENTIAL_EXPIRATION=${written.x_security_token_expires!.replace(/Z$/, '+00:00')}`,
      'export AWS_REGION=eu-west-1',
      'export AWS_DEFAULT_REGION=eu-west-1',
      'export AWSFED_ACTIVE_PROFILE=prod',
    ]);
    expectNoSecretsOnStderr(r, [written.aws_secret_access_key!, written.aws_session_token!]);
    expect(calls('AssumeRole').length).toBe(before + 1);
    // Second switch: the cached keys are still valid, so no STS call.
    const again = await runCli(['switch', 'prod', '--format', 'fish'], { env: cliEnv(home) });
    expect(again.code, explain(again)).toBe(0);
    expect(again.stdout).toContain(`set -gx AWS_ACCESS_KEY_ID ${written.aws_access_key_id};`);
    expect(again.stdout).toContain('set -e AWS_PROFILE;');
    expect(calls('AssumeRole').length).toBe(before + 1);
  });

  it('switching again in the same shell replaces the profile (also to renew it); --unset clears every variable it set', async () => {
    const home = await configuredHome();
    await gatewayLogin(home);
    const whoami = `"${awsCli}" sts get-caller-identity --query Arn --output text`;
    const script = [
      'set -e',
      // eval "$(...)" alone would hide a refused switch (eval of nothing succeeds): keep the status.
      'switch() { local out; out="$("$NODE" "$AWSFED" switch "$@")" || return; eval "$out"; }',
      'switch prod',
      whoami,
      'switch saml',
      whoami,
      'printf "active=%s region=%s\\n" "$AWSFED_ACTIVE_PROFILE" "$AWS_REGION"',
      'switch prod',
      whoami,
      'switch --unset',
      'for v in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CREDENTIAL_EXPIRATION AWS_REGION AWS_DEFAULT_REGION AWSFED_ACTIVE_PROFILE; do',
      '  printf "%s=%s\\n" "$v" "${!v-unset}"',
      'done',
      'printf "kept=%s\\n" "$KEEP_ME"',
    ].join('\n');
    const r = await runBash(script, cliEnv(home, { KEEP_ME: 'yes' }));
    expect(r.code, explain(r)).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      PROD_ASSUMED_ARN,
      GATEWAY_ASSUMED_ARN,
      'active=saml region=us-east-1',
      PROD_ASSUMED_ARN,
      'AWS_ACCESS_KEY_ID=unset',
      'AWS_SECRET_ACCESS_KEY=unset',
      'AWS_SESSION_TOKEN=unset',
      'AWS_CREDENTIAL_EXPIRATION=unset',
      'AWS_REGION=unset',
      'AWS_DEFAULT_REGION=unset',
      'AWSFED_ACTIVE_PROFILE=unset',
      'kept=yes',
    ]);
    expect(r.stderr).toBe('');
  });

  it('switch inside a command started by awsfed exec is refused (exit 2, hint names --nest) and works with --nest', async () => {
    const home = await configuredHome();
    await gatewayLogin(home);
    const inner = (flags: string) =>
      `out="$("$NODE" "$AWSFED" switch saml${flags})" && eval "$out" && "${awsCli}" sts get-caller-identity --query Arn --output text`;
    const refused = await runCli(['exec', 'prod', '--', bash, '--norc', '--noprofile', '-c', inner('')], {
      env: cliEnv(home, { NODE: process.execPath, AWSFED: BIN }),
      timeoutMs: 40000,
    });
    expect(refused.code, explain(refused)).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('inside a command started by `awsfed exec prod`');
    expect(refused.stderr).toContain('--nest');

    const nested = await runCli(['exec', 'prod', '--', bash, '--norc', '--noprofile', '-c', inner(' --nest')], {
      env: cliEnv(home, { NODE: process.execPath, AWSFED: BIN }),
      timeoutMs: 40000,
    });
    expect(nested.code, explain(nested)).toBe(0);
    expect(nested.stdout.trim()).toBe(GATEWAY_ASSUMED_ARN);
  });

  it('logs in to the gateway again first when its keys expired (AWSFED_PASSWORD, --no-prompt)', async () => {
    const home = await configuredHome();
    await gatewayLogin(home);
    const credentials = await home.read('credentials');
    await writeFile(home.credentialsFile, credentials.replace(/^(x_security_token_expires\s*=\s*).*$/m, '$12020-01-01T00:00:00Z'));
    expect(await home.read('credentials')).toContain('2020-01-01T00:00:00Z');
    const saml = calls('AssumeRoleWithSAML').length;
    const assume = calls('AssumeRole').length;

    const script = ['set -e', 'eval "$("$NODE" "$AWSFED" switch prod --no-prompt)"', `"${awsCli}" sts get-caller-identity --output json`].join('\n');
    const r = await runBash(script, cliEnv(home, { AWSFED_PASSWORD: DEMO_USER.password }));
    expect(r.code, explain(r)).toBe(0);
    expect(callerArn(r.stdout)).toBe(PROD_ASSUMED_ARN);
    expect(calls('AssumeRoleWithSAML').length).toBe(saml + 1);
    expect(calls('AssumeRoleWithSAML').at(-1)!.params.RoleArn).toBe(GATEWAY_ROLE.roleArn);
    expect(calls('AssumeRole').length).toBe(assume + 1);
    // The fresh gateway keys were written back.
    const gateway = parseIni(await home.read('credentials'), home.credentialsFile).getSection('saml')!;
    expect(Date.parse(gateway.x_security_token_expires!)).toBeGreaterThan(Date.parse('2020-01-02T00:00:00Z'));
    expect(gateway.x_principal_arn).toBe(GATEWAY_ASSUMED_ARN);
    expectNoSecretsOnStderr(r, [gateway.aws_secret_access_key!, gateway.aws_session_token!]);
  });

  it('fails clearly with exit 7 when the gateway has no keys and no password source under --no-prompt', async () => {
    const home = await configuredHome();
    const saml = calls('AssumeRoleWithSAML').length;
    const r = await runCli(['switch', 'prod', '--no-prompt'], { env: cliEnv(home) });
    expect(r.code, explain(r)).toBe(7);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/awsfed: .*password/i);
    expect(r.stderr).toContain('hint:');
    expect(calls('AssumeRoleWithSAML').length).toBe(saml);
  });
});

describe('awsfed exec', () => {
  it('runs the AWS CLI as prod and passes exit codes through', async () => {
    const home = await configuredHome();
    await gatewayLogin(home);
    const r = await runCli(['exec', 'prod', '--', awsCli, 'sts', 'get-caller-identity', '--output', 'json'], {
      env: cliEnv(home, { AWS_PROFILE: 'saml' }),
      timeoutMs: 40000,
    });
    expect(r.code, explain(r)).toBe(0);
    expect(callerArn(r.stdout)).toBe(PROD_ASSUMED_ARN);

    const seven = await runCli(['exec', 'prod', '--', 'sh', '-c', 'exit 7'], { env: cliEnv(home) });
    expect(seven.code, explain(seven)).toBe(7);
    expect(seven.stderr).toBe('');

    const killed = await runCli(['exec', 'prod', '--', 'sh', '-c', 'kill -TERM $$'], { env: cliEnv(home) });
    expect(killed.code, explain(killed)).toBe(143);
  });

  it('gives the command AWSFED_ACTIVE_PROFILE, both regions, and no AWS_PROFILE; options after -- are the command\'s', async () => {
    const python = requireTool('python3');
    const home = await configuredHome();
    await gatewayLogin(home);
    const marker = await runCli(['exec', 'prod', '--', python, '-c', 'import os;print(os.environ["AWSFED_ACTIVE_PROFILE"])'], { env: cliEnv(home) });
    expect(marker.code, explain(marker)).toBe(0);
    expect(marker.stdout).toBe('prod\n');

    const script =
      'import os, sys, json; print(json.dumps({k: os.environ.get(k) for k in ["AWS_PROFILE", "AWS_SECURITY_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_CREDENTIAL_EXPIRATION"]} | {"argv": sys.argv[1:]}))';
    const r = await runCli(['exec', 'prod', '--', python, '-c', script, '--nest', '--no-prompt', '--', '$HOME *'], {
      env: cliEnv(home, { AWS_PROFILE: 'saml', AWS_SECURITY_TOKEN: 'stale' }),
    });
    expect(r.code, explain(r)).toBe(0);
    const seen = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(seen.AWS_PROFILE).toBeNull();
    expect(seen.AWS_SECURITY_TOKEN).toBeNull();
    expect(seen.AWS_REGION).toBe('eu-west-1');
    expect(seen.AWS_DEFAULT_REGION).toBe('eu-west-1');
    expect(seen.AWS_CREDENTIAL_EXPIRATION).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    expect(seen.argv).toEqual(['--nest', '--no-prompt', '--', '$HOME *']);
  });

  it('refuses to nest without --nest, and nests with it', async () => {
    const home = await configuredHome();
    await gatewayLogin(home);
    const refused = await runCli(['exec', 'prod', '--', 'sh', '-c', 'exit 0'], { env: cliEnv(home, { AWSFED_ACTIVE_PROFILE: 'prod' }) });
    expect(refused.code, explain(refused)).toBe(2);
    expect(refused.stderr).toContain('--nest');
    const nested = await runCli(['exec', 'prod', '--nest', '--', 'sh', '-c', 'test "$AWSFED_ACTIVE_PROFILE" = prod && exit 3'], {
      env: cliEnv(home, { AWSFED_ACTIVE_PROFILE: 'dev' }),
    });
    expect(nested.code, explain(nested)).toBe(3);
  });

  it('a command that does not exist: exit 127 with a hint', async () => {
    const home = await configuredHome();
    await gatewayLogin(home);
    const r = await runCli(['exec', 'prod', '--', 'awsfed-no-such-command', '--flag'], { env: cliEnv(home) });
    expect(r.code, explain(r)).toBe(127);
    expect(r.stderr).toContain('awsfed: command not found: awsfed-no-such-command');
    expect(r.stderr).toContain('hint:');
  });

  it('without -- a command option is refused as unknown (exit 2) instead of being guessed at', async () => {
    const home = await configuredHome();
    const r = await runCli(['exec', 'prod', 'aws', 's3', 'ls', '--recursive'], { env: cliEnv(home) });
    expect(r.code, explain(r)).toBe(2);
    expect(r.stderr).toContain("unknown option '--recursive'");
  });
});
