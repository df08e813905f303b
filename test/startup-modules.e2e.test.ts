/**
 * Start-up cost (issue 8, item 3): the commands that need neither the network nor a prompt load none of
 * the heavy packages. The built CLI runs under a module-load hook; each loaded bundle file is mapped
 * back to the packages in it through esbuild's metafile (dist/meta.json), and a file loaded straight
 * from node_modules counts as its package. `--version` loads no package at all, not even commander.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdfsEmulator } from '../src/emulator/adfs.js';
import { createSelfSignedIdentity } from '../src/emulator/certs.js';
import { DEMO_USER, startDemoEnvironment } from '../src/emulator/demo-environment.js';
import { startStsEmulator } from '../src/emulator/sts.js';
import { BIN, ROOT, explain, makeTempHome, runProcess } from './helpers/cli.js';
import type { TempHome } from './helpers/cli.js';
import { HEAVY, HOOK, loadedPackages as loadPackages, packagesInFile } from './helpers/loaded-packages.js';
import { startTestProxy } from './helpers/proxy.js';

const BUILTIN_TRACE = join(ROOT, 'test', 'helpers', 'builtin-trace.cjs');
let home: TempHome;

beforeAll(async () => {
  home = await makeTempHome();
  const later = new Date(Date.now() + 6 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  await writeFile(
    home.configFile,
    ['[profile saml]', 'awsfed_idp_url = https://adfs.corp.example/adfs/ls/IdpInitiatedSignOn.aspx', 'awsfed_username = alice@corp.example', 'region = us-east-1', '', '[profile prod]', 'role_arn = arn:aws:iam::222222222222:role/Admins', 'source_profile = saml', 'region = eu-west-1', ''].join('\n'),
  );
  const keys = (id: string) => [`aws_access_key_id = ASIA${id}`, 'aws_secret_access_key = s3cr3t/not-a-real-secret-key-0123456789', 'aws_session_token = FwoGZXIvYXdzEXAMPLETOKEN', `x_security_token_expires = ${later}`];
  await writeFile(home.credentialsFile, ['[saml]', ...keys('AAAAAAAAAAAAAAAA'), '', '[prod]', ...keys('BBBBBBBBBBBBBBBB'), ''].join('\n'), { mode: 0o600 });
});
afterAll(async () => {
  await home?.cleanup();
});

const loadedPackages = (args: string[], extraEnv: Record<string, string> = {}) => loadPackages(args, { env: { ...home.env, ...extraEnv }, cwd: home.home });

/** Node's own modules (crypto, net, internal/fs/promises, ...) the run loaded, with stdout and stderr pipes. */
async function loadedBuiltins(args: string[], env: Record<string, string> = home.env): Promise<{ builtins: string[]; stdout: string }> {
  const r = await runProcess(process.execPath, ['-r', BUILTIN_TRACE, BIN, ...args], { env, cwd: home.home });
  expect(r.code, explain(r)).toBe(0);
  const builtins = r.stderr.split('\n').filter((l) => l.startsWith('awsfed-loaded-builtin ')).map((l) => l.slice('awsfed-loaded-builtin '.length));
  return { builtins, stdout: r.stdout };
}


