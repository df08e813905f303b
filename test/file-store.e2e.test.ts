/**
 * The file store across real processes (test/helpers/file-store-child.mjs runs the built dist/):
 * 20 concurrent writers, runs killed with SIGKILL in the middle of a write, a signal or an exit
 * arriving while a write is in flight, a lock left by a dead process and one held by a live one.
 * Nothing here waits for a time to pass: children say what they are doing on stdout, and the tests
 * act on those lines.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readIniFile, updateIniFile } from '../src/credentials/file-store.js';
import { parseIni } from '../src/ini/document.js';
import { BIN, ROOT, makeTempHome } from './helpers/cli.js';

const CHILD = join(ROOT, 'test', 'helpers', 'file-store-child.mjs');

interface Child {
  process: ChildProcessWithoutNullStreams;
  /** Resolves with the first stdout line starting with `prefix`. */
  line(prefix: string): Promise<string>;
  /** Resolves with how the child ended. */
  ended: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  send(line: string): void;
}

const children: Child[] = [];
let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'awsfed-store-e2e-'));
  file = join(dir, 'credentials');
});

afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
    await c.ended;
  }
  await rm(dir, { recursive: true, force: true });
});

function startChild(args: string[]): Child {
  const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '' } });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ prefix: string; resolve: (line: string) => void }> = [];
  const check = (): void => {
    for (const w of [...waiters]) {
      const found = stdout.split('\n').find((l) => l.startsWith(w.prefix));
      if (found !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(found);
      }
    }
  };
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    check();
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  const handle: Child = {
    process: child,
    line: (prefix) =>
      Promise.race([
        new Promise<string>((resolve) => {
          waiters.push({ prefix, resolve });
          check();
        }),
        ended.then((e) => {
          throw new Error(`child ended (${e.code ?? e.signal}) before printing "${prefix}"\nstdout:${stdout}\nstderr:${e.stderr}`);
        }),
      ]),
    ended,
    send: (line) => void child.stdin.write(`${line}\n`),
  };
  children.push(handle);
  return handle;
}

/** A pid that belonged to a process that has exited. */
async function deadPid(): Promise<number> {
  const child = startChild(['no-such-mode', file]);
  await child.ended;
  return child.process.pid!;
}

async function siblings(): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n !== 'credentials').sort();
}

