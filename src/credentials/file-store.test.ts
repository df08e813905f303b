import { spawnSync } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileError } from '../errors.js';
import { MAX_INI_FILE_BYTES, readIniFile, updateIniFile } from './file-store.js';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, '../../fixtures/ini', name), 'utf8');
const modeOf = async (path: string): Promise<number> => (await fs.stat(path)).mode & 0o777;

let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'awsfed-store-'));
});

afterEach(async () => {
  vi.restoreAllMocks();
  await fs.rm(dir, { recursive: true, force: true });
});

/** Every file under dir, recursively, relative names. */
async function listAll(root: string): Promise<string[]> {
  const entries = await fs.readdir(root, { recursive: true });
  return entries.map(String).sort();
}

async function expectNoLeftovers(root: string): Promise<void> {
  const names = await listAll(root);
  expect(names.filter((n) => n.endsWith('.tmp') || n.endsWith('.lock'))).toEqual([]);
}

async function rejection(promise: Promise<unknown>): Promise<FileError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FileError) return error;
    throw error;
  }
  throw new Error('expected a FileError');
}

describe('readIniFile', () => {
  it('returns undefined for a missing file', async () => {
    expect(await readIniFile(join(dir, 'nope'))).toBeUndefined();
  });

  it('parses an existing file losslessly', async () => {
    const path = join(dir, 'credentials');
    await fs.writeFile(path, fixture('credentials-crlf.ini'));
    const doc = await readIniFile(path);
    expect(doc?.toString()).toBe(fixture('credentials-crlf.ini'));
    expect(doc?.get('work', 'aws_access_key_id')).toBe('AKIAI44QH8DHBEXAMPLE');
  });

  it('reports a directory as unreadable with a hint', async () => {
    const error = await rejection(readIniFile(dir));
    expect(error.code).toBe('FILE_UNREADABLE');
    expect(error.message).toContain('EISDIR');
    expect(error.hint).toContain('is a directory');
  });

  // A FIFO blocks open() and read() until a writer comes, and /dev/zero never ends: either used to hang
  // the run forever (or grow until the heap ran out) before the password was even asked.
  it('refuses a FIFO at once instead of waiting for a writer', async () => {
    const path = join(dir, 'credentials');
    expect(spawnSync('mkfifo', [path]).status).toBe(0);
    const error = await rejection(readIniFile(path));
    expect(error.code).toBe('FILE_UNREADABLE');
    expect(error.message).toContain('not a regular file');
    expect(error.hint).toContain(path);
  });

  it('refuses a link to a device such as /dev/zero instead of reading it forever', async () => {
    const path = join(dir, 'config');
    await fs.symlink('/dev/zero', path);
    const error = await rejection(readIniFile(path));
    expect(error.code).toBe('FILE_UNREADABLE');
    expect(error.message).toContain('not a regular file');
  });

  it('refuses a file over MAX_INI_FILE_BYTES before reading it, and takes one of that size', async () => {
    const path = join(dir, 'credentials');
    const line = `# ${'x'.repeat(1021)}\n`; // 1 KiB
    await fs.writeFile(path, line.repeat(MAX_INI_FILE_BYTES / 1024));
    expect((await readIniFile(path))?.toString().length).toBe(MAX_INI_FILE_BYTES);
    await fs.appendFile(path, '\n');
    const error = await rejection(readIniFile(path));
    expect(error.code).toBe('FILE_TOO_LARGE');
    expect(error.message).toContain(path);
  });

  it('reports a malformed file with path and line', async () => {
    const path = join(dir, 'config');
    await fs.writeFile(path, fixture('malformed-unclosed-section.ini'));
    const error = await rejection(readIniFile(path));
    expect(error.code).toBe('FILE_PARSE');
    expect(error.message.startsWith(`${path}:4: `)).toBe(true);
  });

  it('refuses a file that is not valid UTF-8 (it could not be written back byte-for-byte)', async () => {
    const path = join(dir, 'config');
    await fs.writeFile(path, Buffer.from('[a]\n# caf\xe9\n', 'latin1'));
    const error = await rejection(readIniFile(path));
    expect(error.code).toBe('FILE_PARSE');
    expect(error.message).toContain('UTF-8');
  });
});

