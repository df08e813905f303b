/**
 * awsfed doctor through the built CLI, against servers on 127.0.0.1 started here: an IdP whose Date
 * header says what the test wants, over TLS with a certificate from a test CA (trusted through
 * AWS_CA_BUNDLE, or not) or a self-signed one, and an STS endpoint that is down.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSelfSignedIdentity, createTestCa, type TestCa } from '../src/emulator/certs.js';
import { listenOnLoopback, type LoopbackServer } from '../src/emulator/loopback-server.js';
import { explain, makeTempHome, runCli, type TempHome } from './helpers/cli.js';
import { startTestProxy, type TestProxy } from './helpers/proxy.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const TOKEN = 'FwoGZXIvYXdzEXAMPLESESSIONTOKENdoctor';

interface Finding {
  id: string;
  severity: string;
  title: string;
  detail: string;
  fix: string | null;
}

let ca: TestCa;
let skewMs = 0;
let idp: LoopbackServer;
let selfSignedIdp: LoopbackServer;
let sts: LoopbackServer;
let downSts: string;
let home: TempHome;
let caFile: string;

const answer = (_req: unknown, res: import('node:http').ServerResponse) => {
  res.writeHead(200, { date: new Date(Date.now() + skewMs).toUTCString(), 'content-type': 'text/html' });
  res.end('<html><title>Sign In</title></html>');
};

beforeAll(async () => {
  ca = createTestCa();
  idp = await listenOnLoopback(answer, ca.issueServerCert(['127.0.0.1']));
  selfSignedIdp = await listenOnLoopback(answer, createSelfSignedIdentity('127.0.0.1'));
  sts = await listenOnLoopback((_req, res) => res.end(), ca.issueServerCert(['127.0.0.1']));
  const closed = await listenOnLoopback(() => undefined);
  downSts = closed.origin;
  await closed.close();
});
afterAll(async () => {
  await Promise.all([idp?.close(), selfSignedIdp?.close(), sts?.close()]);
});

beforeEach(async () => {
  skewMs = 0;
  home = await makeTempHome();
  caFile = join(home.home, 'ca.pem');
  await writeFile(caFile, ca.ca.certPem);
});
afterEach(() => home.cleanup());

async function files(config: string, credentials = `[saml]\naws_access_key_id = ASIAEXAMPLE1234\naws_secret_access_key = ${SECRET}\naws_session_token = ${TOKEN}\n`) {
  await writeFile(home.configFile, config, { mode: 0o600 });
  await writeFile(home.credentialsFile, credentials, { mode: 0o600 });
}
const gateway = (idpOrigin: string) => `[profile saml]\nawsfed_idp_url = ${idpOrigin}/adfs/ls/IdpInitiatedSignOn.aspx\nregion = eu-west-1\n`;

async function doctorJson(env: Record<string, string>, ...args: string[]) {
  const r = await runCli(['doctor', '--json', ...args], { env: { ...home.env, ...env }, timeoutMs: 30000 });
  let parsed: { version: number; profile: string; ok: boolean; findings: Finding[] };
  try {
    parsed = JSON.parse(r.stdout);
  } catch {
    throw new Error(`stdout is not JSON\n${explain(r)}`);
  }
  const by = (id: string) => parsed.findings.filter((f) => f.id === id);
  return { r, report: parsed, by, errors: parsed.findings.filter((f) => f.severity === 'error').map((f) => f.id) };
}

describe('awsfed doctor (built CLI)', () => {
  it('healthy: IdP trusted through AWS_CA_BUNDLE, clock in step, STS up: exit 0, and the --json shape', async () => {
    await files(gateway(idp.origin));
    const { r, report, by, errors } = await doctorJson({ AWS_CA_BUNDLE: caFile, AWS_ENDPOINT_URL_STS: sts.origin });
    expect(r.code, explain(r)).toBe(0);
    expect(errors).toEqual([]);
    expect(report).toMatchObject({ version: 1, profile: 'saml', ok: true });
    for (const f of report.findings) {
      expect(Object.keys(f).sort()).toEqual(['detail', 'fix', 'id', 'severity', 'title']);
      expect(['error', 'warning', 'info', 'ok']).toContain(f.severity);
    }
    expect(by('idp.tls')[0]).toMatchObject({ severity: 'ok' });
    expect(by('idp.tls')[0]?.title).toContain('awsfed test CA');
    expect(by('tls.ca-bundle')[0]?.title).toContain('AWS_CA_BUNDLE');
    expect(by('clock.skew')[0]).toMatchObject({ severity: 'ok' });
    expect(by('sts.reachable')[0]).toMatchObject({ severity: 'ok' });
    expect(r.stderr).toBe('');
  });

  it('a clock 10 minutes off the IdP Date header, and an STS endpoint that is down: exit 1 with both errors', async () => {
    skewMs = -10 * 60 * 1000;
    await files(gateway(idp.origin));
    const { r, by, errors } = await doctorJson({ AWS_CA_BUNDLE: caFile, AWS_ENDPOINT_URL_STS: downSts });
    expect(r.code, explain(r)).toBe(1);
    expect(errors.sort()).toEqual(['clock.skew', 'sts.reachable']);
    expect(by('clock.skew')[0]?.title).toMatch(/clock is 6\d\d s ahead of the IdP/);
    expect(by('sts.reachable')[0]?.title).toContain('ECONNREFUSED');
    expect(r.stderr).toContain('awsfed doctor found 2 problems');
  });

  it('a clock 3 minutes off is a warning only: exit 0', async () => {
    skewMs = 3 * 60 * 1000;
    await files(gateway(idp.origin));
    const { r, by } = await doctorJson({ AWS_CA_BUNDLE: caFile, AWS_ENDPOINT_URL_STS: sts.origin });
    expect(r.code, explain(r)).toBe(0);
    expect(by('clock.skew')[0]?.severity).toBe('warning');
  });

  it('the test CA without AWS_CA_BUNDLE, and a self-signed IdP: untrusted, with the issuer and the fix', async () => {
    await files(gateway(idp.origin));
    const a = await doctorJson({ AWS_ENDPOINT_URL_STS: sts.origin });
    expect(a.r.code, explain(a.r)).toBe(1);
    expect(a.by('idp.tls')[0]).toMatchObject({ severity: 'error' });
    expect(a.by('idp.tls')[0]?.detail).toContain('issued by awsfed test CA');
    expect(a.by('idp.tls')[0]?.fix).toContain('AWS_CA_BUNDLE');
    expect(a.by('tls.ca-bundle')[0]?.title).toContain("Node's built-in roots");

    await files(gateway(selfSignedIdp.origin));
    const b = await doctorJson({ AWS_CA_BUNDLE: caFile, AWS_ENDPOINT_URL_STS: sts.origin });
    expect(b.r.code, explain(b.r)).toBe(1);
    expect(b.by('idp.tls')[0]?.title).toMatch(/not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED/);
  });

  it('crafted files: what the AWS CLI refuses, loops, chained durations, shadowing keys; no secret in the output', async () => {
    const config = `${gateway(idp.origin)}[profile prod]\nrole_arn = arn:aws:iam::222222222222:role/Dev\nsource_profile = saml\nduration_seconds = 7200\n[profile x]\nsource_profile = y\n[profile y]\nsource_profile = x\n[profile prod]\nregion = eu-west-1\n`;
    const credentials = `[saml]\naws_access_key_id = ASIAEXAMPLE1234\naws_secret_access_key = ${SECRET}\naws_session_token = ${TOKEN}\naws_security_token = ${TOKEN}old\n[prod]\naws_access_key_id = AKIALONGTERM9999\naws_secret_access_key = ${SECRET}\naws_secret_access_key = ${SECRET}\n${SECRET}\n`;
    await files(config, credentials);
    const { r, errors } = await doctorJson({}, '--offline');
    expect(r.code, explain(r)).toBe(1);
    expect(errors.sort()).toEqual(
      [
        'config.duplicate-section',
        'credentials.duplicate-key',
        'credentials.unparseable-line',
        'credentials.awsfed-parse',
      ].sort(),
    );
    // Once awsfed can read the credentials file, the profile checks run too.
    const readable = `[saml]\naws_access_key_id = ASIAEXAMPLE1234\naws_secret_access_key = ${SECRET}\naws_session_token = ${TOKEN}\naws_security_token = ${TOKEN}old\n[prod]\naws_access_key_id = AKIALONGTERM9999\naws_secret_access_key = ${SECRET}\n`;
    await files(config, readable);
    const second = await doctorJson({}, '--offline');
    expect(second.errors.sort()).toEqual(
      ['config.duplicate-section', 'credentials.security-token-differs', 'profile.chained-duration', 'profile.keys-shadow-role', 'profile.source-loop'].sort(),
    );
    const text = await runCli(['doctor', '--offline'], { env: home.env });
    for (const out of [r.stdout, r.stderr, second.r.stdout, text.stdout, text.stderr]) {
      expect(out).not.toContain(SECRET);
      expect(out).not.toContain(TOKEN);
    }
    expect(text.stdout).toContain('fix: merge the two [profile prod] sections');
  });

  it('permissions: a credentials file others can read is an error with chmod 600', async () => {
    await files(gateway(idp.origin));
    const { chmod } = await import('node:fs/promises');
    await chmod(home.credentialsFile, 0o644);
    const { r, by } = await doctorJson({}, '--offline');
    expect(r.code, explain(r)).toBe(1);
    expect(by('permissions.credentials.mode')[0]?.fix).toBe(`chmod 600 ${home.credentialsFile}`);
  });

  it('the proxy in force is shown without its user name or password', async () => {
    await files(gateway(idp.origin));
    const { r, by } = await doctorJson({ HTTPS_PROXY: `http://alice:${encodeURIComponent(SECRET)}@proxy.corp.example:3128`, NO_PROXY: '127.0.0.1' }, '--offline');
    expect(by('proxy')[0]?.title).toBe('Proxy in force: http://proxy.corp.example:3128 for https (from HTTPS_PROXY); NO_PROXY: 127.0.0.1');
    // Not percent-encoded, the "/" in the password ends the host: the login refuses the URL, and so does the doctor.
    const raw = await doctorJson({ HTTPS_PROXY: `http://alice:${SECRET}@proxy.corp.example:3128` }, '--offline');
    expect(raw.r.code, explain(raw.r)).toBe(1);
    expect(raw.by('proxy')[0]).toMatchObject({ severity: 'error', title: 'HTTPS_PROXY is not a proxy URL' });
    for (const out of [r.stdout, r.stderr, raw.r.stdout, raw.r.stderr]) {
      expect(out).not.toContain('alice');
      expect(out).not.toContain(SECRET);
      expect(out).not.toContain(encodeURIComponent(SECRET));
    }
  });
});

describe('awsfed doctor behind a proxy (built CLI)', () => {
  let proxy: TestProxy | undefined;
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });
  const PROXY_PASSWORD = 'Pr0xy-S3cret!pw';
  const hostOf = (origin: string) => new URL(origin).host;
  const noSecret = (...outs: string[]) => {
    for (const out of outs) {
      expect(out).not.toContain(PROXY_PASSWORD);
      expect(out).not.toContain(encodeURIComponent(PROXY_PASSWORD));
      expect(out).not.toContain('alice');
    }
  };

  it('HTTPS_PROXY: the IdP and STS are probed through the proxy (CONNECT tunnels), the IdP chain still inspected; exit 0', async () => {
    proxy = await startTestProxy();
    await files(gateway(idp.origin));
    const { r, by, errors } = await doctorJson({ AWS_CA_BUNDLE: caFile, AWS_ENDPOINT_URL_STS: sts.origin, HTTPS_PROXY: proxy.url });
    expect(r.code, explain(r)).toBe(0);
    expect(errors).toEqual([]);
    expect([...proxy.tunnels].sort()).toEqual([hostOf(idp.origin), hostOf(sts.origin)].sort());
    expect(by('idp.reachable')[0]?.title).toContain(`through the proxy ${proxy.url} (from HTTPS_PROXY)`);
    expect(by('sts.reachable')[0]?.title).toContain(`through the proxy ${proxy.url} (from HTTPS_PROXY)`);
    expect(by('idp.tls')[0]).toMatchObject({ severity: 'ok' });
    expect(by('idp.tls')[0]?.title).toContain('awsfed test CA');
    expect(by('clock.skew')[0]).toMatchObject({ severity: 'ok' });
  });

  it('a proxy that needs credentials: with the right ones it works, the password never shown', async () => {
    proxy = await startTestProxy({ auth: { user: 'alice', password: PROXY_PASSWORD } });
    await files(gateway(idp.origin));
    const url = `http://alice:${encodeURIComponent(PROXY_PASSWORD)}@127.0.0.1:${proxy.port}`;
    const { r, errors } = await doctorJson({ AWS_CA_BUNDLE: caFile, AWS_ENDPOINT_URL_STS: sts.origin, HTTPS_PROXY: url });
    expect(r.code, explain(r)).toBe(0);
    expect(errors).toEqual([]);
    expect(proxy.tunnels).toHaveLength(2);
    noSecret(r.stdout, r.stderr);
  });

  it('a proxy that asks for authentication, or refuses the given credentials: a proxy finding with the fix, not "IdP unreachable"', async () => {
    proxy = await startTestProxy({ auth: { user: 'alice', password: 'the-right-one' } });
    await files(gateway(idp.origin));
    const none = await doctorJson({ AWS_CA_BUNDLE: caFile, AWS_ENDPOINT_URL_STS: sts.origin, HTTPS_PROXY: proxy.url });
    expect(none.r.code, explain(none.r)).toBe(1);
    expect(none.errors).toEqual(['proxy.connect', 'proxy.connect']);
    const f = none.by('proxy.connect')[0]!;
    expect(f.title).toContain(`proxy ${proxy.url} (from HTTPS_PROXY) asks for authentication`);
    expect(f.fix).toContain('http://USER:PASSWORD@HOST:PORT');
    expect(proxy.authFailures).toBe(2);

    const wrong = await doctorJson({ AWS_CA_BUNDLE: caFile, AWS_ENDPOINT_URL_STS: sts.origin, HTTPS_PROXY: `http://alice:${encodeURIComponent(PROXY_PASSWORD)}@127.0.0.1:${proxy.port}` });
    expect(wrong.r.code, explain(wrong.r)).toBe(1);
    expect(wrong.errors).toEqual(['proxy.connect', 'proxy.connect']);
    expect(wrong.by('proxy.connect')[0]?.title).toContain(`proxy http://127.0.0.1:${proxy.port} (from HTTPS_PROXY) refused its credentials`);
    const text = await runCli(['doctor'], { env: { ...home.env, AWS_CA_BUNDLE: caFile, AWS_ENDPOINT_URL_STS: sts.origin, HTTPS_PROXY: `http://alice:${encodeURIComponent(PROXY_PASSWORD)}@127.0.0.1:${proxy.port}` }, timeoutMs: 30000 });
    expect(text.code, explain(text)).toBe(1);
    expect(text.stdout).toContain('fix: Check the user name and password in HTTPS_PROXY');
    noSecret(wrong.r.stdout, wrong.r.stderr, text.stdout, text.stderr);
  });

  it('a proxy that refuses the CONNECT (403): a proxy finding naming the proxy and NO_PROXY as a fix', async () => {
    proxy = await startTestProxy({ refuse: () => true });
    await files(gateway(idp.origin));
    const { r, by, errors } = await doctorJson({ AWS_CA_BUNDLE: caFile, AWS_ENDPOINT_URL_STS: sts.origin, HTTPS_PROXY: proxy.url });
    expect(r.code, explain(r)).toBe(1);
    expect(errors).toEqual(['proxy.connect', 'proxy.connect']);
    expect(by('proxy.connect').map((f) => f.title).sort()).toEqual(
      [`The proxy ${proxy.url} (from HTTPS_PROXY) refused to connect to ${hostOf(idp.origin)} (HTTP 403)`, `The proxy ${proxy.url} (from HTTPS_PROXY) refused to connect to ${hostOf(sts.origin)} (HTTP 403)`].sort(),
    );
    expect(by('proxy.connect')[0]?.fix).toContain('NO_PROXY');
    expect(proxy.refusals).toBe(2);
  });

  it('a proxy that cannot be reached: one finding naming it (redacted), not "IdP unreachable"', async () => {
    const closed = await startTestProxy();
    const port = closed.port;
    await closed.close();
    await files(gateway(idp.origin));
    const { r, by, errors } = await doctorJson({ AWS_CA_BUNDLE: caFile, AWS_ENDPOINT_URL_STS: sts.origin, HTTPS_PROXY: `http://alice:${encodeURIComponent(PROXY_PASSWORD)}@127.0.0.1:${port}` });
    expect(r.code, explain(r)).toBe(1);
    expect(errors).toEqual(['proxy.connect']);
    expect(by('proxy.connect')[0]?.title).toBe(`Cannot reach the proxy http://127.0.0.1:${port} (from HTTPS_PROXY) (ECONNREFUSED)`);
    noSecret(r.stdout, r.stderr);
  });

  it('NO_PROXY naming 127.0.0.1: the probes go direct (the proxy sees nothing) and say so', async () => {
    proxy = await startTestProxy();
    await files(gateway(idp.origin));
    const { r, by, errors } = await doctorJson({ AWS_CA_BUNDLE: caFile, AWS_ENDPOINT_URL_STS: sts.origin, HTTPS_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' });
    expect(r.code, explain(r)).toBe(0);
    expect(errors).toEqual([]);
    expect(proxy.tunnels).toEqual([]);
    expect(proxy.forwarded).toEqual([]);
    expect(by('idp.reachable')[0]?.title).toContain('directly (NO_PROXY names it)');
    expect(by('sts.reachable')[0]?.title).toContain('directly (NO_PROXY names it)');
  });

  it('STS down behind a working proxy is "STS unreachable through the proxy", not a proxy problem', async () => {
    proxy = await startTestProxy();
    await files(gateway(idp.origin));
    const down = `https://${hostOf(downSts)}`;
    const { r, by, errors } = await doctorJson({ AWS_CA_BUNDLE: caFile, AWS_ENDPOINT_URL_STS: down, HTTPS_PROXY: proxy.url });
    expect(r.code, explain(r)).toBe(1);
    expect(errors).toEqual(['sts.reachable']);
    expect(by('sts.reachable')[0]?.title).toContain(`through the proxy ${proxy.url} (from HTTPS_PROXY)`);
  });
});
