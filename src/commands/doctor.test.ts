import { describe, expect, it } from 'vitest';
import type { Deps } from '../deps.js';
import { silentLogger } from '../log.js';
import type { DoctorSystem } from '../doctor/system.js';
import type { HttpProbe, ProbeOptions, ProbeResult, TlsInfo } from '../doctor/net-probes.js';
import { formatDoctorJson, formatDoctorText } from '../doctor/finding.js';
import { clockFindings, doctor, doctorFailure, keychainFindings } from './doctor.js';
import { resolveSettings } from '../config/settings.js';
import { memoryKeychain } from '../secrets/keychain.js';
import { ProxyFailure } from '../http/proxy.js';
import { createSessionStore, inspectSessionFile } from '../session/session-store.js';
import { sessionCacheDir, sessionFileName } from '../session/cache-dir.js';
import { CookieJar } from 'tough-cookie';
import { chmod, copyFile, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeDoctorSystem } from '../doctor/system.js';

const HOME = '/home/u';
const NOW = new Date('2026-12-01T12:00:00Z');
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const TOKEN = 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN';

interface FakeOptions {
  files?: Record<string, string>;
  modes?: Record<string, number>;
  http?: (url: string, o: ProbeOptions) => Promise<ProbeResult<HttpProbe>>;
  connect?: (url: string, o: ProbeOptions) => Promise<ProbeResult<{ tls?: TlsInfo }>>;
}

function fakeSystem(o: FakeOptions): DoctorSystem & { calls: string[] } {
  const files = o.files ?? {};
  const modes: Record<string, number> = { [`${HOME}/.aws`]: 0o40700, [`${HOME}/.aws/config`]: 0o100600, [`${HOME}/.aws/credentials`]: 0o100600, ...o.modes };
  const calls: string[] = [];
  return {
    calls,
    readText: (path) => files[path],
    stat: (path) => (modes[path] !== undefined || files[path] !== undefined ? { path, mode: modes[path] ?? 0o100600, uid: 1000 } : { path }),
    list: (dir) => Object.keys(files).filter((p) => p.startsWith(`${dir}/`)).map((p) => p.slice(dir.length + 1)),
    uid: 1000,
    // Session files are real ones (a temp directory): judged by the store's own reading.
    inspectSession: (file, now, host) => inspectSessionFile(file, { uid: process.getuid?.(), now, ...(host !== undefined ? { host } : {}) }),
    probeHttp: (url, opts) => (calls.push(`http ${url}`), (o.http ?? (async () => ({ ok: true, status: 200, date: NOW.toUTCString() })))(url, opts)),
    probeConnect: (url, opts) => (calls.push(`connect ${url}`), (o.connect ?? (async () => ({ ok: true })))(url, opts)),
  };
}

function deps(env: Record<string, string> = {}): Deps {
  const fail = async (): Promise<never> => {
    throw new Error('doctor must not use this port');
  };
  return {
    env,
    homeDir: HOME,
    platform: 'linux',
    clock: () => NOW,
    out: () => undefined,
    err: () => undefined,
    log: silentLogger,
    files: { read: fail, update: fail },
    sts: { assumeRoleWithSaml: fail, assumeRole: fail, getCallerIdentity: fail },
    isInteractive: false,
    prompter: fail,
    readStdin: fail,
    runCommand: fail,
  };
}

const CONFIG = `${HOME}/.aws/config`;
const CREDS = `${HOME}/.aws/credentials`;
const HEALTHY = {
  [CONFIG]: '[profile saml]\nawsfed_idp_url = https://adfs.example.com\nregion = eu-west-1\n',
  [CREDS]: `[saml]\naws_access_key_id = ASIAEXAMPLE1234\naws_secret_access_key = ${SECRET}\naws_session_token = ${TOKEN}\n`,
};
const bySeverity = (r: { findings: { id: string; severity: string }[] }, s: string) => r.findings.filter((f) => f.severity === s).map((f) => f.id);

