/**
 * Start-up cost (issue 8, item 3): the commands that need neither the network nor a prompt load none of
 * the heavy packages. The built CLI runs under a module-load hook; each loaded bundle file is mapped
 * back to the packages in it through esbuild's metafile (dist/meta.json), and a file loaded straight
 * from node_modules counts as its package. `--version` loads no package at all, not even commander.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USER, startDemoEnvironment } from '../src/emulator/demo-environment.js';
import { BIN, ROOT, explain, makeTempHome, runProcess } from './helpers/cli.js';
import type { TempHome } from './helpers/cli.js';

const HOOK = join(ROOT, 'test', 'helpers', 'load-trace.mjs');
const BUILTIN_TRACE = join(ROOT, 'test', 'helpers', 'builtin-trace.cjs');
/** HTTP clients, HTML and XML parsers, the AWS SDK, the prompts, the emulators' crypto. */
const HEAVY = /^(axios|follow-redirects|cheerio|htmlparser2|parse5|@aws-sdk\/.*|@smithy\/.*|@xmldom\/xmldom|xml-crypto|xpath|node-forge|tough-cookie|http-cookie-agent|@inquirer\/.*|inquirer|rxjs|undici)$/;

let meta: { outputs: Record<string, { inputs: Record<string, unknown> }> };
let home: TempHome;

beforeAll(async () => {
  meta = JSON.parse(await readFile(join(ROOT, 'dist', 'meta.json'), 'utf8'));
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

/** The packages whose code the run loaded. */
async function loadedPackages(args: string[], extraEnv: Record<string, string> = {}): Promise<{ packages: string[]; files: string[]; stdout: string; internal: string[] }> {
  const r = await runProcess(process.execPath, ['--import', HOOK, BIN, ...args], { env: { ...home.env, ...extraEnv }, cwd: home.home });
  expect(r.code, explain(r)).toBe(0);
  const packages = new Set<string>();
  const files: string[] = [];
  for (const line of r.stderr.split('\n')) {
    if (!line.startsWith('awsfed-loaded ')) continue;
    const path = fileURLToPath(line.slice('awsfed-loaded '.length));
    if (path === HOOK) continue;
    files.push(relative(ROOT, path));
    const direct = packageOf(path);
    if (direct) packages.add(direct);
    const output = meta.outputs[relative(ROOT, path)];
    for (const input of Object.keys(output?.inputs ?? {})) {
      const p = packageOf(input);
      if (p) packages.add(p);
    }
  }
  const internal = r.stderr.split('\n').filter((l) => l.startsWith('awsfed-loaded-internal ')).map((l) => l.slice('awsfed-loaded-internal '.length));
  return { packages: [...packages].sort(), files, stdout: r.stdout, internal };
}

/** Node's own modules (crypto, net, internal/fs/promises, ...) the run loaded, with stdout and stderr pipes. */
async function loadedBuiltins(args: string[], env: Record<string, string> = home.env): Promise<{ builtins: string[]; stdout: string }> {
  const r = await runProcess(process.execPath, ['-r', BUILTIN_TRACE, BIN, ...args], { env, cwd: home.home });
  expect(r.code, explain(r)).toBe(0);
  const builtins = r.stderr.split('\n').filter((l) => l.startsWith('awsfed-loaded-builtin ')).map((l) => l.slice('awsfed-loaded-builtin '.length));
  return { builtins, stdout: r.stdout };
}

function packageOf(path: string): string | undefined {
  return /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(path)?.[1];
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
});
