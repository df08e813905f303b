/**
 * End to end: Windows integrated sign-in with a Kerberos ticket (issue 9 item 2), through the built CLI,
 * against the AD FS emulator whose /adfs/ls/wia checks the SPNEGO token for real (the `kerberos` package
 * as the acceptor, with the service's keytab), in a real MIT Kerberos realm on loopback (test/helpers/kdc.ts)
 * from which `kinit` gets the user's ticket.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USER, startDemoEnvironment } from '../src/emulator/demo-environment.js';
import type { DemoEnvironment } from '../src/emulator/demo-environment.js';
import { makeTempHome, runCli } from './helpers/cli.js';
import type { TempHome } from './helpers/cli.js';
import { setProcessEnv, startTestRealm, type TestRealm } from './helpers/kdc.js';
import { expectNoSecrets } from './helpers/secrets.js';
import { startTestProxy } from './helpers/proxy.js';

const USER_PASSWORD = 'Kerb-Passw0rd!';
const homes: TempHome[] = [];
afterEach(async () => {
  await Promise.all(homes.splice(0).map((h) => h.cleanup()));
});

function kerberosModule(): void {
  // The acceptor side of these tests, and the CLI's initiator, both need the optional native package.
  const found = (() => {
    try {
      return typeof (createRequire(import.meta.url)('kerberos') as { initializeClient?: unknown }).initializeClient === 'function';
    } catch {
      return false;
    }
  })();
  expect(found, 'these tests need the optional `kerberos` package built (npm ci with libkrb5-dev installed)').toBe(true);
}

interface Run {
  home: TempHome;
  code: number;
  stdout: string;
  stderr: string;
}

async function login(env: DemoEnvironment, args: string[], extraEnv: Record<string, string>, input?: string, home?: TempHome): Promise<Run> {
  if (!home) {
    home = await makeTempHome();
    homes.push(home);
  }
  const result = await runCli(['login', '--idp-url', env.adfs.entryUrl, '--no-prompt', '--role', '*ReadOnly', ...args], {
    env: { ...home.env, AWS_ENDPOINT_URL_STS: env.sts.url, ...extraEnv },
    ...(input !== undefined ? { input } : {}),
    timeoutMs: 60_000,
  });
  return { home, ...result };
}

/** Neither the SPNEGO token (base64 of an ASN.1 [APPLICATION 0], "YII...") nor an NTLM message is ever shown. */
function noTokens(stderr: string): void {
  expect(stderr).not.toMatch(/Negotiate [A-Za-z0-9+/=]{20,}/);
  expect(stderr).not.toMatch(/YII[A-Za-z0-9+/]{40,}/);
  expect(stderr).not.toMatch(/TlRMTVNTUA/);
}