describe('doctor', () => {
  it('a healthy setup: no errors or warnings, exit 0; the IdP and the regional STS endpoint are probed', async () => {
    const system = fakeSystem({ files: HEALTHY });
    const report = await doctor({}, deps(), system);
    expect(bySeverity(report, 'error')).toEqual([]);
    expect(bySeverity(report, 'warning')).toEqual([]);
    expect(bySeverity(report, 'ok')).toEqual(expect.arrayContaining(['config.parse', 'credentials.parse', 'idp.reachable', 'clock.skew', 'sts.reachable']));
    expect(system.calls).toEqual(['http https://adfs.example.com/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices', 'connect https://sts.eu-west-1.amazonaws.com']);
    expect(doctorFailure(report)).toBeUndefined();
  });

  it('never shows a secret from the credentials file, in text or JSON, even with problems around it', async () => {
    const files = { ...HEALTHY, [CREDS]: `${HEALTHY[CREDS]}aws_security_token = ${TOKEN}x\n${SECRET}\n` };
    const report = await doctor({}, deps({ HTTPS_PROXY: `http://alice:${SECRET}@proxy.corp:3128` }), fakeSystem({ files, modes: { [CREDS]: 0o100644 } }));
    expect(bySeverity(report, 'error').length).toBeGreaterThan(0);
    for (const out of [formatDoctorText(report), formatDoctorJson(report)]) {
      expect(out).not.toContain(SECRET);
      expect(out).not.toContain(TOKEN);
      expect(out).not.toContain('alice');
    }
  });

  it('a file awsfed refuses but the AWS CLI reads (`key: value`) is an error for awsfed', async () => {
    const report = await doctor({}, deps(), fakeSystem({ files: { ...HEALTHY, [CONFIG]: `${HEALTHY[CONFIG]}output: json\n` } }));
    expect(bySeverity(report, 'error')).toEqual(['config.awsfed-parse']);
    expect(doctorFailure(report)).toMatchObject({ code: 'DOCTOR_PROBLEMS', exitCode: 1 });
  });

  it('probes the IdP and STS at the same time (neither waits for the other)', async () => {
    let connectStarted!: () => void;
    const started = new Promise<void>((r) => (connectStarted = r));
    const system = fakeSystem({
      files: HEALTHY,
      // The IdP answers only once STS is being probed: run one after the other, this would never finish.
      http: async () => (await started, { ok: false, error: 'ECONNREFUSED' }),
      connect: async () => (connectStarted(), { ok: false, error: 'ETIMEDOUT' }),
    });
    const report = await doctor({}, deps(), system);
    expect(bySeverity(report, 'error')).toEqual(['idp.reachable', 'sts.reachable']);
  });

  it('--offline probes nothing', async () => {
    const system = fakeSystem({ files: HEALTHY });
    const report = await doctor({ offline: true }, deps(), system);
    expect(system.calls).toEqual([]);
    expect(report.findings.map((f) => f.id)).toContain('network.skipped');
  });

  it('the STS endpoint: --sts-endpoint / AWS_ENDPOINT_URL_STS when set, China regions on amazonaws.com.cn', async () => {
    const a = fakeSystem({ files: HEALTHY });
    await doctor({}, deps({ AWS_ENDPOINT_URL_STS: 'https://127.0.0.1:9' }), a);
    expect(a.calls[1]).toBe('connect https://127.0.0.1:9');
    const b = fakeSystem({ files: HEALTHY });
    await doctor({}, deps({ AWS_REGION: 'cn-north-1' }), b);
    expect(b.calls[1]).toBe('connect https://sts.cn-north-1.amazonaws.com.cn');
  });

  it('an untrusted IdP certificate is an error naming its issuer and the CA bundle fix', async () => {
    const tls: TlsInfo = { authorized: false, authorizationError: 'SELF_SIGNED_CERT_IN_CHAIN', issuer: 'Corp Root CA', validTo: new Date('2027-01-01T00:00:00Z') };
    const report = await doctor({}, deps(), fakeSystem({ files: HEALTHY, http: async () => ({ ok: true, status: 200, date: NOW.toUTCString(), tls }) }));
    const f = report.findings.find((x) => x.id === 'idp.tls');
    expect(f).toMatchObject({ severity: 'error' });
    expect(f?.title).toContain('SELF_SIGNED_CERT_IN_CHAIN');
    expect(f?.detail).toContain('Corp Root CA');
    expect(f?.fix).toContain('AWS_CA_BUNDLE');
  });

  it('a CA bundle that cannot be read is an error naming where it was set', async () => {
    const report = await doctor({ offline: true }, deps({ AWS_CA_BUNDLE: '/nonexistent/ca.pem' }), fakeSystem({ files: HEALTHY }));
    const f = report.findings.find((x) => x.id === 'tls.ca-bundle');
    expect(f).toMatchObject({ severity: 'error' });
    expect(f?.detail).toContain('AWS_CA_BUNDLE');
  });

  it('no IdP URL for the profile: a warning with the configure command, STS still probed', async () => {
    const system = fakeSystem({ files: { [CONFIG]: '[profile saml]\nregion = us-west-2\n' } });
    const report = await doctor({}, deps(), system);
    expect(report.findings.find((f) => f.id === 'idp.url')?.fix).toContain('awsfed configure');
    expect(system.calls).toEqual(['connect https://sts.us-west-2.amazonaws.com']);
  });

  it('the session cache is judged by the session store itself: live, old, spent cookies, open to others, a symbolic link, another host', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'awsfed-doctor-cache-'));
    try {
      const env = { XDG_CACHE_HOME: cache };
      const dir = sessionCacheDir(env, HOME, 'linux');
      const store = createSessionStore({ dir, clock: () => NOW, log: silentLogger });
      const hour = 60 * 60 * 1000;
      const jarFor = async (host: string, expires?: Date) => {
        const jar = new CookieJar();
        const until = expires ? `; Expires=${expires.toUTCString()}` : '';
        await jar.setCookie(`MSISAuth=COOKIESECRET; Path=/adfs; Secure${until}`, `https://${host}/adfs/ls/`, { now: new Date(NOW.getTime() - 2 * hour) });
        return jar;
      };
      await store.save('a.example', await jarFor('a.example'), new Date(NOW.getTime() - hour));
      await store.save('b.example', await jarFor('b.example'), new Date(NOW.getTime() - 9 * hour));
      await store.save('c.example', await jarFor('c.example'), NOW);
      await chmod(join(dir, sessionFileName('c.example')), 0o644);
      // Cookies that have all passed their own Expires: the login would not send them.
      await store.save('d.example', await jarFor('d.example', new Date(NOW.getTime() - 60_000)), new Date(NOW.getTime() - hour));
      // A symbolic link to a perfectly good file of the user's: the store does not follow it (O_NOFOLLOW).
      await copyFile(join(dir, sessionFileName('a.example')), join(cache, 'elsewhere.json'));
      await symlink(join(cache, 'elsewhere.json'), join(dir, 'e.example.json'));
      // a.example's file under f.example's name: its cookies are not f.example's.
      await copyFile(join(dir, sessionFileName('a.example')), join(dir, sessionFileName('f.example')));

      const real = nodeDoctorSystem();
      const fake = fakeSystem({ files: HEALTHY });
      const system: DoctorSystem = { ...fake, list: real.list, readText: (path) => (path.startsWith(cache) ? real.readText(path) : fake.readText(path)), stat: (path) => (path.startsWith(cache) ? real.stat(path) : fake.stat(path)), uid: process.getuid?.() };
      const report = await doctor({ offline: true }, deps(env), system);
      const sessions = report.findings.filter((f) => f.id === 'session.file').map((f) => `${f.severity} ${f.title}`);
      const about = (name: string) => sessions.filter((t) => t.includes(name));
      expect(about('a.example')).toEqual(['ok IdP session for a.example: reused without a password for 420 more minute(s)']);
      expect(about('b.example')).toEqual([expect.stringMatching(/^info IdP session for b\.example is spent \(the session started more than 8 h ago\)/)]);
      expect(about('c.example')).toEqual([expect.stringMatching(/^warning .*c\.example\.json is mode 644 lets other users read it; awsfed ignores it/)]);
      expect(about('d.example')).toEqual([expect.stringMatching(/^info IdP session for d\.example is spent \(every cookie in it has expired\)/)]);
      expect(about('e.example')).toEqual([expect.stringMatching(/^warning .*e\.example\.json is a symbolic link/)]);
      expect(about('f.example')).toEqual([expect.stringMatching(/^warning .*f\.example\.json cannot be used/)]);
      expect(JSON.stringify(report)).not.toContain('COOKIESECRET');
    } finally {
      await rm(cache, { recursive: true, force: true });
    }
  });
});

