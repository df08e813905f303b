/**
 * Role chaining with moto_server (the third-party AWS emulator) as STS: `awsfed refresh --all` signs in
 * to the gateway (moto's AssumeRoleWithSAML), then AssumeRoles into the destination with the gateway's
 * keys (moto's AssumeRole), and the AWS CLI uses the destination against moto, both through its
 * role_arn/source_profile and through the keys awsfed wrote.
 *
 * moto's quirks (see test/moto.e2e.test.ts): one role per assertion, and the SAML session lives in
 * moto's default account 123456789012. moto's AssumeRole does not check trust policies; the
 * destination role here is in the same account so that GetCallerIdentity finds the session.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USER, demoUser, startDemoEnvironment, type DemoEnvironment } from '../src/emulator/demo-environment.js';
import { parseIni } from '../src/ini/document.js';
import { makeTempHome, runCli, runProcess, type RunResult, type TempHome } from './helpers/cli.js';
import { startMotoServer, type MotoServer } from './helpers/moto.js';
import { requireTool } from './helpers/peers.js';

const MOTO_ACCOUNT = '123456789012';
const GATEWAY_ROLE = `arn:aws:iam::${MOTO_ACCOUNT}:role/ADFS-Admins`;
const PROVIDER_ARN = `arn:aws:iam::${MOTO_ACCOUNT}:saml-provider/ADFS`;
const DEST_ASSUMED = `arn:aws:sts::${MOTO_ACCOUNT}:assumed-role/Deploy/${DEMO_USER.username}`;

let home: TempHome;
let moto: MotoServer;
let demo: DemoEnvironment;
let awsCli: string;

function explain(r: RunResult): string {
  return `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}\nmoto:\n${moto.output().slice(-2000)}`;
}

function motoEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { ...home.env, AWS_ENDPOINT_URL_STS: moto.url, ...extra };
}

function callerIdentity(profile: string, extra: Record<string, string> = {}): Promise<RunResult> {
  return runProcess(awsCli, ['sts', 'get-caller-identity', '--profile', profile, '--output', 'json'], {
    // deploy was added before the first login wrote the gateway's region, so it has none of its own.
    env: motoEnv({ AWS_DEFAULT_REGION: 'us-east-1', ...extra }),
    cwd: home.home,
    timeoutMs: 30000,
  });
}

beforeAll(async () => {
  awsCli = requireTool('aws');
  requireTool('moto_server');
  home = await makeTempHome();
  moto = await startMotoServer(home.env);
  demo = await startDemoEnvironment({ users: [demoUser({ roles: [{ roleArn: GATEWAY_ROLE, principalArn: PROVIDER_ARN }], sessionDuration: 7200 })] });
});

afterAll(async () => {
  await demo?.close();
  await moto?.close();
  await home?.cleanup();
});

describe('awsfed refresh with moto_server as STS', () => {
  it('refresh --all signs in, chains into the destination with moto AssumeRole, and the AWS CLI is that role at moto', async () => {
    for (const args of [
      ['configure', '--profile', 'saml', '--idp-url', demo.adfs.entryUrl, '--username', DEMO_USER.username, '--no-prompt'],
      ['add', 'deploy', '--account', MOTO_ACCOUNT, '--role', 'Deploy'],
    ]) {
      const r = await runCli(args, { env: motoEnv(), timeoutMs: 30000 });
      expect(r.code, explain(r)).toBe(0);
    }

    const r = await runCli(['refresh', '--all', '--no-prompt'], { env: motoEnv({ AWSFED_PASSWORD: DEMO_USER.password }), timeoutMs: 30000 });
    expect(r.code, explain(r)).toBe(0);
    expect(r.stderr).toContain('signing in');
    expect(r.stdout).toMatch(new RegExp(`^deploy\\s+${MOTO_ACCOUNT}/Deploy\\s+ok\\s`, 'm'));

    const creds = parseIni(await home.read('credentials'), home.credentialsFile);
    const gateway = creds.getSection('saml')!;
    const dest = creds.getSection('deploy')!;
    expect(gateway.aws_access_key_id).toMatch(/^ASIA/);
    expect(dest.aws_access_key_id).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(dest.aws_access_key_id).not.toBe(gateway.aws_access_key_id);
    expect(dest.x_principal_arn).toBe(DEST_ASSUMED);
    // moto honours DurationSeconds: awsfed asked for the chaining maximum, one hour.
    const left = Date.parse(dest.x_security_token_expires!) - Date.now();
    expect(left).toBeGreaterThan(3500_000);
    expect(left).toBeLessThanOrEqual(3600_000);
    for (const secret of [dest.aws_secret_access_key!, dest.aws_session_token!, DEMO_USER.password]) {
      expect(`${r.stdout}${r.stderr}`).not.toContain(secret);
    }

    // The AWS CLI through role_arn/source_profile: botocore assumes Deploy at moto with the gateway keys.
    const viaRole = await callerIdentity('deploy');
    expect(viaRole.code, explain(viaRole)).toBe(0);
    expect(JSON.parse(viaRole.stdout)).toMatchObject({ Account: MOTO_ACCOUNT, Arn: DEST_ASSUMED });

    // The AWS CLI through the keys awsfed wrote: a config without [profile deploy], so only [deploy] of
    // the credentials file can answer; moto recognises the access key it issued to awsfed.
    const config = parseIni(await home.read('config'), home.configFile);
    config.deleteSection('profile deploy');
    const plainConfig = join(home.home, 'config-without-deploy');
    await writeFile(plainConfig, config.toString());
    const viaKeys = await callerIdentity('deploy', { AWS_CONFIG_FILE: plainConfig });
    expect(viaKeys.code, explain(viaKeys)).toBe(0);
    const identity = JSON.parse(viaKeys.stdout) as { Arn: string; UserId: string };
    expect(identity.Arn).toBe(DEST_ASSUMED);
    expect(identity.UserId).toMatch(new RegExp(`^AROA[A-Z0-9]+:${DEMO_USER.username.replace(/\./g, '\\.')}$`));
  });
});
