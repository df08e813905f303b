/**
 * Corporate proxies (issue 9, item 3), through the built CLI: the IdP (https, its CA given) and STS
 * (http emulator) reached through a real proxy on 127.0.0.1 that the test starts and that counts what it
 * carried; NO_PROXY; a proxy that refuses, one that asks for credentials, one that is not there.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ROLES, DEMO_USER, startDemoEnvironment } from '../src/emulator/demo-environment.js';
import type { DemoEnvironment } from '../src/emulator/demo-environment.js';
import { startSigninEmulator, stsSessionValidator } from '../src/emulator/signin.js';
import type { SigninEmulator } from '../src/emulator/signin.js';
import { parseIni } from '../src/ini/document.js';
import { makeTempHome, runCli } from './helpers/cli.js';
import type { RunResult, TempHome } from './helpers/cli.js';
import { startTestProxy } from './helpers/proxy.js';
import type { TestProxy } from './helpers/proxy.js';
import { expectNoSecrets } from './helpers/secrets.js';

const PASSWORD = DEMO_USER.password;
const READ_ONLY = DEMO_ROLES[1]!;
const PROXY_USER = 'proxyuser';
const PROXY_PASSWORD = 'pr0xy-s3cret-pw';

let env: DemoEnvironment;
let caHome: TempHome;
let caFile: string;
const homes: TempHome[] = [];
const proxies: TestProxy[] = [];

beforeAll(async () => {
  env = await startDemoEnvironment({ variant: 'adfs3', https: true });
  caHome = await makeTempHome();
  caFile = join(caHome.home, 'corp-ca.pem');
  await writeFile(caFile, env.ca!.ca.certPem);
});
afterAll(async () => {
  try {
    await env?.close();
  } finally {
    await caHome?.cleanup();
  }
});
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  await Promise.all(homes.splice(0).map((h) => h.cleanup()));
});

async function proxy(options: Parameters<typeof startTestProxy>[0] = {}): Promise<TestProxy> {
  const p = await startTestProxy(options);
  proxies.push(p);
  return p;
}

async function home(): Promise<TempHome> {
  const h = await makeTempHome();
  homes.push(h);
  return h;
}

const adfsHost = (): string => new URL(env.adfs.entryUrl).host;
const stsHost = (): string => new URL(env.sts.url).host;

function login(h: TempHome, extraEnv: Record<string, string>, extraArgs: string[] = []): Promise<RunResult> {
  return runCli(['login', '--idp-url', env.adfs.entryUrl, '--username', DEMO_USER.username, '--role', '*ReadOnly', '--no-prompt', '--ca-bundle', caFile, ...extraArgs], {
    env: { ...h.env, AWS_ENDPOINT_URL_STS: env.sts.url, AWSFED_PASSWORD: PASSWORD, ...extraEnv },
  });
}

async function expectLoggedIn(h: TempHome, result: RunResult): Promise<void> {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const section = parseIni(await h.read('credentials'), h.credentialsFile).getSection('saml');
  expect(section?.x_principal_arn).toContain(READ_ONLY.roleArn.split(':role/')[1]);
  expectNoSecrets(result, [PASSWORD, section!.aws_secret_access_key!, section!.aws_session_token!]);
}

/** A port on 127.0.0.1 with nothing listening (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('through a proxy', () => {
  it('HTTPS_PROXY and HTTP_PROXY: the IdP through CONNECT tunnels (its certificate verified with the CA bundle), STS forwarded', async () => {
    const p = await proxy();
    const h = await home();
    const result = await login(h, { HTTPS_PROXY: p.url, HTTP_PROXY: p.url });
    await expectLoggedIn(h, result);
    expect(p.tunnels.length).toBeGreaterThan(0);
    expect(new Set(p.tunnels)).toEqual(new Set([adfsHost()]));
    expect(p.forwarded.some((u) => new URL(u).host === stsHost())).toBe(true);
  });

  // One kept-alive agent per proxy for the run: an agent per request opened a new tunnel (and a TLS
  // handshake in it) for every page of the sign-in.
  it('a forms sign-in opens one CONNECT tunnel to the IdP for all its requests', async () => {
    const p = await proxy();
    const h = await home();
    const result = await login(h, { HTTPS_PROXY: p.url }, ['--debug']);
    expect(result.code, result.stderr).toBe(0);
    const idpRequests = result.stderr.split('\n').filter((line) => line.startsWith(`debug: request: `) && line.includes(` ${adfsHost()}/`));
    expect(idpRequests.length).toBeGreaterThan(1);
    expect(p.tunnels).toEqual([adfsHost()]);
  });

  it('lower-case https_proxy wins over HTTPS_PROXY', async () => {
    const used = await proxy();
    const h = await home();
    const result = await login(h, { https_proxy: used.url, HTTPS_PROXY: `http://127.0.0.1:${await closedPort()}` });
    await expectLoggedIn(h, result);
    expect(used.tunnels.length).toBeGreaterThan(0);
  });

  it('--proxy (and awsfed_proxy) carry every request, http and https alike', async () => {
    const p = await proxy();
    const h = await home();
    // The standard variables point nowhere: only awsfed's setting (and no library reading them) is used.
    const nowhere = `http://127.0.0.1:${await closedPort()}`;
    const result = await login(h, { HTTPS_PROXY: nowhere, https_proxy: nowhere, HTTP_PROXY: nowhere, http_proxy: nowhere }, ['--proxy', p.url]);
    await expectLoggedIn(h, result);
    expect(p.tunnels).toContain(adfsHost());
    expect(p.forwarded.some((u) => new URL(u).host === stsHost())).toBe(true);

    const q = await proxy();
    const h2 = await home();
    await mkdir(dirname(h2.configFile), { recursive: true });
    await writeFile(h2.configFile, `[profile saml]\nawsfed_proxy = ${q.url}\n`);
    await expectLoggedIn(h2, await login(h2, {}));
    expect(q.tunnels).toContain(adfsHost());
  });

  it('a loopback target goes through the proxy unless NO_PROXY names it (host, host:port, CIDR)', async () => {
    const p = await proxy();
    for (const noProxy of ['127.0.0.1', `127.0.0.1:${new URL(env.adfs.entryUrl).port}`, '127.0.0.0/8', '*']) {
      const h = await home();
      const before = p.tunnels.length;
      const result = await login(h, { HTTPS_PROXY: p.url, NO_PROXY: noProxy });
      await expectLoggedIn(h, result);
      expect(p.tunnels.length, `NO_PROXY=${noProxy}`).toBe(before);
    }
    // A port that is not the IdP's: the IdP still goes through the proxy.
    const h = await home();
    await expectLoggedIn(h, await login(h, { HTTPS_PROXY: p.url, no_proxy: '127.0.0.1:1' }));
    expect(p.tunnels).toContain(adfsHost());
  });
});

describe('proxy failures', () => {
  it('a proxy that refuses the tunnel (403): exit 3, PROXY_REFUSED naming the proxy and HTTPS_PROXY, nothing written', async () => {
    const p = await proxy({ refuse: () => true });
    const h = await home();
    const result = await login(h, { HTTPS_PROXY: p.url });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(new RegExp(`^awsfed: The proxy ${escape(p.url)} \\(from HTTPS_PROXY\\) refused to connect to 127\\.0\\.0\\.1:\\d+ \\(HTTP 403\\)`, 'm'));
    expect(result.stderr).toMatch(/hint: .*NO_PROXY/);
    expect(p.refusals).toBeGreaterThan(0);
    await expect(h.read('credentials')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a proxy that needs Basic auth: right credentials pass (sent as Proxy-Authorization), none or wrong ones end in PROXY_AUTH_REQUIRED; the password is never printed', async () => {
    const p = await proxy({ auth: { user: PROXY_USER, password: PROXY_PASSWORD } });
    const withAuth = `http://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:${p.port}`;

    const ok = await home();
    // DEBUG=* as some users have it set: the proxy agents' own `debug` logging printed the proxy URL with
    // its password (and, for http targets, the whole forwarded request); awsfed's bundle silences it.
    const good = await login(ok, { HTTPS_PROXY: withAuth, HTTP_PROXY: withAuth, DEBUG: '*' }, ['--debug']);
    expect(good.code, good.stderr).toBe(0);
    expect(p.tunnels).toContain(adfsHost());
    expect(p.authorizations).toContain(`Basic ${Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64')}`);
    expect(good.stderr).toContain(`through http://127.0.0.1:${p.port} (from HTTPS_PROXY)`);
    expectNoSecrets(good, [PROXY_PASSWORD, PASSWORD, Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64')]);

    const none = await login(await home(), { HTTPS_PROXY: p.url }, ['--debug']);
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(new RegExp(`^awsfed: The proxy ${escape(p.url)} \\(from HTTPS_PROXY\\) asks for authentication`, 'm'));
    expect(none.stderr).toMatch(/hint: Put the proxy user name and password in HTTPS_PROXY/);

    const wrong = await login(await home(), { HTTPS_PROXY: `http://${PROXY_USER}:not-${PROXY_PASSWORD}@127.0.0.1:${p.port}` }, ['--debug']);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(new RegExp(`^awsfed: The proxy ${escape(p.url)} \\(from HTTPS_PROXY\\) refused its credentials`, 'm'));
    expectNoSecrets(wrong, [PROXY_PASSWORD, `not-${PROXY_PASSWORD}`]);

    // Plain http STS through the same proxy, without credentials: the proxy's 407 is no STS answer.
    const sts = await login(await home(), { HTTPS_PROXY: withAuth, HTTP_PROXY: p.url });
    expect(sts.code).toBe(5);
    expect(sts.stderr).toMatch(new RegExp(`^awsfed: The proxy ${escape(p.url)} \\(from HTTP_PROXY\\) asks for authentication.*on the way to STS`, 'm'));
    expectNoSecrets(sts, [PROXY_PASSWORD]);
  });

  it('a proxy that is not there: PROXY_UNREACHABLE naming it and where it was set (--proxy), not the IdP', async () => {
    const port = await closedPort();
    const result = await login(await home(), {}, ['--proxy', `http://someone:${PROXY_PASSWORD}@127.0.0.1:${port}`]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(new RegExp(`^awsfed: Cannot reach the proxy http://127\\.0\\.0\\.1:${port} \\(from --proxy\\) \\(ECONNREFUSED\\)`, 'm'));
    expectNoSecrets(result, [PROXY_PASSWORD]);
  });

  it('a proxy that never answers CONNECT: the sign-in deadline ends it (exit 3) and the process exits', async () => {
    const p = await proxy({ silent: true });
    const result = await login(await home(), { HTTPS_PROXY: p.url }, ['--timeout', '2s']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^awsfed: .*(did not|within|took longer)/m);
    expect(result.stderr).toMatch(/hint: /);
  });

  it('a proxy URL that is not one: exit 2, PROXY_INVALID, the text (it may hold a password) not echoed', async () => {
    const result = await login(await home(), { HTTPS_PROXY: `socks5://u:${PROXY_PASSWORD}@127.0.0.1:1080` });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^awsfed: HTTPS_PROXY is a socks5 URL/m);
    expectNoSecrets(result, [PROXY_PASSWORD]);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

describe('console and chained profiles through the proxy', () => {
  const DEV_ROLE = 'arn:aws:iam::222222222222:role/Admins';
  let world: DemoEnvironment;
  let signin: SigninEmulator;
  let h: TempHome;
  const cli = (extra: Record<string, string>) => ({ ...h.env, AWS_ENDPOINT_URL_STS: world.sts.url, AWSFED_SIGNIN_ENDPOINT: signin.url, ...extra });

  beforeAll(async () => {
    world = await startDemoEnvironment({ stsRoles: [{ roleArn: DEV_ROLE }] });
    signin = await startSigninEmulator({ validateSession: stsSessionValidator(world.sts) });
    h = await makeTempHome();
    const login = await runCli(['login', '--idp-url', world.adfs.entryUrl, '--username', DEMO_USER.username, '--role', '*ReadOnly', '--no-prompt'], {
      env: cli({ AWSFED_PASSWORD: PASSWORD }),
    });
    expect(login.code, login.stderr).toBe(0);
    await writeFile(h.configFile, `${await h.read('config')}\n[profile dev]\nrole_arn = ${DEV_ROLE}\nsource_profile = saml\n`);
  });
  afterAll(async () => {
    await signin?.close();
    await world?.close();
    await h?.cleanup();
  });

  it('console --print: getSigninToken goes through HTTP_PROXY', async () => {
    const p = await proxy();
    const r = await runCli(['console', '--print'], { env: cli({ HTTP_PROXY: p.url }) });
    expect(r.code, r.stderr).toBe(0);
    expect(p.forwarded.some((u) => new URL(u).host === new URL(signin.url).host && new URL(u).pathname === '/federation')).toBe(true);
    // The forwarded URL carries the session keys: that is the proxy's view, never awsfed's output.
    expect(r.stderr).toBe('');
  });

  it('console --print: a proxy asking for credentials is a typed error naming it, not an endpoint refusal', async () => {
    const p = await proxy({ auth: { user: PROXY_USER, password: PROXY_PASSWORD } });
    const r = await runCli(['console', '--print'], { env: cli({ HTTP_PROXY: p.url }) });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(new RegExp(`^awsfed: The proxy ${escape(p.url)} \\(from HTTP_PROXY\\) asks for authentication.*federation endpoint`, 'm'));
  });

  it('login --chain --proxy: the sign-in, its AssumeRoleWithSAML and the hop\'s AssumeRole all go through it', async () => {
    const p = await proxy();
    const r = await runCli(['login', '--idp-url', world.adfs.entryUrl, '--username', DEMO_USER.username, '--role', '*ReadOnly', '--no-prompt', '--chain', '--proxy', p.url], {
      env: cli({ AWSFED_PASSWORD: PASSWORD }),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(p.forwarded.some((u) => new URL(u).host === new URL(world.adfs.entryUrl).host)).toBe(true);
    const stsRequests = p.forwarded.filter((u) => new URL(u).host === new URL(world.sts.url).host);
    expect(stsRequests.length).toBeGreaterThanOrEqual(2);
  });

  it('refresh of a chained profile: AssumeRole goes through the proxy of the environment', async () => {
    const p = await proxy();
    const r = await runCli(['refresh', 'dev'], { env: cli({ HTTP_PROXY: p.url }) });
    expect(r.code, r.stderr).toBe(0);
    expect(p.forwarded.some((u) => new URL(u).host === new URL(world.sts.url).host)).toBe(true);
  });
});