describe('updateIniFile', () => {
  it('creates a missing file 0600 in a new directory 0700', async () => {
    const path = join(dir, 'home', '.aws', 'credentials');
    await updateIniFile(path, (doc) => doc.set('saml', 'aws_access_key_id', 'AKIA1'));
    expect(await fs.readFile(path, 'utf8')).toBe('[saml]\naws_access_key_id = AKIA1\n');
    expect(await modeOf(path)).toBe(0o600);
    expect(await modeOf(join(dir, 'home', '.aws'))).toBe(0o700);
    expect(await modeOf(join(dir, 'home'))).toBe(0o700);
    await expectNoLeftovers(dir);
  });

  it.each([0o640, 0o660, 0o600])('keeps the mode %o of an existing file', async (mode) => {
    const path = join(dir, 'credentials');
    await fs.writeFile(path, fixture('credentials-basic.ini'));
    await fs.chmod(path, mode);
    await updateIniFile(path, (doc) => doc.set('saml', 'aws_session_token', 'NEW'));
    expect(await modeOf(path)).toBe(mode);
    expect(await fs.readFile(path, 'utf8')).toBe(
      fixture('credentials-basic.ini').replace(/aws_session_token=.*\n/, 'aws_session_token=NEW\n'),
    );
    await expectNoLeftovers(dir);
  });

  it('edits the target of a symbolic link and keeps the link', async () => {
    const real = join(dir, 'dotfiles', 'aws-credentials');
    const link = join(dir, 'home', '.aws', 'credentials');
    await fs.mkdir(join(dir, 'dotfiles'));
    await fs.mkdir(join(dir, 'home', '.aws'), { recursive: true });
    await fs.writeFile(real, '[a]\nk = 1\n');
    await fs.symlink('../../dotfiles/aws-credentials', link);
    await updateIniFile(link, (doc) => doc.set('a', 'k', '2'));
    expect((await fs.lstat(link)).isSymbolicLink()).toBe(true);
    expect(await fs.readlink(link)).toBe('../../dotfiles/aws-credentials');
    expect(await fs.readFile(real, 'utf8')).toBe('[a]\nk = 2\n');
    await expectNoLeftovers(dir);
  });

  it('creates the target of a dangling symbolic link', async () => {
    const real = join(dir, 'elsewhere', 'creds');
    const link = join(dir, 'credentials');
    await fs.symlink(real, link);
    await updateIniFile(link, (doc) => doc.set('a', 'k', '1'));
    expect((await fs.lstat(link)).isSymbolicLink()).toBe(true);
    expect(await fs.readFile(real, 'utf8')).toBe('[a]\nk = 1\n');
  });

  it('refuses an unparseable file and leaves it byte-identical', async () => {
    const path = join(dir, 'config');
    const text = fixture('malformed-no-equals.ini');
    await fs.writeFile(path, text);
    const before = await fs.stat(path);
    const edit = vi.fn();
    const error = await rejection(updateIniFile(path, edit));
    expect(error.code).toBe('FILE_PARSE');
    expect(error.message).toContain(`${path}:3:`);
    expect(edit).not.toHaveBeenCalled();
    expect(await fs.readFile(path, 'utf8')).toBe(text);
    expect((await fs.stat(path)).mtimeMs).toBe(before.mtimeMs);
    await expectNoLeftovers(dir);
  });

  it('leaves the file untouched when the edit throws', async () => {
    const path = join(dir, 'config');
    await fs.writeFile(path, '[a]\nk = 1\n');
    await expect(
      updateIniFile(path, (doc) => {
        doc.set('a', 'k', '2');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await fs.readFile(path, 'utf8')).toBe('[a]\nk = 1\n');
    await expectNoLeftovers(dir);
  });

  it('does not write when nothing changed, and does not create an empty file', async () => {
    const path = join(dir, 'config');
    await fs.writeFile(path, '[a]\nk = 1\n');
    const before = await fs.stat(path);
    await updateIniFile(path, (doc) => doc.set('a', 'k', '1'));
    const after = await fs.stat(path);
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    await updateIniFile(join(dir, 'missing'), () => undefined);
    expect(await listAll(dir)).toEqual(['config']);
  });

  it('lands every one of 10 concurrent writers', async () => {
    const path = join(dir, 'credentials');
    await fs.writeFile(path, fixture('credentials-many.ini'));
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        updateIniFile(path, (doc) => {
          doc.set(`writer-${i}`, 'aws_access_key_id', `AKIA${i}`);
          doc.set(`acct-${String(i).padStart(2, '0')}`, 'x_writer', String(i));
        }),
      ),
    );
    const doc = await readIniFile(path);
    for (let i = 0; i < 10; i++) {
      expect(doc?.get(`writer-${i}`, 'aws_access_key_id')).toBe(`AKIA${i}`);
      expect(doc?.get(`acct-${String(i).padStart(2, '0')}`, 'x_writer')).toBe(String(i));
    }
    expect(doc?.sectionNames()).toHaveLength(50);
    await expectNoLeftovers(dir);
  });

  it('fails with FILE_LOCKED naming the lock file when a fresh lock exists', async () => {
    const path = join(dir, 'credentials');
    await fs.writeFile(path, '[a]\nk = 1\n');
    await fs.writeFile(`${path}.lock`, '999 other\n');
    const link = vi.spyOn(fs, 'link');
    const error = await rejection(updateIniFile(path, (doc) => doc.set('a', 'k', '2'), { lockTimeoutMs: 300 }));
    // It waited for the lock (tried to create it again and again) instead of failing at the first try.
    expect(lockAttempts(link, path)).toBeGreaterThan(1);
    expect(error.code).toBe('FILE_LOCKED');
    expect(error.hint).toContain(`${path}.lock`);
    expect(await fs.readFile(path, 'utf8')).toBe('[a]\nk = 1\n');
    // The lock belongs to someone else: it stays.
    expect(await fs.readFile(`${path}.lock`, 'utf8')).toBe('999 other\n');
  });

  it('breaks a stale lock left by a crashed run', async () => {
    const path = join(dir, 'credentials');
    await fs.writeFile(`${path}.lock`, '999 crashed\n');
    const old = new Date(Date.now() - 60_000);
    await fs.utimes(`${path}.lock`, old, old);
    await updateIniFile(path, (doc) => doc.set('a', 'k', '1'), { lockTimeoutMs: 300 });
    expect(await fs.readFile(path, 'utf8')).toBe('[a]\nk = 1\n');
    await expectNoLeftovers(dir);
  });

  it('removes its temp file and lock when the rename fails', async () => {
    const path = join(dir, 'credentials');
    await fs.writeFile(path, '[a]\nk = 1\n');
    vi.spyOn(fs, 'rename').mockRejectedValueOnce(Object.assign(new Error('nope'), { code: 'EROFS' }));
    const error = await rejection(updateIniFile(path, (doc) => doc.set('a', 'k', '2')));
    expect(error.code).toBe('FILE_UNWRITABLE');
    expect(error.hint).toContain('read-only');
    expect(await fs.readFile(path, 'utf8')).toBe('[a]\nk = 1\n');
    await expectNoLeftovers(dir);
  });

});