describe('concurrent writers', () => {
  it('20 processes each adding its own profile: all 20 land, no duplicate section, the file parses', async () => {
    await writeFile(file, '# shared\n[default]\nregion = eu-west-1\n', { mode: 0o600 });
    const writers = Array.from({ length: 20 }, (_, i) => startChild(['write', file, `writer-${i}`]));
    const results = await Promise.all(writers.map((w) => w.ended));
    expect(results.map((r) => r.code)).toEqual(results.map(() => 0));
    const text = await readFile(file, 'utf8');
    const doc = parseIni(text);
    const expected = Array.from({ length: 20 }, (_, i) => `writer-${i}`);
    expect(doc.sectionNames().sort()).toEqual(['default', ...expected].sort());
    expect(text.match(/^\[/gm)).toHaveLength(21);
    for (const name of expected) expect(doc.get(name, 'aws_access_key_id')).toBe(`AKIA-${name}`);
    expect(text.startsWith('# shared\n[default]\nregion = eu-west-1\n')).toBe(true);
    expect(await siblings()).toEqual([]);
  }, 60_000);

  it('8 processes that all find the lock of a dead process take it over one at a time and all land', async () => {
    await writeFile(`${file}.lock`, `${await deadPid()} 0123456789abcdef ${hostname()}\n`);
    const writers = Array.from({ length: 8 }, (_, i) => startChild(['write', file, `writer-${i}`]));
    const results = await Promise.all(writers.map((w) => w.ended));
    expect(results.map((r) => r.code)).toEqual(results.map(() => 0));
    const doc = await readIniFile(file);
    expect(doc?.sectionNames().sort()).toEqual(Array.from({ length: 8 }, (_, i) => `writer-${i}`).sort());
    expect(await siblings()).toEqual([]);
    // The children judge locks by age only after 120 s: finishing well before means they took it over.
  }, 30_000);
});

describe('a lock held by a live process', () => {
  it('makes the writer wait, saying so once with the holder pid, and proceed once released', async () => {
    await writeFile(file, '[default]\nregion = eu-west-1\n');
    const holder = startChild(['hold-lock', file]);
    await holder.line('locked');
    const messages: string[] = [];
    await updateIniFile(file, (doc) => doc.set('writer', 'aws_access_key_id', 'AKIA-writer'), {
      lockTimeoutMs: 120_000,
      onWait: (message) => {
        messages.push(message);
        holder.send('release');
      },
    });
    expect(messages).toEqual([`waiting for another awsfed run (pid ${holder.process.pid}) to release ${file}.lock…`]);
    expect((await holder.ended).code).toBe(0);
    const doc = await readIniFile(file);
    expect(doc?.get('holder', 'aws_access_key_id')).toBe('AKIA-holder');
    expect(doc?.get('writer', 'aws_access_key_id')).toBe('AKIA-writer');
    expect(await siblings()).toEqual([]);
  }, 60_000);

  it('the CLI prints the waiting message on stderr and completes once the holder releases', async () => {
    const home = await makeTempHome();
    try {
      await writeFile(home.configFile, '[profile saml]\nawsfed_idp_url = https://adfs.example.com/adfs/ls/IdpInitiatedSignOn.aspx\n');
      const holder = startChild(['hold-lock', home.configFile]);
      await holder.line('locked');
      const cli = spawn(process.execPath, [BIN, 'add', 'dev', '--account', '333333333333', '--role', 'Dev', '--source', 'saml'], {
        env: home.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      cli.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        if (stderr.includes('waiting for another awsfed run')) holder.send('release');
      });
      cli.stdout.resume();
      const code = await new Promise<number | null>((resolve) => cli.on('close', resolve));
      expect(stderr).toBe(`waiting for another awsfed run (pid ${holder.process.pid}) to release ${home.configFile}.lock…\n`);
      expect(code).toBe(0);
      expect((await holder.ended).code).toBe(0);
      const config = parseIni(await home.read('config'));
      expect(config.get('profile dev', 'role_arn')).toBe('arn:aws:iam::333333333333:role/Dev');
      expect(config.get('holder', 'aws_access_key_id')).toBe('AKIA-holder');
    } finally {
      await home.cleanup();
    }
  }, 60_000);
});

describe('a write interrupted in flight', () => {
  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('%s: the temp copy and the lock are removed and the process still ends by the signal', async (signal) => {
    await writeFile(file, '[default]\nregion = eu-west-1\n');
    const child = startChild(['hang-before-rename', file]);
    const tempPath = (await child.line('temp ')).slice('temp '.length);
    expect(await readFile(tempPath, 'utf8')).toContain('SECRET-IN-TEMP-FILE');
    expect(await siblings()).toContain('credentials.lock');
    child.process.kill(signal);
    const end = await child.ended;
    expect(end.signal).toBe(signal);
    expect(await siblings()).toEqual([]);
    expect(await readFile(file, 'utf8')).toBe('[default]\nregion = eu-west-1\n');
  }, 30_000);

  it('process.exit: the temp copy and the lock are removed', async () => {
    const child = startChild(['hang-before-rename', file]);
    await child.line('temp ');
    child.send('exit 3');
    expect((await child.ended).code).toBe(3);
    expect(await siblings()).toEqual([]);
  }, 30_000);

  it('a signal the program handles itself (as awsfed exec does) does not end the write, nor remove its files', async () => {
    const child = startChild(['hang-before-rename', file, '--own-sigint']);
    await child.line('temp ');
    child.process.kill('SIGINT');
    await child.line('sigint');
    expect((await siblings()).filter((n) => n.endsWith('.tmp') || n.endsWith('.lock'))).toHaveLength(2);
    child.send('exit 0');
    expect((await child.ended).code).toBe(0);
    expect(await siblings()).toEqual([]);
  }, 30_000);

  it('SIGKILL leaves the temp copy and the lock; the next write takes the lock over at once and sweeps the copy', async () => {
    await writeFile(file, '[default]\nregion = eu-west-1\n');
    const child = startChild(['hang-before-rename', file]);
    const tempPath = (await child.line('temp ')).slice('temp '.length);
    child.process.kill('SIGKILL');
    await child.ended;
    expect(await siblings()).toEqual(['credentials.lock', tempPath.slice(dir.length + 1)].sort());
    const onWait: string[] = [];
    // A lock timeout far above the test timeout: waiting for it would fail the test.
    await updateIniFile(file, (doc) => doc.set('next', 'k', 'v'), { lockTimeoutMs: 120_000, staleLockMs: 120_000, onWait: (m) => onWait.push(m) });
    expect(onWait).toEqual([]);
    expect(await siblings()).toEqual([]);
    expect(await readFile(file, 'utf8')).toBe('[default]\nregion = eu-west-1\n\n[next]\nk = v\n');
  }, 15_000);

  it('SIGKILL at random points of a loop of large writes: the file is always the old or the new text, never torn', async () => {
    const count = 300;
    const size = 1500;
    const textOf = (letter: string): string => {
      const doc = parseIni('');
      for (let i = 0; i < count; i++) doc.set(`p${i}`, 'aws_session_token', letter.repeat(size));
      return doc.toString();
    };
    const texts = new Set([textOf('A'), textOf('B')]);
    await writeFile(file, textOf('A'));
    for (let round = 0; round < 6; round++) {
      const child = startChild(['loop', file, String(count), String(size)]);
      await child.line(`wrote ${1 + Math.floor(Math.random() * 3)}`);
      // A random point inside a later write (each takes milliseconds).
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
      child.process.kill('SIGKILL');
      await child.ended;
      expect(texts.has(await readFile(file, 'utf8'))).toBe(true);
      // The next write (a no-op here) takes over the dead run's lock and sweeps its temp copy.
      await updateIniFile(file, () => undefined, { lockTimeoutMs: 120_000, staleLockMs: 120_000 });
      expect(await siblings()).toEqual([]);
    }
  }, 90_000);
});
