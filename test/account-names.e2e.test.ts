/**
 * End to end: account names from the AWS sign-in page (issue 9, item 1). The built CLI posts the
 * assertion to the loopback sign-in emulator (AWSFED_SIGNIN_ENDPOINT), reads the names from each page
 * shape, and uses them for --all-roles' {alias}; falls back to ids without failing; caches per gateway
 * profile; --no-aliases and a configured role make no lookup; awsfed_account_aliases wins over the page.
 */
import { chmod, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_USER, startDemoEnvironment } from '../src/emulator/demo-environment.js';
import type { DemoEnvironment } from '../src/emulator/demo-environment.js';
import { startSigninEmulator, type SamlPageMode, type SigninEmulator } from '../src/emulator/signin.js';
import { parseIni } from '../src/ini/document.js';
import { BIN, makeTempHome, runCli } from './helpers/cli.js';
import type { TempHome } from './helpers/cli.js';
import { requireTool } from './helpers/peers.js';
import { startTestProxy } from './helpers/proxy.js';
import { EXIT_MARK, startTmux } from './helpers/tmux.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

const NAMES = { '111111111111': 'gateway-main', '222222222222': 'Dev & Test' };
// "<samlp:Response" in base64: the start of every assertion the emulator issues.
const SAML_RESPONSE_PREFIX = 'PHNhbWxwOlJlc3BvbnNl';

async function setup(samlPage: SamlPageMode): Promise<{ env: DemoEnvironment; signin: SigninEmulator; home: TempHome; cliEnv: Record<string, string> }> {
  const env = await startDemoEnvironment();
  const signin = await startSigninEmulator({ samlPage, accountNames: NAMES });
  const home = await makeTempHome();
  cleanups.push(() => env.close(), () => signin.close(), () => home.cleanup());
  const cliEnv = {
    ...home.env,
    AWS_ENDPOINT_URL_STS: env.sts.url,
    AWSFED_PASSWORD: DEMO_USER.password,
    AWSFED_ACCOUNT_NAME_LOOKUP: 'true',
    AWSFED_SIGNIN_ENDPOINT: signin.url,
  };
  return { env, signin, home, cliEnv };
}

const allRoles = (env: DemoEnvironment, ...extra: string[]) => ['--debug', 'login', '--all-roles', '--idp-url', env.adfs.entryUrl, '--username', DEMO_USER.username, '--no-prompt', ...extra];
const samlPosts = (signin: SigninEmulator) => signin.calls.filter((c) => c.action === 'saml');
const profiles = async (home: TempHome) => parseIni(await home.read('credentials')).sectionNames().sort();
const NAMED = ['Dev-Test-ADFS-Developers', 'gateway-main-ADFS-Admins', 'gateway-main-ADFS-ReadOnly'];
const IDS = ['111111111111-ADFS-Admins', '111111111111-ADFS-ReadOnly', '222222222222-ADFS-Developers'];

