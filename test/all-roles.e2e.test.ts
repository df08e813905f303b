/**
 * End to end: `awsfed login --all-roles` writes one profile per role from one sign-in, names them by
 * template, refuses to overwrite destinations, and signs in again when the assertion expires mid-run.
 */
import { writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_ROLES, DEMO_USER, demoUser, startDemoEnvironment } from '../src/emulator/demo-environment.js';
import type { DemoEnvironment } from '../src/emulator/demo-environment.js';
import type { IssuedRole } from '../src/emulator/saml-issuer.js';
import { parseIni } from '../src/ini/document.js';
import { makeTempHome, runCli } from './helpers/cli.js';
import type { TempHome } from './helpers/cli.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function setup(options: Parameters<typeof startDemoEnvironment>[0] = {}): Promise<{ env: DemoEnvironment; home: TempHome; cliEnv: Record<string, string> }> {
  const env = await startDemoEnvironment(options);
  const home = await makeTempHome();
  cleanups.push(() => env.close(), () => home.cleanup());
  const cliEnv = { ...home.env, AWS_ENDPOINT_URL_STS: env.sts.url, AWSFED_PASSWORD: DEMO_USER.password };
  return { env, home, cliEnv };
}

const baseArgs = (env: DemoEnvironment) => ['login', '--all-roles', '--idp-url', env.adfs.entryUrl, '--username', DEMO_USER.username, '--no-prompt'];

function samlCalls(env: DemoEnvironment) {
  return env.sts.calls.filter((c) => c.action === 'AssumeRoleWithSAML');
}

