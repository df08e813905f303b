import { promises as fs, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileError } from '../errors.js';
import { readIniFile, updateIniFile } from './file-store.js';

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
    const open = vi.spyOn(fs, 'open');
    const error = await rejection(updateIniFile(path, (doc) => doc.set('a', 'k', '2'), { lockTimeoutMs: 300 }));
    // It waited for the lock (tried to create it again and again) instead of failing at the first try.
    const lockAttempts = open.mock.calls.filter(([p]) => String(p).endsWith('credentials.lock'));
    expect(lockAttempts.length).toBeGreaterThan(1);
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
