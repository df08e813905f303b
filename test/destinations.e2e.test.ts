/**
 * End to end (issue 6, item 1): a destination profile (role_arn + source_profile) is never a login
 * target, and keys cached for a destination that belong to another role are stale.
 *
 * The built CLI against the loopback AD FS and STS emulators: gateway saml (ADFS-Admins in
 * 111111111111) -> prod (Admins in 333333333333), refreshed once so that [prod] holds its own keys.
 * Then `awsfed login --profile prod` (and configure, AWSFED_PROFILE, --all-roles) must be refused with
 * nothing written and nothing sent to STS; and after a hand-edited x_principal_arn, list says stale and
 * switch/exec assume the role again before handing the keys out.
 */
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_USER, startDemoEnvironment } from '../src/emulator/demo-environment.js';
import type { DemoEnvironment } from '../src/emulator/demo-environment.js';
import { parseIni } from '../src/ini/document.js';
import { explain, makeTempHome, runCli } from './helpers/cli.js';
import type { RunResult, TempHome } from './helpers/cli.js';
import { expectNoSecrets } from './helpers/secrets.js';

const PROD_ROLE = 'arn:aws:iam::333333333333:role/Admins';
const PROD_PRINCIPAL = `arn:aws:sts::333333333333:assumed-role/Admins/${DEMO_USER.username}`;
const READ_ONLY_PRINCIPAL = `arn:aws:sts::111111111111:assumed-role/ADFS-ReadOnly/${DEMO_USER.username}`;

let env: DemoEnvironment;
let home: TempHome;

beforeAll(async () => {
  env = await startDemoEnvironment({ stsRoles: [{ roleArn: PROD_ROLE }] });
  home = await makeTempHome();
  const steps: string[][] = [
    ['configure', '--profile', 'saml', '--idp-url', env.adfs.entryUrl, '--username', DEMO_USER.username, '--role', '111111111111/ADFS-Admins', '--no-prompt'],
    ['add', 'prod', '--account', '333333333333', '--role', 'Admins', '--source', 'saml'],
    ['refresh', 'prod', '--no-prompt'],
  ];
  for (const args of steps) {
    const r = await cli(args);
    expect(r.code, `awsfed ${args.join(' ')}\n${explain(r)}`).toBe(0);
  }
});

afterAll(async () => {
  await home?.cleanup();
  await env?.close();
});

function cli(args: string[], extra: Record<string, string> = {}): Promise<RunResult> {
  return runCli(args, { env: { ...home.env, AWS_ENDPOINT_URL_STS: env.sts.url, AWSFED_PASSWORD: DEMO_USER.password, ...extra }, timeoutMs: 30000 });
}

function stsCalls(action: string): number {
  return env.sts.calls.filter((c) => c.action === action).length;
}

async function prodKeys(): Promise<Record<string, string>> {
  const section = parseIni(await home.read('credentials'), home.credentialsFile).getSection('prod');
  expect(section, '[prod] in the credentials file').toBeDefined();
  return section!;
}