describe('Windows integrated sign-in with a Kerberos ticket', () => {
  let realm: TestRealm;
  let env: DemoEnvironment;
  let restore: () => void;
  let ticket: string;
  beforeAll(async () => {
    kerberosModule();
    realm = await startTestRealm({ users: [{ name: 'alice', password: USER_PASSWORD }, { name: 'mallory', password: USER_PASSWORD }], services: ['HTTP/127.0.0.1', 'HTTP/localhost'] });
    restore = setProcessEnv(realm.acceptorEnv);
    env = await startDemoEnvironment({ wia: { domain: 'CORP', kerberos: {} } });
    ticket = realm.kinit('alice', USER_PASSWORD);
  }, 60_000);
  afterAll(async () => {
    await env?.close();
    restore?.();
    await realm?.close();
  });

  it('--auth kerberos signs in with the ticket alone: no user name, no password, one Negotiate request, no token in --debug', async () => {
    const run = await login(env, ['--auth', 'kerberos', '--debug'], { ...realm.env, KRB5CCNAME: ticket });
    expect(run.code, run.stderr).toBe(0);
    expect(await run.home.read('credentials')).toContain('aws_session_token');
    expect(run.stderr).toMatch(/request: GET \S+\/adfs\/ls\/wia -> 302 \(Negotiate \(Kerberos\)\)/);
    expect(run.stderr).not.toMatch(/NTLM/);
    expect(run.stderr).toMatch(/signed in at AD FS with the Kerberos ticket/);
    noTokens(run.stderr);
    expectNoSecrets(run, new Set([USER_PASSWORD]));
  });

  it('the service is the host of --idp-url as written: http://localhost:… asks for HTTP/localhost', async () => {
    const byName = env.adfs.entryUrl.replace('127.0.0.1', 'localhost');
    const home = await makeTempHome();
    homes.push(home);
    const result = await runCli(['login', '--idp-url', byName, '--no-prompt', '--role', '*ReadOnly', '--auth', 'kerberos'], {
      env: { ...home.env, AWS_ENDPOINT_URL_STS: env.sts.url, ...realm.env, KRB5CCNAME: ticket },
      timeoutMs: 60_000,
    });
    expect(result.code, result.stderr).toBe(0);
  });

  it('--auth wia prefers the ticket to NTLM (no password asked although NTLM is offered)', async () => {
    const run = await login(env, ['--auth', 'wia', '--username', 'CORP\\alice', '--debug'], { ...realm.env, KRB5CCNAME: ticket });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/Negotiate \(Kerberos\)/);
    expect(run.stderr).not.toMatch(/NTLM negotiate/);
  });

  it('--auth wia without a ticket falls back to NTLM with the password, and says why in --debug', async () => {
    const run = await login(env, ['--auth', 'wia', '--username', 'CORP\\alice', '--password-stdin', '--debug'], { ...realm.env, KRB5CCNAME: `FILE:${join(realm.dir, 'none')}` }, DEMO_USER.password);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/Kerberos not used \(.*There is no Kerberos ticket.*\); NTLM with the password instead/);
    expect(run.stderr).toMatch(/NTLM authenticate \(type 3\)/);
    noTokens(run.stderr);
  });

  it('--auth wia, no ticket and no password source: the error says why Kerberos did not sign in, and names kinit', async () => {
    const run = await login(env, ['--auth', 'wia', '--username', 'CORP\\alice'], { ...realm.env, KRB5CCNAME: `FILE:${join(realm.dir, 'none')}` });
    expect(run.code, run.stderr).toBe(7);
    expect(run.stderr).toMatch(/--no-prompt/);
    expect(run.stderr).toMatch(/Kerberos could not be used: .*There is no Kerberos ticket/);
    expect(run.stderr).toMatch(/hint: .*kinit/);
  });

  it('--remember-password with a ticket: says the ticket signed in and how to keep a password for NTLM', async () => {
    const run = await login(env, ['--auth', 'kerberos', '--remember-password', '--no-session'], { ...realm.env, KRB5CCNAME: ticket });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/the Kerberos ticket signed in, so no password was asked for/);
    expect(run.stderr).not.toMatch(/--no-session` to type/);
  });

  it('a KDC that accepts and never answers: after the Kerberos limit (10 s) NTLM signs in, with the reason in --debug', async () => {
    // A TGT from the realm, then a krb5.conf whose KDC is a black hole: the service ticket never comes.
    const tgt = realm.kinit('alice', USER_PASSWORD);
    const hole = createServer((socket) => socket.on('data', () => undefined));
    await new Promise<void>((done) => hole.listen(0, '127.0.0.1', done));
    const holeConf = join(realm.dir, 'krb5-black-hole.conf');
    const conf = await readFile(realm.env.KRB5_CONFIG!, 'utf8');
    await writeFile(holeConf, conf.replace(/kdc = 127\.0\.0\.1:\d+/, `kdc = 127.0.0.1:${(hole.address() as AddressInfo).port}`));
    try {
      const home = await makeTempHome();
      homes.push(home);
      // GSSAPI's own retries against it take about 25 s, and Node's exit waits for that call (see withinLimit).
      const result = await runCli(['login', '--idp-url', env.adfs.entryUrl, '--no-prompt', '--role', '*ReadOnly', '--auth', 'wia', '--username', 'CORP\\alice', '--password-stdin', '--debug'], {
        env: { ...home.env, AWS_ENDPOINT_URL_STS: env.sts.url, KRB5_CONFIG: holeConf, KRB5CCNAME: tgt },
        input: DEMO_USER.password,
        timeoutMs: 45_000,
      });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/Kerberos not used \(.*no answer from the KDC within 10 s/);
      expect(result.stderr).toMatch(/NTLM authenticate \(type 3\)/);
    } finally {
      hole.close();
    }
  }, 60_000);

  it('--auth kerberos without a ticket: IDP_WIA_KERBEROS_UNAVAILABLE, exit 3, the hint names kinit', async () => {
    const run = await login(env, ['--auth', 'kerberos'], { ...realm.env, KRB5CCNAME: `FILE:${join(realm.dir, 'none')}` });
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toMatch(/offers Kerberos \(Negotiate\), but awsfed could not get a ticket for HTTP\/127\.0\.0\.1: There is no Kerberos ticket/);
    expect(run.stderr).toMatch(/hint: Get one with `kinit user@REALM`/);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a ticket for a user AD FS does not know: IDP_WIA_KERBEROS_REFUSED under --auth kerberos', async () => {
    const other = realm.kinit('mallory', USER_PASSWORD);
    const run = await login(env, ['--auth', 'kerberos'], { ...realm.env, KRB5CCNAME: other });
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toMatch(/refused the Kerberos ticket for HTTP\/127\.0\.0\.1/);
  });

  it('a second login rides on the IdP session: no Negotiate request at all', async () => {
    const first = await login(env, ['--auth', 'kerberos'], { ...realm.env, KRB5CCNAME: ticket });
    expect(first.code, first.stderr).toBe(0);
    const before = env.adfs.requests.length;
    // The ticket cache is gone: only the saved MSISAuth session can sign this one in.
    const second = await login(env, ['--auth', 'kerberos', '--debug'], { ...realm.env, KRB5CCNAME: `FILE:${join(realm.dir, 'none')}` }, undefined, first.home);
    expect(second.code, second.stderr).toBe(0);
    const paths = env.adfs.requests.slice(before).map((r) => r.path);
    expect(paths.some((p) => /\/adfs\/ls\/wia/i.test(p))).toBe(false);
  });

  it('credential_process signs in again with the ticket, nobody watching (no password source at all)', async () => {
    const home = await makeTempHome();
    homes.push(home);
    const base = { ...home.env, AWS_ENDPOINT_URL_STS: env.sts.url, ...realm.env, KRB5CCNAME: ticket };
    // The method is the profile's (configure --auth), as a user sets it up once.
    const configured = await runCli(['configure', '--profile', 'corp', '--idp-url', env.adfs.entryUrl, '--role', '111111111111/ADFS-Admins', '--region', 'eu-west-1', '--auth', 'Kerberos'], { env: base });
    expect(configured.code, configured.stderr).toBe(0);
    expect(await home.read('config')).toMatch(/awsfed_auth = kerberos/);
    const bad = await runCli(['configure', '--profile', 'corp', '--auth', 'negotiat'], { env: base });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--auth is "negotiat"; expected forms, wia, kerberos or ntlm/);
    const result = await runCli(['credential-process', '--profile', 'corp'], {
      env: base,
      timeoutMs: 60_000,
    });
    expect(result.code, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as { Version: number; AccessKeyId: string };
    expect(out.Version).toBe(1);
    expect(out.AccessKeyId).toMatch(/^ASIA/);
    expect(result.stderr).toBe('');
  });
});

describe('awsfed doctor and Kerberos', () => {
  let realm: TestRealm;
  let env: DemoEnvironment;
  beforeAll(async () => {
    kerberosModule();
    realm = await startTestRealm({ users: [{ name: 'alice', password: USER_PASSWORD }], services: ['HTTP/127.0.0.1'] });
    env = await startDemoEnvironment({ wia: { kerberos: {} } });
  }, 60_000);
  afterAll(async () => {
    await env?.close();
    await realm?.close();
  });

  async function doctorRun(auth: string, ccache: string) {
    const home = await makeTempHome();
    homes.push(home);
    const base = { ...home.env, AWS_ENDPOINT_URL_STS: env.sts.url, ...realm.env, KRB5CCNAME: ccache };
    const configured = await runCli(['configure', '--profile', 'corp', '--idp-url', env.adfs.entryUrl, '--role', '111111111111/ADFS-Admins', '--region', 'eu-west-1'], { env: base });
    expect(configured.code, configured.stderr).toBe(0);
    const result = await runCli(['doctor', '--profile', 'corp', '--json'], { env: { ...base, AWSFED_AUTH: auth }, timeoutMs: 60_000 });
    const report = JSON.parse(result.stdout) as { findings: Array<{ id: string; severity: string; title: string; fix: string | null }> };
    return { result, kerberos: report.findings.filter((f) => f.id === 'kerberos.ticket') };
  }

  it('a ticket for the IdP can be had: ok', async () => {
    const { kerberos } = await doctorRun('kerberos', realm.kinit('alice', USER_PASSWORD));
    expect(kerberos).toHaveLength(1);
    expect(kerberos[0]).toMatchObject({ severity: 'ok' });
    expect(kerberos[0]!.title).toMatch(/HTTP\/127\.0\.0\.1/);
  });

  it('no ticket under --auth kerberos: an error whose fix names kinit, exit 1; under wia a warning', async () => {
    const none = `FILE:${join(realm.dir, 'none')}`;
    const strict = await doctorRun('kerberos', none);
    expect(strict.result.code).toBe(1);
    expect(strict.kerberos[0]).toMatchObject({ severity: 'error' });
    expect(strict.kerberos[0]!.fix).toMatch(/kinit/);
    const lenient = await doctorRun('wia', none);
    expect(lenient.kerberos[0]).toMatchObject({ severity: 'warning' });
  });
});

describe('Kerberos against servers that break it', () => {
  let realm: TestRealm;
  let restore: () => void;
  beforeAll(async () => {
    kerberosModule();
    realm = await startTestRealm({ users: [{ name: 'alice', password: USER_PASSWORD }], services: ['HTTP/127.0.0.1'] });
    restore = setProcessEnv(realm.acceptorEnv);
  }, 60_000);
  afterAll(async () => {
    restore?.();
    await realm?.close();
  });

  it('a server whose final token proves nothing: IDP_WIA_KERBEROS_MUTUAL_FAILED, no credentials written', async () => {
    const env = await startDemoEnvironment({ wia: { kerberos: { mutual: 'forged' } } });
    try {
      const run = await login(env, ['--auth', 'kerberos'], { ...realm.env, KRB5CCNAME: realm.kinit('alice', USER_PASSWORD) });
      expect(run.code, run.stderr).toBe(3);
      expect(run.stderr).toMatch(/did not prove it is HTTP\/127\.0\.0\.1 \(mutual authentication failed\)/);
      await expect(readFile(run.home.credentialsFile, 'utf8')).rejects.toThrow();
    } finally {
      await env.close();
    }
  });

  it('a KDC that knows no such service: says which principal is missing and what to use', async () => {
    const bare = await startTestRealm({ realm: 'BARE.TEST', users: [{ name: 'alice', password: USER_PASSWORD }], services: [] });
    const env = await startDemoEnvironment({ wia: { kerberos: {} } });
    try {
      const run = await login(env, ['--auth', 'kerberos'], { ...bare.env, KRB5CCNAME: bare.kinit('alice', USER_PASSWORD) });
      expect(run.code, run.stderr).toBe(3);
      expect(run.stderr).toMatch(/The KDC knows no service HTTP\/127\.0\.0\.1/);
      expect(run.stderr).toMatch(/hint: Use the AD FS host name its SPN is registered under/);
    } finally {
      await env.close();
      await bare.close();
    }
  });

  it('Negotiate only, no ticket, --auth wia: says there is no ticket and what works instead', async () => {
    const env = await startDemoEnvironment({ wia: { negotiateOnly: true, kerberos: {} } });
    try {
      const run = await login(env, ['--auth', 'wia', '--username', 'CORP\\alice', '--password-stdin'], { ...realm.env, KRB5CCNAME: `FILE:${join(realm.dir, 'none')}` }, DEMO_USER.password);
      expect(run.code, run.stderr).toBe(3);
      expect(run.stderr).toMatch(/There is no Kerberos ticket/);
      expect(run.stderr).toMatch(/hint: Get one with `kinit user@REALM`/);
    } finally {
      await env.close();
    }
  });
});

describe('Kerberos to an https AD FS through a CONNECT proxy', () => {
  it('signs in with the ticket through the tunnel, the certificate verified with the CA bundle', async () => {
    kerberosModule();
    const realm = await startTestRealm({ users: [{ name: 'alice', password: USER_PASSWORD }], services: ['HTTP/127.0.0.1'] });
    const restore = setProcessEnv(realm.acceptorEnv);
    const env = await startDemoEnvironment({ wia: { kerberos: {} }, https: true });
    const proxy = await startTestProxy();
    try {
      const home = await makeTempHome();
      homes.push(home);
      const caFile = join(home.home, 'corp-ca.pem');
      await writeFile(caFile, env.ca!.ca.certPem);
      const run = await login(env, ['--auth', 'kerberos', '--ca-bundle', caFile], { ...realm.env, KRB5CCNAME: realm.kinit('alice', USER_PASSWORD), HTTPS_PROXY: proxy.url }, undefined, home);
      expect(run.code, run.stderr).toBe(0);
      expect(proxy.tunnels).toContain(new URL(env.adfs.entryUrl).host);
    } finally {
      await proxy.close();
      await env.close();
      restore();
      await realm.close();
    }
  }, 60_000);
});

describe('credential_process under --auth wia without a ticket', () => {
  it('needs a person: exit 7, one line that names both ways out (kinit, or awsfed login)', async () => {
    const env = await startDemoEnvironment({ wia: { kerberos: {} } });
    try {
      const home = await makeTempHome();
      homes.push(home);
      const base = { ...home.env, AWS_ENDPOINT_URL_STS: env.sts.url, AWSFED_AUTH: 'wia' };
      const configured = await runCli(['configure', '--profile', 'corp', '--idp-url', env.adfs.entryUrl, '--username', 'CORP\\alice', '--role', '111111111111/ADFS-Admins', '--region', 'eu-west-1'], { env: base });
      expect(configured.code, configured.stderr).toBe(0);
      const result = await runCli(['credential-process', '--profile', 'corp'], { env: base, timeoutMs: 60_000 });
      expect(result.code, result.stderr).toBe(7);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/corp needs a Kerberos ticket \(there is none\): run `kinit`, or `awsfed login --profile corp`/);
      // The same under --auth kerberos (no NTLM to fall back to).
      const strict = await runCli(['credential-process', '--profile', 'corp'], { env: { ...base, AWSFED_AUTH: 'kerberos' }, timeoutMs: 60_000 });
      expect(strict.code, strict.stderr).toBe(7);
      expect(strict.stderr.trim().split('\n')).toHaveLength(1);
      // A plain login would fail the same way under kerberos: the way in without a ticket is NTLM.
      expect(strict.stderr).toMatch(/needs a Kerberos ticket \(there is none\): run `kinit`, or `awsfed login --profile corp --auth ntlm`/);
    } finally {
      await env.close();
    }
  });
});
