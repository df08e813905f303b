/**
 * Packaging (issue 8, item 4): the tarball `npm pack` makes installs globally into an empty prefix,
 * offline, and runs alone: `awsfed --help`, `awsfed demo --no-prompt` and a non-interactive login
 * against emulators started here, from a directory outside the repository with NODE_PATH unset, so
 * nothing of the repository's node_modules can be reached. The bundle (src/build/build.mjs) carries
 * every package it uses; the install must not need to fetch any.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USER, startDemoEnvironment } from '../src/emulator/demo-environment.js';
import type { DemoEnvironment } from '../src/emulator/demo-environment.js';
import { parseIni } from '../src/ini/document.js';
import { BIN, ROOT, explain, makeTempHome, runProcess } from './helpers/cli.js';
import type { TempHome } from './helpers/cli.js';
import { expectNoSecrets } from './helpers/secrets.js';

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string }[];
}

const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
};

let work: string;
let packed: PackResult;
let awsfed: string;
let home: TempHome;
/** A directory outside the repository to run from. */
let cwd: string;

/**
 * npm's environment from scratch: the real npm cache (an optional dependency is served from it offline,
 * as `npm ci` filled it), none of the npm_config_* variables an enclosing `npm test` exports.
 */
function npmEnv(): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmpdir() };
  env.npm_config_cache = execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8', env, cwd: tmpdir() }).trim();
  return { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
}

/** The installed CLI's environment: PATH holds the prefix's bin and node, nothing else of ours. */
function installedEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { ...home.env, PATH: `${dirname(awsfed)}:${dirname(process.execPath)}:/usr/bin:/bin`, ...extra };
}

beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first`);
  work = await mkdtemp(join(tmpdir(), 'awsfed-pack-'));
  const env = npmEnv();
  // --ignore-scripts: the prepack build would replace dist/ under the other test files running now.
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8', env });
  packed = (JSON.parse(out) as PackResult[])[0]!;
  const prefix = join(work, 'prefix');
  execFileSync('npm', ['install', '--global', '--prefix', prefix, '--offline', join(work, packed.filename)], { cwd: work, encoding: 'utf8', env, stdio: 'pipe' });
  awsfed = join(prefix, 'bin', 'awsfed');
  home = await makeTempHome();
  cwd = home.home;
}, 180_000);

afterAll(async () => {
  await home?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds the bundle, the README and the third-party notices, and no sources, tests or fixtures', async () => {
    const paths = packed.files.map((f) => f.path).sort();
    // Printed so that a growing package shows in the test log.
    console.log(`${packed.filename}: ${packed.size} bytes packed, ${packed.unpackedSize} unpacked, ${paths.length} files`);
    expect(paths).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/bin.cjs', 'dist/THIRD-PARTY-NOTICES.txt']));
    for (const path of paths) {
      expect(path, 'only the package manifest, the README and dist/').toMatch(/^(package\.json|README\.md|LICENSE[^/]*|dist\/.+)$/);
      // The build's metafile and the repository's own scripts (bench, docs) stay out.
      expect(path).not.toMatch(/^dist\/(meta\.json|bench\/|docs\/)|\.map$/);
    }
    // Bundled code, so the tarball stays small (a few MB unpacked; the SDK dominates).
    expect(packed.unpackedSize).toBeLessThan(12 * 1024 * 1024);
    const notices = await readFile(join(ROOT, 'dist', 'THIRD-PARTY-NOTICES.txt'), 'utf8');
    for (const name of ['axios', 'cheerio', 'commander', '@aws-sdk/client-sts', '@inquirer/core', 'tough-cookie', '@xmldom/xmldom']) {
      expect(notices, `notice for ${name}`).toMatch(new RegExp(`^${name.replace(/[/@.]/g, '\\$&')}@\\d`, 'm'));
    }
    expect(notices).toMatch(/Permission is hereby granted/);
  });

  it('installs no package it does not declare as optional (everything else is in the bundle)', async () => {
    const modules = join(dirname(dirname(awsfed)), 'lib', 'node_modules', 'awsfed', 'node_modules');
    const installed: string[] = [];
    if (existsSync(modules)) {
      for (const entry of await readdir(modules)) {
        if (entry.startsWith('.')) continue;
        if (entry.startsWith('@')) for (const sub of await readdir(join(modules, entry))) installed.push(`${entry}/${sub}`);
        else installed.push(entry);
      }
    }
    const optional = new Set(Object.keys(pkg.optionalDependencies ?? {}));
    // An optional package's own dependencies may be installed beside it; anything else is a leak.
    expect(Object.keys(pkg.dependencies ?? {}).filter((d) => !optional.has(d))).toEqual([]);
    if (optional.size === 0) expect(installed).toEqual([]);
  });

  it('runs `awsfed --version` and `awsfed --help` from outside the repository', async () => {
    const version = await runProcess(awsfed, ['--version'], { env: installedEnv(), cwd });
    expect(version.code, explain(version)).toBe(0);
    expect(version.stdout).toBe(`${pkg.version}\n`);
    const help = await runProcess(awsfed, ['--help'], { env: installedEnv(), cwd });
    expect(help.code, explain(help)).toBe(0);
    expect(help.stdout).toMatch(/^Usage: awsfed /);
    expect(help.stdout).toMatch(/\blogin\b/);
    expect(help.stderr).toBe('');
  });

  it('runs `awsfed demo --no-prompt` to the end', async () => {
    const demo = await runProcess(awsfed, ['demo', '--no-prompt'], { env: installedEnv(), cwd, timeoutMs: 120_000 });
    expect(demo.code, explain(demo)).toBe(0);
    expect(demo.stdout).toMatch(/Signed in: profile saml holds 111111111111\/ADFS-ReadOnly/);
    expect(demo.stdout).toMatch(/^Done\./m);
    expectNoSecrets(demo, []);
  });

  describe('a non-interactive login against the emulators', () => {
    let env: DemoEnvironment;
    beforeAll(async () => {
      env = await startDemoEnvironment({ variant: 'adfs2019' });
    });
    afterAll(async () => {
      await env?.close();
    });

    it('signs in with AWSFED_PASSWORD and writes the credentials', async () => {
      const args = ['login', '--idp-url', env.adfs.entryUrl, '--username', DEMO_USER.username, '--role', '*ReadOnly', '--no-prompt'];
      const result = await runProcess(awsfed, args, {
        env: installedEnv({ AWS_ENDPOINT_URL_STS: env.sts.url, AWSFED_PASSWORD: DEMO_USER.password }),
        cwd,
        timeoutMs: 60_000,
      });
      expect(result.code, explain(result)).toBe(0);
      expectNoSecrets(result, [DEMO_USER.password]);
      const section = parseIni(await home.read('credentials'), home.credentialsFile).getSection('saml');
      expect(section?.aws_access_key_id).toMatch(/^ASIA[A-Z0-9]{16}$/);
      expect(section?.aws_session_token).toMatch(/^\S{100,}$/);
    });
  });
});