describe('doctor behind a proxy', () => {
  const options: ProbeOptions[] = [];
  const recording = (extra: FakeOptions = {}) =>
    fakeSystem({
      files: extra.files ?? HEALTHY,
      http: async (_url, o) => (options.push(o), extra.http ? extra.http(_url, o) : { ok: true, status: 200, date: NOW.toUTCString() }),
      connect: async (_url, o) => (options.push(o), extra.connect ? extra.connect(_url, o) : { ok: true }),
    });

  it('each probe gets the proxy the login would use for its URL, and NO_PROXY sends one direct; the findings say which way', async () => {
    options.length = 0;
    const report = await doctor({}, deps({ HTTPS_PROXY: `http://alice:${encodeURIComponent(SECRET)}@proxy.corp:3128`, NO_PROXY: '.amazonaws.com' }), recording());
    expect(options.map((o) => o.proxy?.display)).toEqual(['http://proxy.corp:3128', undefined]);
    expect(options[0]?.proxy?.url.password).not.toBe('');
    const title = (id: string) => report.findings.find((f) => f.id === id)?.title;
    expect(title('idp.reachable')).toBe('The IdP adfs.example.com answers (HTTP 200) through the proxy http://proxy.corp:3128 (from HTTPS_PROXY)');
    expect(title('sts.reachable')).toContain('directly (NO_PROXY names it)');
    expect(title('proxy')).toBe('Proxy in force: http://proxy.corp:3128 for https (from HTTPS_PROXY); NO_PROXY: .amazonaws.com');
    expect(JSON.stringify(report)).not.toContain('alice');
  });

  it('awsfed_proxy in the profile is used for both probes, as by the login', async () => {
    options.length = 0;
    const files = { ...HEALTHY, [CONFIG]: `${HEALTHY[CONFIG]}awsfed_proxy = proxy.corp:8080\n` };
    await doctor({}, deps({ HTTPS_PROXY: 'http://other:3128' }), recording({ files }));
    expect(options.map((o) => `${o.proxy?.display} ${o.proxy?.origin}`)).toEqual([`http://proxy.corp:8080 awsfed_proxy of [profile saml] in ${CONFIG}`, `http://proxy.corp:8080 awsfed_proxy of [profile saml] in ${CONFIG}`]);
  });

  it('a proxy failure is the proxy\'s finding; a 502 from the proxy is the target being unreachable through it', async () => {
    const failure = (status: number) => new ProxyFailure('refused', { display: 'http://proxy.corp:3128', origin: 'HTTPS_PROXY', withCredentials: false }, 'sts.eu-west-1.amazonaws.com:443', status);
    const refused = await doctor({}, deps({ HTTPS_PROXY: 'http://proxy.corp:3128' }), recording({ connect: async () => ({ ok: false, error: 'x', proxyFailure: failure(403) }) }));
    expect(bySeverity(refused, 'error')).toEqual(['proxy.connect']);
    expect(refused.findings.find((f) => f.id === 'proxy.connect')?.fix).toContain('NO_PROXY');
    const badGateway = await doctor({}, deps({ HTTPS_PROXY: 'http://proxy.corp:3128' }), recording({ connect: async () => ({ ok: false, error: 'x', proxyFailure: failure(502) }) }));
    expect(bySeverity(badGateway, 'error')).toEqual(['sts.reachable']);
    expect(badGateway.findings.find((f) => f.id === 'sts.reachable')?.title).toBe(
      'STS at sts.eu-west-1.amazonaws.com cannot be reached through the proxy http://proxy.corp:3128 (from HTTPS_PROXY): the proxy answered HTTP 502',
    );
  });

  it('an invalid proxy URL is an error and no probe runs (the login would fail before any request)', async () => {
    const system = recording();
    options.length = 0;
    const report = await doctor({}, deps({ HTTPS_PROXY: 'socks5://proxy.corp:1080' }), system);
    expect(bySeverity(report, 'error')).toEqual(['proxy']);
    expect(options).toEqual([]);
  });
});