/** A pid that belonged to a process that has exited (a child we ran and waited for). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' });
  if (child.pid === undefined) throw new Error('could not start a child process');
  return child.pid;
}

/** Attempts to create `<path>.lock` seen by a spy on fs.link (the lock is linked into place). */
function lockAttempts(link: { mock: { calls: unknown[][] } }, path: string): number {
  return link.mock.calls.filter(([, to]) => String(to) === `${path}.lock`).length;
}

describe('updateIniFile temp files', () => {
  it('sweeps the temp files of dead processes and leaves those of live ones and of other files', async () => {
    const path = join(dir, 'credentials');
    await fs.writeFile(path, '[a]\nk = 1\n');
    const dead = deadPid();
    const stale = [`.credentials.${dead}.0a1b2c3d4e5f.tmp`, `.credentials.${dead}.ffffffffffff.tmp`];
    // The parent of this test worker is alive, and is not this process.
    const live = `.credentials.${process.ppid}.0a1b2c3d4e5f.tmp`;
    const other = `.config.${dead}.0a1b2c3d4e5f.tmp`;
    for (const name of [...stale, live, other]) await fs.writeFile(join(dir, name), '[a]\naws_secret_access_key = live\n');
    await updateIniFile(path, (doc) => doc.set('a', 'k', '2'));
    expect(await listAll(dir)).toEqual([other, live, 'credentials'].sort());
    expect(await fs.readFile(path, 'utf8')).toBe('[a]\nk = 2\n');
  });

  it('sweeps the temp files of the lock and break lock left by dead processes', async () => {
    const path = join(dir, 'credentials');
    const dead = deadPid();
    for (const name of [`.credentials.lock.${dead}.0a1b2c3d4e5f.tmp`, `.credentials.lock.break.${dead}.0a1b2c3d4e5f.tmp`]) {
      await fs.writeFile(join(dir, name), `${dead} 0123456789abcdef ${hostname()}\n`);
    }
    await updateIniFile(path, (doc) => doc.set('a', 'k', '1'));
    expect(await listAll(dir)).toEqual(['credentials']);
  });

  it('sweeps a temp file named with its own pid that it did not create (a dead run that had the same pid, as in containers)', async () => {
    const path = join(dir, 'credentials');
    const mine = `.credentials.${process.pid}.0a1b2c3d4e5f.tmp`;
    await fs.writeFile(join(dir, mine), 'x');
    await updateIniFile(path, (doc) => doc.set('a', 'k', '1'));
    expect(await listAll(dir)).toEqual(['credentials']);
  });

  it('sweeps even when the edit changes nothing', async () => {
    const path = join(dir, 'credentials');
    await fs.writeFile(path, '[a]\nk = 1\n');
    await fs.writeFile(join(dir, `.credentials.${deadPid()}.abcdef012345.tmp`), 'x');
    await updateIniFile(path, (doc) => doc.set('a', 'k', '1'));
    expect(await listAll(dir)).toEqual(['credentials']);
  });

  it('installs its signal handlers only while a write is in flight', async () => {
    const path = join(dir, 'credentials');
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    const counts = (): number[] => [...signals.map((s) => process.listenerCount(s)), process.listenerCount('exit')];
    const before = counts();
    let during: number[] = [];
    const rename = fs.rename.bind(fs);
    vi.spyOn(fs, 'rename').mockImplementationOnce(async (from, to) => {
      during = counts();
      return rename(from, to);
    });
    await updateIniFile(path, (doc) => doc.set('a', 'k', '1'));
    expect(during).toEqual(before.map((n) => n + 1));
    expect(counts()).toEqual(before);
  });
});