/** Sets the principal recorded for [prod]'s cached keys, as a stray login or a hand edit would. */
async function setProdPrincipal(principal: string): Promise<void> {
  const text = await home.read('credentials');
  const edited = text.replace(/(\[prod\][^[]*?x_principal_arn = )\S+/, `$1${principal}`);
  expect(edited).toContain(`x_principal_arn = ${principal}`);
  await writeFile(home.credentialsFile, edited);
}

describe('a destination is never a login target', () => {
  let before: { config: string; credentials: string; saml: number };
  beforeEach(async () => {
    await setProdPrincipal(PROD_PRINCIPAL);
    before = { config: await home.read('config'), credentials: await home.read('credentials'), saml: stsCalls('AssumeRoleWithSAML') };
  });

  /** Exit 2, one error naming prod, its gateway and what to run instead; nothing written, STS not asked. */
  async function expectRefused(r: RunResult): Promise<void> {
    expect(r.code, explain(r)).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('awsfed: profile "prod" is a destination');
    expect(r.stderr).toContain('gateway saml');
    expect(r.stderr).toMatch(/hint: .*awsfed login --profile saml.*awsfed refresh prod/);
    expect(r.stderr).not.toContain('configure --profile prod');
    expect(await home.read('config')).toBe(before.config);
    expect(await home.read('credentials')).toBe(before.credentials);
    expect(stsCalls('AssumeRoleWithSAML')).toBe(before.saml);
    expectNoSecrets(r, [DEMO_USER.password]);
  }

  it("login --profile prod --role '*ReadOnly' with the IdP URL and user name given", async () => {
    const r = await cli(['login', '--profile', 'prod', '--idp-url', env.adfs.entryUrl, '--username', DEMO_USER.username, '--role', '*ReadOnly', '--no-prompt', '--debug']);
    await expectRefused(r);
    expect(r.stderr).toContain('code: LOGIN_TARGET_IS_DESTINATION');
  });

  it('login --profile prod without an IdP URL: the hint no longer suggests configuring the destination', async () => {
    await expectRefused(await cli(['login', '--profile', 'prod', '--no-prompt']));
  });

  it('AWSFED_PROFILE=prod awsfed login', async () => {
    await expectRefused(await cli(['login', '--idp-url', env.adfs.entryUrl, '--username', DEMO_USER.username, '--role', '*ReadOnly', '--no-prompt'], { AWSFED_PROFILE: 'prod' }));
  });

  it('login --all-roles --profile prod', async () => {
    await expectRefused(await cli(['login', '--all-roles', '--profile', 'prod', '--idp-url', env.adfs.entryUrl, '--username', DEMO_USER.username, '--no-prompt']));
  });

  it('configure --profile prod', async () => {
    await expectRefused(await cli(['configure', '--profile', 'prod', '--idp-url', env.adfs.entryUrl, '--username', DEMO_USER.username, '--no-prompt']));
  });
});

describe("cached keys of another role are stale (x_principal_arn does not match role_arn)", () => {
  it('list shows prod as valid while the principal matches, and as stale with the reason once it does not', async () => {
    await setProdPrincipal(PROD_PRINCIPAL);
    const fine = await cli(['list']);
    expect(fine.code, explain(fine)).toBe(0);
    expect(fine.stdout).toMatch(/^prod +333333333333 +Admins +saml +\S+ +valid, /m);

    await setProdPrincipal(READ_ONLY_PRINCIPAL);
    const table = await cli(['list']);
    expect(table.code, explain(table)).toBe(0);
    expect(table.stdout).toMatch(/^prod +333333333333 +Admins +saml +\S+ +stale: keys are for 111111111111\/ADFS-ReadOnly$/m);
    const json = await cli(['list', '--json']);
    const prod = (JSON.parse(json.stdout) as Array<Record<string, unknown>>).find((e) => e.profile === 'prod');
    expect(prod).toMatchObject({ credentials: 'stale', staleReason: 'keys are for 111111111111/ADFS-ReadOnly' });
    const keys = await prodKeys();
    expectNoSecrets(table, [keys.aws_secret_access_key!, keys.aws_session_token!]);
  });

  it('switch uses matching cached keys as they are, and assumes the role again when they belong to another role', async () => {
    const calls = stsCalls('AssumeRole');
    const cached = await prodKeys();
    // Matching keys: served from the cache.
    await setProdPrincipal(PROD_PRINCIPAL);
    const fromCache = await cli(['switch', 'prod', '--format', 'env', '--no-prompt']);
    expect(fromCache.code, explain(fromCache)).toBe(0);
    expect(fromCache.stdout).toContain(`export AWS_ACCESS_KEY_ID=${cached.aws_access_key_id}\n`);
    expect(stsCalls('AssumeRole')).toBe(calls);

    await setProdPrincipal(READ_ONLY_PRINCIPAL);
    const r = await cli(['switch', 'prod', '--format', 'env', '--no-prompt']);
    expect(r.code, explain(r)).toBe(0);
    expect(stsCalls('AssumeRole')).toBe(calls + 1);
    const fresh = await prodKeys();
    expect(fresh.x_principal_arn).toBe(PROD_PRINCIPAL);
    expect(fresh.aws_access_key_id).not.toBe(cached.aws_access_key_id);
    expect(r.stdout).toContain(`export AWS_ACCESS_KEY_ID=${fresh.aws_access_key_id}\n`);
  });

  it('exec assumes the role again before running the command', async () => {
    await setProdPrincipal(READ_ONLY_PRINCIPAL);
    const calls = stsCalls('AssumeRole');
    const r = await cli(['exec', 'prod', '--no-prompt', '--', process.execPath, '-e', 'process.stdout.write(process.env.AWS_ACCESS_KEY_ID ?? "")']);
    expect(r.code, explain(r)).toBe(0);
    expect(stsCalls('AssumeRole')).toBe(calls + 1);
    const fresh = await prodKeys();
    expect(fresh.x_principal_arn).toBe(PROD_PRINCIPAL);
    expect(r.stdout).toBe(fresh.aws_access_key_id);
  });
});