describe('clockFindings', () => {
  const at = (offsetSeconds: number) => new Date(NOW.getTime() + offsetSeconds * 1000).toUTCString();
  it.each([
    [0, 'ok'],
    [-119, 'ok'],
    [150, 'warning'],
    [-150, 'warning'],
    [301, 'error'],
    [-3600, 'error'],
  ])('the IdP %i s off: %s', (offset, severity) => {
    expect(clockFindings('idp', at(offset), NOW.getTime())[0]?.severity).toBe(severity);
  });
  it('says which way the clock is off; no Date header is only information', () => {
    expect(clockFindings('idp', at(-600), NOW.getTime())[0]?.title).toContain('600 s ahead of');
    expect(clockFindings('idp', undefined, NOW.getTime())[0]?.severity).toBe('info');
  });
});

describe('doctor: the remembered password keychain', () => {
  const settingsFor = (section: Record<string, string>) => resolveSettings({}, {}, { value: 'saml', source: 'flag' }, section);
  const base = { awsfed_idp_url: 'https://adfs.corp.example', awsfed_username: 'alice@corp.example' };

  it('does not touch the keychain unless the profile opted in', async () => {
    const keychain = memoryKeychain();
    const found = await keychainFindings({ keychain }, settingsFor(base), 'saml');
    expect(found.map((f) => [f.id, f.severity])).toEqual([['keychain.unused', 'info']]);
    expect(keychain.calls).toEqual([]);
  });

  it('says whether the keychain holds the entry, never the password, and names a keychain that cannot be used', async () => {
    const opted = settingsFor({ ...base, awsfed_remember_password: 'true' });
    const holding = memoryKeychain({ 'alice@corp.example@adfs.corp.example': 'Secret-Passw0rd!' });
    const ok = await keychainFindings({ keychain: holding }, opted, 'saml');
    expect(ok.map((f) => [f.id, f.severity])).toEqual([['keychain.ok', 'ok']]);
    expect(JSON.stringify(ok)).not.toContain('Secret-Passw0rd!');
    const empty = await keychainFindings({ keychain: memoryKeychain() }, opted, 'saml');
    expect(empty[0]).toMatchObject({ id: 'keychain.no-entry', severity: 'warning', fix: 'awsfed login --profile saml --remember-password' });
    const locked = await keychainFindings({ keychain: memoryKeychain({}, 'there is no Secret Service: no D-Bus session bus') }, opted, 'saml');
    expect(locked[0]).toMatchObject({ id: 'keychain.unavailable', severity: 'warning', title: 'The keychain cannot be used: there is no Secret Service: no D-Bus session bus' });
  });
});