describe('updateIniFile lock holders', () => {
  it('writes the pid, a token and the host name into the lock', async () => {
    const path = join(dir, 'credentials');
    let content = '';
    await updateIniFile(path, () => {
      content = readFileSync(`${path}.lock`, 'utf8');
    });
    expect(content).toBe(`${process.pid} ${content.split(' ')[1]} ${hostname()}\n`);
    expect(content.split(' ')[1]).toMatch(/^[0-9a-f]{16}$/);
  });

  it('takes over at once a fresh lock whose holder is a dead process on this host, without a waiting message', async () => {
    const path = join(dir, 'credentials');
    await fs.writeFile(path, '[a]\nk = 1\n');
    await fs.writeFile(`${path}.lock`, `${deadPid()} 0123456789abcdef ${hostname()}\n`);
    const onWait = vi.fn();
    // A lock timeout far above the test timeout: waiting for it would fail the test.
    await updateIniFile(path, (doc) => doc.set('a', 'k', '2'), { lockTimeoutMs: 60_000, staleLockMs: 60_000, onWait });
    expect(onWait).not.toHaveBeenCalled();
    expect(await fs.readFile(path, 'utf8')).toBe('[a]\nk = 2\n');
    await expectNoLeftovers(dir);
  }, 10_000);

  it('takes over a lock naming its own pid with a token it does not hold (a dead run that had the same pid)', async () => {
    const path = join(dir, 'credentials');
    await fs.writeFile(`${path}.lock`, `${process.pid} 0123456789abcdef ${hostname()}\n`);
    const onWait = vi.fn();
    await updateIniFile(path, (doc) => doc.set('a', 'k', '1'), { lockTimeoutMs: 60_000, staleLockMs: 60_000, onWait });
    expect(onWait).not.toHaveBeenCalled();
    expect(await fs.readFile(path, 'utf8')).toBe('[a]\nk = 1\n');
    await expectNoLeftovers(dir);
  }, 10_000);

  it('lands every one of 10 concurrent writers that all find the same dead holder', async () => {
    const path = join(dir, 'credentials');
    await fs.writeFile(`${path}.lock`, `${deadPid()} 0123456789abcdef ${hostname()}\n`);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        updateIniFile(path, (doc) => doc.set(`writer-${i}`, 'aws_access_key_id', `AKIA${i}`), { lockTimeoutMs: 60_000, staleLockMs: 60_000 }),
      ),
    );
    const doc = await readIniFile(path);
    expect(doc?.sectionNames().sort()).toEqual(Array.from({ length: 10 }, (_, i) => `writer-${i}`).sort());
    await expectNoLeftovers(dir);
  }, 20_000);

  it('waits for a live holder on this host with one message naming its pid and the lock, then proceeds once released', async () => {
    const path = join(dir, 'credentials');
    await fs.writeFile(path, '[a]\nk = 1\n');
    const holder = process.ppid;
    await fs.writeFile(`${path}.lock`, `${holder} 0123456789abcdef ${hostname()}\n`);
    const link = vi.spyOn(fs, 'link');
    const messages: string[] = [];
    const writing = updateIniFile(path, (doc) => doc.set('a', 'k', '2'), { lockTimeoutMs: 60_000, staleLockMs: 1, onWait: (m) => messages.push(m) });
    // Let it retry a few times (a live holder is never broken, however old its lock), then release.
    await vi.waitFor(() => expect(lockAttempts(link, path)).toBeGreaterThanOrEqual(5), { timeout: 20_000, interval: 5 });
    expect(await fs.readFile(path, 'utf8')).toBe('[a]\nk = 1\n');
    await fs.unlink(`${path}.lock`);
    await writing;
    expect(messages).toEqual([`waiting for another awsfed run (pid ${holder}) to release ${path}.lock…`]);
    expect(await fs.readFile(path, 'utf8')).toBe('[a]\nk = 2\n');
    await expectNoLeftovers(dir);
  }, 30_000);

  it('takes over at once when the run that was breaking a dead lock was killed too (its .break file stays)', async () => {
    const path = join(dir, 'credentials');
    await fs.writeFile(`${path}.lock`, `${deadPid()} 0123456789abcdef ${hostname()}\n`);
    await fs.writeFile(`${path}.lock.break`, `${deadPid()} fedcba9876543210 ${hostname()}\n`);
    await updateIniFile(path, (doc) => doc.set('a', 'k', '1'), { lockTimeoutMs: 60_000, staleLockMs: 60_000 });
    expect(await fs.readFile(path, 'utf8')).toBe('[a]\nk = 1\n');
    await expectNoLeftovers(dir);
    expect(await listAll(dir)).toEqual(['credentials']);
  }, 10_000);

  it('waits for (and never breaks) a lock it cannot read, then fails with FILE_LOCKED', async () => {
    const path = join(dir, 'credentials');
    await fs.writeFile(`${path}.lock`, 'someone else\n');
    const old = new Date(Date.now() - 60_000);
    await fs.utimes(`${path}.lock`, old, old);
    const readFile = fs.readFile.bind(fs);
    vi.spyOn(fs, 'readFile').mockImplementation(((file: string, ...rest: []) =>
      String(file) === `${path}.lock` ? Promise.reject(Object.assign(new Error('denied'), { code: 'EACCES' })) : readFile(file, ...rest)) as typeof fs.readFile);
    const error = await rejection(updateIniFile(path, (doc) => doc.set('a', 'k', '1'), { lockTimeoutMs: 200 }));
    expect(error.code).toBe('FILE_LOCKED');
    vi.restoreAllMocks();
    expect(await fs.readFile(`${path}.lock`, 'utf8')).toBe('someone else\n');
  });


  it('gives up with FILE_LOCKED when the lock path is a dangling symbolic link (it reads as gone for ever)', async () => {
    const path = join(dir, 'credentials');
    await fs.symlink(join(dir, 'nowhere'), `${path}.lock`);
    const error = await rejection(updateIniFile(path, (doc) => doc.set('a', 'k', '1'), { lockTimeoutMs: 200 }));
    expect(error.code).toBe('FILE_LOCKED');
    expect(error.hint).toContain(`${path}.lock`);
    expect(await fs.readlink(`${path}.lock`)).toBe(join(dir, 'nowhere'));
    // The deadline above is 200 ms; 10 s only guards against the endless retry this test is about.
  }, 10_000);
  it('still locks where hard links are not supported (creating the lock with O_EXCL instead)', async () => {
    const path = join(dir, 'credentials');
    vi.spyOn(fs, 'link').mockRejectedValue(Object.assign(new Error('not supported'), { code: 'EPERM' }));
    let content = '';
    await updateIniFile(path, (doc) => {
      content = readFileSync(`${path}.lock`, 'utf8');
      doc.set('a', 'k', '1');
    });
    expect(content).toMatch(new RegExp(`^${process.pid} [0-9a-f]{16} ${hostname()}\n$`));
    expect(await listAll(dir)).toEqual(['credentials']);
  });

  it('fails with FILE_LOCKED naming the pid when a live holder keeps the lock past the timeout', async () => {
    const path = join(dir, 'credentials');
    await fs.writeFile(`${path}.lock`, `${process.ppid} 0123456789abcdef ${hostname()}\n`);
    const error = await rejection(updateIniFile(path, (doc) => doc.set('a', 'k', '1'), { lockTimeoutMs: 200 }));
    expect(error.code).toBe('FILE_LOCKED');
    expect(error.message).toContain(`pid ${process.ppid}`);
    expect(error.hint).toContain(`pid ${process.ppid}`);
    expect(error.hint).toContain(`${path}.lock`);
    expect(await fs.readFile(`${path}.lock`, 'utf8')).toBe(`${process.ppid} 0123456789abcdef ${hostname()}\n`);
  });

  it('never judges a lock from another host by its pid: a fresh one is waited for, with the host in the message', async () => {
    const path = join(dir, 'credentials');
    const content = `${deadPid()} 0123456789abcdef ${hostname()}-elsewhere\n`;
    await fs.writeFile(`${path}.lock`, content);
    const messages: string[] = [];
    const error = await rejection(updateIniFile(path, (doc) => doc.set('a', 'k', '1'), { lockTimeoutMs: 200, onWait: (m) => messages.push(m) }));
    expect(error.code).toBe('FILE_LOCKED');
    expect(error.hint).toContain(`on ${hostname()}-elsewhere`);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(`on ${hostname()}-elsewhere`);
    expect(await fs.readFile(`${path}.lock`, 'utf8')).toBe(content);
  });

  it('breaks a lock from another host only when it is older than staleLockMs', async () => {
    const path = join(dir, 'credentials');
    await fs.writeFile(`${path}.lock`, `${process.ppid} 0123456789abcdef ${hostname()}-elsewhere\n`);
    const old = new Date(Date.now() - 60_000);
    await fs.utimes(`${path}.lock`, old, old);
    await updateIniFile(path, (doc) => doc.set('a', 'k', '1'), { lockTimeoutMs: 60_000 });
    expect(await fs.readFile(path, 'utf8')).toBe('[a]\nk = 1\n');
    await expectNoLeftovers(dir);
  }, 10_000);
});