describe('awsfed login --all-roles', () => {
  it('writes one profile per role, named {alias}-{role} with aliases, from a single sign-in', async () => {
    const { env, home, cliEnv } = await setup();
    const result = await runCli([...baseArgs(env), '--account-aliases', '111111111111=gateway,222222222222=dev'], { env: cliEnv });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^PROFILE\s+ACCOUNT\s+ROLE\s+RESULT$/m);
    expect(result.stdout).toMatch(/^gateway-ADFS-Admins\s+111111111111\s+ADFS-Admins\s+ok, expires /m);
    expect(result.stdout).toContain('3 of 3 roles written');
    expect(result.stdout).toContain('from 1 sign-in.');

    const credentials = parseIni(await home.read('credentials'));
    expect(credentials.sectionNames().sort()).toEqual(['dev-ADFS-Developers', 'gateway-ADFS-Admins', 'gateway-ADFS-ReadOnly']);
    for (const role of DEMO_ROLES) {
      const name = `${role.roleArn.includes('222222222222') ? 'dev' : 'gateway'}-${role.roleArn.split('/').pop()}`;
      const section = credentials.getSection(name)!;
      expect(section.aws_access_key_id).toMatch(/^ASIA/);
      expect(section.x_principal_arn).toBe(`${role.roleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/${DEMO_USER.username}`);
      // The secret never reaches the output.
      expect(result.stdout).not.toContain(section.aws_secret_access_key!);
    }
    const config = parseIni(await home.read('config'));
    expect(config.getSection('profile gateway-ADFS-ReadOnly')).toEqual({ region: 'us-east-1', output: 'json' });
    expect(config.get('profile saml', 'awsfed_role_session_name')).toBe(DEMO_USER.username);
    // No gateway credentials unless asked: --all-roles writes the role profiles.
    expect(credentials.hasSection('saml')).toBe(false);

    expect(samlCalls(env).map((c) => c.params.RoleArn).sort()).toEqual(DEMO_ROLES.map((r) => r.roleArn).sort());
    expect(env.adfs.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('uses a template from the profile config and refuses one that gives two roles the same name, before any STS call', async () => {
    const { env, home, cliEnv } = await setup();
    await writeFile(home.configFile, `[profile saml]\nawsfed_profile_template = corp-{account}-{role}\n`);
    const ok = await runCli(baseArgs(env), { env: cliEnv });
    expect(ok.code).toBe(0);
    expect(parseIni(await home.read('credentials')).sectionNames()).toContain('corp-222222222222-ADFS-Developers');

    const twins = await setup({ users: [demoUser({ roles: twinRoles() })] });
    const refused = await runCli([...baseArgs(twins.env), '--profile-template', '{role}'], { env: twins.cliEnv });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('gives the name Admins to several roles');
    expect(refused.stderr).toContain('hint: Include {account} or {alias}');
    expect(samlCalls(twins.env)).toHaveLength(0);
  });

  it('never overwrites a destination profile: that role fails, the others are written, exit 5', async () => {
    const { env, home, cliEnv } = await setup();
    const config = `[profile 111111111111-ADFS-Admins]\nrole_arn = arn:aws:iam::333333333333:role/Other\nsource_profile = saml\n`;
    await writeFile(home.configFile, config);
    const result = await runCli(baseArgs(env), { env: cliEnv });
    expect(result.code).toBe(5);
    expect(result.stdout).toMatch(/111111111111-ADFS-Admins\s+111111111111\s+ADFS-Admins\s+FAILED: Profile 111111111111-ADFS-Admins is a destination profile/);
    expect(result.stdout).toContain('2 of 3 roles written');
    const credentials = parseIni(await home.read('credentials'));
    expect(credentials.hasSection('111111111111-ADFS-Admins')).toBe(false);
    expect(credentials.hasSection('111111111111-ADFS-ReadOnly')).toBe(true);
    expect((await home.read('config')).startsWith(config)).toBe(true);
  });

  it.each([
    // The second sign-in rides on the IdP session of the first (its MSISAuth cookie): one password post.
    { flags: [] as string[], passwordPosts: 1 },
    // Without the session, each sign-in really signs in; the password source is still read once.
    { flags: ['--no-session'], passwordPosts: 2 },
  ])('signs in again when the assertion expires mid-run (STS redeems it for 5 minutes only) $flags', async ({ flags, passwordPosts }) => {
    // The emulators' clock jumps 6 minutes ahead once the first AssumeRoleWithSAML has been answered:
    // every later call sees the first assertion as too old, as if STS calls had been slow.
    let jumped = false;
    let sts: DemoEnvironment['sts'] | undefined;
    const clock = () => {
      if (!jumped && sts && sts.calls.some((c) => c.action === 'AssumeRoleWithSAML')) jumped = true;
      return new Date(Date.now() + (jumped ? 6 * 60_000 : 0));
    };
    const roles = manyRoles(8);
    const { env, home, cliEnv } = await setup({ users: [demoUser({ roles })], clock });
    sts = env.sts;
    const result = await runCli([...baseArgs(env), ...flags], { env: cliEnv });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('8 of 8 roles written');
    expect(result.stdout).toContain('from 2 sign-ins.');
    expect(result.stderr).toContain('expired before');
    const calls = samlCalls(env);
    expect(calls.some((c) => c.errorCode === 'ExpiredTokenException')).toBe(true);
    expect(calls.filter((c) => c.status === 200)).toHaveLength(8);
    expect(parseIni(await home.read('credentials')).sectionNames()).toHaveLength(8);
    expect(env.adfs.requests.filter((r) => r.method === 'POST' && r.fieldNames.includes('Password'))).toHaveLength(passwordPosts);
  });
});

function twinRoles(): IssuedRole[] {
  return ['111111111111', '222222222222'].map((account) => ({
    roleArn: `arn:aws:iam::${account}:role/Admins`,
    principalArn: `arn:aws:iam::${account}:saml-provider/ADFS`,
  }));
}

function manyRoles(n: number): IssuedRole[] {
  return Array.from({ length: n }, (_, i) => ({
    roleArn: `arn:aws:iam::${String(111111111111 + i * 111111111)}:role/ADFS-Role${i}`,
    principalArn: `arn:aws:iam::${String(111111111111 + i * 111111111)}:saml-provider/ADFS`,
  }));
}