describe('account names from the AWS sign-in page', () => {
  it('posts to the sign-in page through the proxy the login uses (HTTP_PROXY), as the IdP and STS requests', async () => {
    const { env, signin, home, cliEnv } = await setup('legacy');
    const proxy = await startTestProxy();
    cleanups.push(() => proxy.close());
    const r = await runCli(allRoles(env), { env: { ...cliEnv, HTTP_PROXY: proxy.url } });
    expect(r.code, r.stderr).toBe(0);
    expect(await profiles(home)).toEqual(NAMED);
    expect(proxy.forwarded.filter((u) => u === `${signin.url}/saml`), proxy.forwarded.join('\n')).toHaveLength(1);
    expect(proxy.forwarded.some((u) => u.startsWith(env.adfs.entryUrl.slice(0, env.adfs.entryUrl.indexOf('/adfs'))))).toBe(true);
  });

  it.each(['legacy', 'markup-2024', 'client-2023'] as const)('reads the %s page and names the --all-roles profiles by it', async (shape) => {
    const { env, signin, home, cliEnv } = await setup(shape);
    const r = await runCli(allRoles(env), { env: cliEnv });
    expect(r.code).toBe(0);
    expect(await profiles(home)).toEqual(NAMED);
    expect(samlPosts(signin)).toHaveLength(1);
    expect(samlPosts(signin)[0]).toMatchObject({ status: 200, samlResponsePresent: true });
    expect(r.stderr).toContain('account names: 2 read from');
    expect(r.stderr).toContain(`debug: request: POST ${new URL(signin.url).host}/saml -> 200 (account names from the AWS sign-in page)`);
    // The assertion is a bearer credential: never in a debug line.
    expect(r.stderr + r.stdout).not.toContain(SAML_RESPONSE_PREFIX);
    expect(r.stderr).not.toMatch(/SAMLResponse=/);
  });

  it.each(['interstitial', 'redirect', 'error', 'slow'] as const)('falls back to account ids when the page is %s, without failing the login', async (mode) => {
    const { env, signin, home, cliEnv } = await setup(mode);
    const r = await runCli(allRoles(env), { env: cliEnv, timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    expect(await profiles(home)).toEqual(IDS);
    expect(samlPosts(signin)).toHaveLength(1);
    expect(r.stderr).toMatch(/debug: account names: .*showing account ids/);
    expect(r.stderr + r.stdout).not.toContain(SAML_RESPONSE_PREFIX);
  });

  it('caches the names per gateway profile (0600): the second login posts nothing to the sign-in page', async () => {
    const { env, signin, home, cliEnv } = await setup('legacy');
    expect((await runCli(allRoles(env), { env: cliEnv })).code).toBe(0);
    signin.samlPage = 'error';
    const second = await runCli(allRoles(env, '--profile-template', 'again-{alias}-{role}'), { env: cliEnv });
    expect(second.code).toBe(0);
    expect(await profiles(home)).toEqual([...NAMED, ...NAMED.map((n) => `again-${n}`)].sort());
    expect(samlPosts(signin)).toHaveLength(1);
    expect(second.stderr).toContain('account names: from ');
    const file = join(home.home, '.cache', 'awsfed', 'account-names', 'saml.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(home.home, '.cache', 'awsfed', 'account-names'))).mode & 0o777).toBe(0o700);
  });

  it('a cache file others may write (0666) is ignored with a --debug line, and the names are read again', async () => {
    const { env, signin, home, cliEnv } = await setup('legacy');
    expect((await runCli(allRoles(env), { env: cliEnv })).code).toBe(0);
    const file = join(home.home, '.cache', 'awsfed', 'account-names', 'saml.json');
    await chmod(file, 0o666);
    const second = await runCli(allRoles(env, '--profile-template', 'again-{alias}-{role}'), { env: cliEnv });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain(`debug: account names: ignoring ${file}: mode 666 lets other users write it`);
    expect(samlPosts(signin)).toHaveLength(2);
    // Saved again the way the cache writes it.
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('--no-aliases (and awsfed_account_name_lookup = false) make no lookup', async () => {
    const { env, signin, home, cliEnv } = await setup('legacy');
    expect((await runCli(allRoles(env, '--no-aliases'), { env: cliEnv })).code).toBe(0);
    expect(await profiles(home)).toEqual(IDS);
    const off = await runCli(allRoles(env, '--profile-template', 'off-{alias}-{role}'), { env: { ...cliEnv, AWSFED_ACCOUNT_NAME_LOOKUP: 'false' } });
    expect(off.code).toBe(0);
    expect(samlPosts(signin)).toHaveLength(0);
  });

  it('awsfed_account_aliases overrides the page; when it names every account, no lookup is made', async () => {
    const { env, signin, home, cliEnv } = await setup('client-2023');
    expect((await runCli(allRoles(env, '--account-aliases', '111111111111=mine'), { env: cliEnv })).code).toBe(0);
    expect(await profiles(home)).toEqual(['Dev-Test-ADFS-Developers', 'mine-ADFS-Admins', 'mine-ADFS-ReadOnly']);
    expect(samlPosts(signin)).toHaveLength(1);
    const full = await runCli(allRoles(env, '--account-aliases', '111111111111=a 222222222222=b', '--profile-template', 'x-{alias}-{role}'), {
      env: { ...cliEnv, XDG_CACHE_HOME: join(home.home, 'other-cache') },
    });
    expect(full.code).toBe(0);
    expect(samlPosts(signin)).toHaveLength(1);
  });

  it('makes no lookup on the path of a configured role, nor for a template without {alias}', async () => {
    const { env, signin, cliEnv } = await setup('legacy');
    const one = await runCli(['login', '--idp-url', env.adfs.entryUrl, '--username', DEMO_USER.username, '--no-prompt', '--role', '222222222222/ADFS-Developers'], { env: cliEnv });
    expect(one.code).toBe(0);
    expect((await runCli(allRoles(env, '--profile-template', '{account}-{role}'), { env: cliEnv })).code).toBe(0);
    expect(samlPosts(signin)).toHaveLength(0);
  });

  it('shows the names in the interactive role list of a terminal', async () => {
    // A missing tmux fails here with a message naming it; the test never skips.
    requireTool('tmux');
    const { env, signin, cliEnv } = await setup('markup-2024');
    const t = await startTmux({ command: [process.execPath, BIN, 'login', '--idp-url', env.adfs.entryUrl, '--username', DEMO_USER.username], env: cliEnv });
    cleanups.push(() => t.kill());
    const list = await t.waitFor('the named role list', (s) => /Choose a role/.test(s) && s.includes('ADFS-Developers'));
    expect(list).toContain('gateway-main (111111111111)');
    expect(list).toContain('Dev & Test (222222222222)');
    await t.type('dev test');
    await t.waitFor('the filtered list', (s) => /❯\s+ADFS-Developers/.test(s));
    await t.keys('Enter');
    const screen = await t.waitFor('the program to exit', EXIT_MARK);
    expect(Number(EXIT_MARK.exec(screen)![1]), screen).toBe(0);
    // The answer keeps the form --role accepts, the name after it.
    expect(screen).toMatch(/✔ Choose a role.*: 222222222222\/ADFS-Developers \(Dev & Test\)$/m);
    expect(samlPosts(signin)).toHaveLength(1);
  });

  it('awsfed list and console --switch-links show the cached names, with no lookup of their own', async () => {
    const { env, signin, cliEnv } = await setup('legacy');
    // The gateway profile (saml), configured; its list drawn once by --all-roles caches the names.
    expect((await runCli(['configure', '--idp-url', env.adfs.entryUrl, '--username', DEMO_USER.username], { env: cliEnv })).code).toBe(0);
    expect((await runCli(allRoles(env), { env: cliEnv })).code).toBe(0);
    const added = await runCli(['add', 'dev', '--account', '222222222222', '--role', 'Deployer'], { env: cliEnv });
    expect(added.code, added.stderr).toBe(0);

    const listed = await runCli(['list'], { env: cliEnv });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^dev\s+Dev & Test \(222222222222\)\s+Deployer/m);
    const json = JSON.parse((await runCli(['list', '--json'], { env: cliEnv })).stdout) as Array<{ profile: string; accountName: string | null }>;
    expect(json.find((e) => e.profile === 'dev')?.accountName).toBe('Dev & Test');

    const links = await runCli(['console', '--switch-links'], { env: cliEnv });
    expect(links.code, links.stderr).toBe(0);
    expect(links.stdout).toContain('account=222222222222&roleName=Deployer&displayName=dev%20%28Dev%20%26%20Test%29');
    expect(samlPosts(signin)).toHaveLength(1);
  });

  it('a malformed awsfed_account_aliases fails the login before the IdP is asked', async () => {
    const { env, signin, cliEnv } = await setup('legacy');
    const r = await runCli(['login', '--idp-url', env.adfs.entryUrl, '--username', DEMO_USER.username, '--no-prompt', '--account-aliases', 'prod'], { env: cliEnv });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Account alias "prod" is not ACCOUNT=ALIAS');
    expect(env.adfs.requests).toHaveLength(0);
    expect(samlPosts(signin)).toHaveLength(0);
  });
});
