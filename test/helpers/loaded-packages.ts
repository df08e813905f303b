/**
 * Which packages a run of the built CLI loaded: the CLI runs under a module-load hook
 * (load-trace.mjs), and each loaded bundle file is mapped back to the packages in it through esbuild's
 * metafile (dist/meta.json); a file loaded straight from node_modules counts as its package.
 */
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { BIN, ROOT, explain, runProcess } from './cli.js';

/** `node --import` this to have every loaded file: module printed as `awsfed-loaded URL` on stderr. */
export const HOOK = join(ROOT, 'test', 'helpers', 'load-trace.mjs');
/** HTTP clients, HTML and XML parsers, the AWS SDK, the prompts, the emulators' crypto, the spinner. */
export const HEAVY = /^(axios|follow-redirects|cheerio|htmlparser2|parse5|@aws-sdk\/.*|@smithy\/.*|@xmldom\/xmldom|xml-crypto|xpath|node-forge|tough-cookie|http-cookie-agent|@inquirer\/.*|inquirer|rxjs|undici|yocto-spinner)$/;

type Meta = { outputs: Record<string, { inputs: Record<string, unknown> }> };
let meta: Meta | undefined;

export interface LoadedRun {
  packages: string[];
  /** The loaded files, relative to the repository (dist/bin.cjs, dist/chunks/...). */
  files: string[];
  /** Our own source files (src/...) that went into the loaded bundle files. */
  sources: string[];
  stdout: string;
  /** Node-internal modules of note (undici, Node's fetch, is internal: the hook never sees it). */
  internal: string[];
}

export async function loadedPackages(args: string[], options: { env: Record<string, string>; cwd: string }): Promise<LoadedRun> {
  meta ??= JSON.parse(await readFile(join(ROOT, 'dist', 'meta.json'), 'utf8')) as Meta;
  const r = await runProcess(process.execPath, ['--import', HOOK, BIN, ...args], { env: options.env, cwd: options.cwd });
  expect(r.code, explain(r)).toBe(0);
  const packages = new Set<string>();
  const sources = new Set<string>();
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
      else if (input.startsWith('src/')) sources.add(input);
    }
  }
  const internal = r.stderr.split('\n').filter((l) => l.startsWith('awsfed-loaded-internal ')).map((l) => l.slice('awsfed-loaded-internal '.length));
  return { packages: [...packages].sort(), files, sources: [...sources].sort(), stdout: r.stdout.replace(/^awsfed-loaded.*\n/gm, ''), internal };
}

/** The packages bundled into the dist file at `url` (a line of the load trace without its prefix). */
export async function packagesInFile(url: string): Promise<string[]> {
  meta ??= JSON.parse(await readFile(join(ROOT, 'dist', 'meta.json'), 'utf8')) as Meta;
  const output = meta.outputs[relative(ROOT, fileURLToPath(url))];
  return Object.keys(output?.inputs ?? {}).flatMap((input) => packageOf(input) ?? []);
}

function packageOf(path: string): string | undefined {
  return /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(path)?.[1];
}