describe('what each light command loads', () => {
  // Each file an ES module loads costs its resolution and instantiation: the fast paths are one file.
  it('--version: no package at all (commander neither), and no file but the bin', async () => {
    const { packages, files, stdout } = await loadedPackages(['--version']);
    expect(stdout).toMatch(/^\d+\.\d+\.\d+/);
    expect(packages).toEqual([]);
    expect(files).toEqual([relative(ROOT, BIN)]);
  });

  it('credential-process cache hit: no package at all (answered before commander) and no file but the bin, the Version 1 JSON for a destination', async () => {
    const { packages, files, stdout } = await loadedPackages(['credential-process', '--profile', 'prod']);
    expect(JSON.parse(stdout)).toMatchObject({ Version: 1, AccessKeyId: 'ASIABBBBBBBBBBBBBBBB' });
    expect(packages).toEqual([]);
    expect(files).toEqual([relative(ROOT, BIN)]);
  });

  /** Built-ins a fast path has no use for, each costing start-up time. */
  const UNWANTED = ['crypto', 'net', 'stream', 'internal/fs/promises'];

  it('credential-process cache hit: no node:crypto (only a write needs it), no net or stream (stdout, a pipe here, is written without a stream), no fs promises (the files are read synchronously)', async () => {
    const { builtins, stdout } = await loadedBuiltins(['credential-process', '--profile', 'saml']);
    expect(JSON.parse(stdout)).toMatchObject({ Version: 1, AccessKeyId: 'ASIAAAAAAAAAAAAAAAAA' });
    expect(builtins.filter((b) => UNWANTED.includes(b))).toEqual([]);
  });

  it('--version: none of them either', async () => {
    const { builtins, stdout } = await loadedBuiltins(['--version']);
    expect(stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(builtins.filter((b) => UNWANTED.includes(b))).toEqual([]);
  });

  it('the built-in trace sees them where a command does load them (the checks above can fail): a write loads them all', async () => {
    const own = await makeTempHome();
    try {
      await writeFile(own.configFile, '[profile saml]\nawsfed_idp_url = https://adfs.corp.example/adfs/ls/IdpInitiatedSignOn.aspx\n');
      const { builtins } = await loadedBuiltins(['add', 'dev', '--account', '123456789012', '--role', 'Admin'], own.env);
      expect(builtins).toEqual(expect.arrayContaining(UNWANTED));
    } finally {
      await own.cleanup();
    }
  });

  it('credential-process with --debug goes to the full CLI (commander loads) and still serves the cache', async () => {
    const { packages, stdout } = await loadedPackages(['credential-process', '--profile', 'saml', '--debug']);
    expect(JSON.parse(stdout)).toMatchObject({ Version: 1, AccessKeyId: 'ASIAAAAAAAAAAAAAAAAA' });
    expect(packages).toContain('commander');
  });

  it.each([[['--help']], [['login', '--help']], [['list']], [['switch', 'prod', '--format', 'env']]])('%j: commander, nothing heavy', async (args) => {
    const { packages, stdout } = await loadedPackages(args);
    expect(stdout.length).toBeGreaterThan(0);
    expect(packages).toContain('commander');
    expect(packages.filter((p) => HEAVY.test(p))).toEqual([]);
  });

  it('the hook sees the heavy packages when a command does load them (the check can fail)', async () => {
    // `demo` signs in through the emulators: the HTTP client, the HTML parser and the SDK must show up.
    const { packages } = await loadedPackages(['demo', '--no-prompt']);
    for (const p of ['axios', 'cheerio', '@aws-sdk/client-sts', '@xmldom/xmldom']) expect(packages).toContain(p);
  });

  it("a login sends through axios's http adapter without loading Node's fetch (undici: about 10 MiB of RSS)", async () => {
    const env = await startDemoEnvironment({ variant: 'adfs2019' });
    try {
      const args = ['login', '--profile', 'fresh', '--idp-url', env.adfs.entryUrl, '--username', DEMO_USER.username, '--role', '*ReadOnly', '--no-prompt'];
      const { packages, internal } = await loadedPackages(args, { AWS_ENDPOINT_URL_STS: env.sts.url, AWSFED_PASSWORD: DEMO_USER.password });
      expect(packages).toContain('axios');
      expect(internal).toEqual([]);
    } finally {
      await env.close();
    }
  });

  // The proxy agents are for the runs a proxy is in force for; a login without one loads neither (their
  // base, agent-base, comes in anyway with http-cookie-agent's index). With HTTP_PROXY the same login
  // does load them (the check can fail).
  it('a login without a proxy loads no proxy agent package; with HTTP_PROXY it does', async () => {
    const PROXY_PACKAGES = ['http-proxy-agent', 'https-proxy-agent'];
    const env = await startDemoEnvironment({ variant: 'adfs2019' });
    const proxy = await startTestProxy();
    try {
      const args = (profile: string) => ['login', '--profile', profile, '--idp-url', env.adfs.entryUrl, '--username', DEMO_USER.username, '--role', '*ReadOnly', '--no-prompt', '--no-session'];
      const loginEnv = { AWS_ENDPOINT_URL_STS: env.sts.url, AWSFED_PASSWORD: DEMO_USER.password };
      const direct = await loadedPackages(args('direct'), loginEnv);
      expect(direct.packages).toContain('axios');
      expect(direct.packages.filter((p) => PROXY_PACKAGES.includes(p))).toEqual([]);
      expect(direct.sources).not.toContain('src/http/proxy-agents.ts');

      const proxied = await loadedPackages(args('proxied'), { ...loginEnv, HTTP_PROXY: proxy.url });
      expect(proxy.forwarded.length).toBeGreaterThan(0);
      expect(proxied.packages).toContain('http-proxy-agent');
      expect(proxied.sources).toContain('src/http/proxy-agents.ts');
    } finally {
      await proxy.close();
      await env.close();
    }
  });

  // cheerio's parser (htmlparser2) and serializer (dom-serializer) depend on two majors of `entities`;
  // each copy brought decode tables built when the module loads, on every sign-in (src/build/build.mjs).
  it('the bundle holds one copy of `entities`, and no encode table (the serializer only escapes)', async () => {
    const meta = JSON.parse(await readFile(join(ROOT, 'dist', 'meta.json'), 'utf8')) as { inputs: Record<string, unknown> };
    const copies = new Set(Object.keys(meta.inputs).flatMap((path) => path.match(/^(.*node_modules\/entities)\//)?.[1] ?? []));
    expect([...copies]).toHaveLength(1);
    expect(Object.keys(meta.inputs).filter((path) => /node_modules\/entities\/.*encode-html/.test(path))).toEqual([]);
  });

  // The SDK is the largest chunk a login loads; loaded after the sign-in it added its compile time to
  // every login, loaded while the IdP answers it costs none (issue 8, item 3). With 300 ms per IdP
  // request, the load has 600 ms after the first request is out to show before the last answer.
  it('a login loads the AWS SDK while the IdP is still answering, before the last IdP answer', async () => {
    const role = { roleArn: 'arn:aws:iam::111111111111:role/ADFS-Early', principalArn: 'arn:aws:iam::111111111111:saml-provider/ADFS' };
    const signer = createSelfSignedIdentity('awsfed preload test');
    const sts = await startStsEmulator({ providers: [{ principalArn: role.principalArn, certPem: signer.certPem }], roles: [{ roleArn: role.roleArn, maxSessionDuration: 43200 }] });
    const adfs = await startAdfsEmulator({
      variant: 'adfs3',
      users: [{ username: 'early@corp.example', password: 'Early-Passw0rd!', roles: [role], roleSessionName: 'early@corp.example', sessionDuration: 3600 }],
      signer,
      latencyMs: 300,
    });
    try {
      const args = ['--import', HOOK, BIN, 'login', '--profile', 'early', '--idp-url', adfs.entryUrl, '--username', 'early@corp.example', '--no-prompt', '--no-session', '--debug'];
      const r = await runProcess(process.execPath, args, { env: { ...home.env, AWS_ENDPOINT_URL_STS: sts.url, AWSFED_PASSWORD: 'Early-Passw0rd!' }, cwd: home.home });
      expect(r.code, explain(r)).toBe(0);
      const lines = r.stderr.split('\n');
      const sdkFiles = await Promise.all(lines.map(async (line) => line.startsWith('awsfed-loaded ') && (await packagesInFile(line.slice('awsfed-loaded '.length))).includes('@aws-sdk/client-sts')));
      const sdkAt = sdkFiles.indexOf(true);
      let lastIdpAnswer = -1;
      lines.forEach((line, i) => {
        if (line.startsWith('debug: request: ') && !line.includes('(STS ')) lastIdpAnswer = i;
      });
      expect(sdkAt, explain(r)).toBeGreaterThan(-1);
      expect(lastIdpAnswer, explain(r)).toBeGreaterThan(-1);
      expect(sdkAt, explain(r)).toBeLessThan(lastIdpAnswer);
    } finally {
      await Promise.all([adfs.close(), sts.close()]);
    }
  });
  // The file store (lock, atomic write, node:crypto) is needed only once STS has answered: loaded while
  // STS answers, its load costs the login nothing. With 300 ms at STS, it has that long to show.
  it('a login loads the file store while STS is still answering', async () => {
    const role = { roleArn: 'arn:aws:iam::111111111111:role/ADFS-Store', principalArn: 'arn:aws:iam::111111111111:saml-provider/ADFS' };
    const signer = createSelfSignedIdentity('awsfed store preload test');
    const sts = await startStsEmulator({ providers: [{ principalArn: role.principalArn, certPem: signer.certPem }], roles: [{ roleArn: role.roleArn, maxSessionDuration: 43200 }], latencyMs: 300 });
    const adfs = await startAdfsEmulator({
      variant: 'adfs3',
      users: [{ username: 'store@corp.example', password: 'Store-Passw0rd!', roles: [role], roleSessionName: 'store@corp.example', sessionDuration: 3600 }],
      signer,
    });
    try {
      const args = ['--import', HOOK, BIN, 'login', '--profile', 'store', '--idp-url', adfs.entryUrl, '--username', 'store@corp.example', '--no-prompt', '--no-session', '--debug'];
      const r = await runProcess(process.execPath, args, { env: { ...home.env, AWS_ENDPOINT_URL_STS: sts.url, AWSFED_PASSWORD: 'Store-Passw0rd!' }, cwd: home.home });
      expect(r.code, explain(r)).toBe(0);
      const lines = r.stderr.split('\n');
      const storeAt = lines.findIndex((line) => line.startsWith('awsfed-loaded ') && line.endsWith('/dist/credentials/file-store.js'));
      const stsAnswer = lines.findIndex((line) => line.startsWith('debug: request: ') && line.includes('(STS '));
      expect(storeAt, explain(r)).toBeGreaterThan(-1);
      expect(stsAnswer, explain(r)).toBeGreaterThan(-1);
      expect(storeAt, explain(r)).toBeLessThan(stsAnswer);
    } finally {
      await Promise.all([adfs.close(), sts.close()]);
    }
  });
});
