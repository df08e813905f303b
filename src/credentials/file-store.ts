/**
 * The disk adapter for ~/.aws/config and ~/.aws/credentials.
 *
 * updateIniFile is the only way awsfed writes these files: lock, read, parse (refuse on error),
 * edit, write a temp file beside the target, fsync, rename over it. A reader (the AWS CLI, an SDK)
 * therefore sees the old file or the new one, never half of one, and two awsfed runs never lose
 * each other's profile. An unreadable or unparseable file is an error, never "empty".
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { FileError } from '../errors.js';
import { type IniDocument, parseIni } from '../ini/document.js';

export interface UpdateIniOptions {
  /** Give up waiting for another run's lock after this long (default 10 s). */
  lockTimeoutMs?: number;
  /** A lock file older than this (by mtime) was left by a crashed run and is broken (default 30 s). */
  staleLockMs?: number;
}

const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
const DEFAULT_STALE_LOCK_MS = 30_000;
const NEW_FILE_MODE = 0o600;
const NEW_DIR_MODE = 0o700;

function errnoCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

function unreadable(path: string, error: unknown): FileError {
  const code = errnoCode(error);
  const hints: Record<string, string> = {
    EACCES: `Check the permissions of ${path} and its directory (ls -l); it should be readable by you.`,
    EPERM: `Check the permissions of ${path} and its directory (ls -l); it should be readable by you.`,
    EISDIR: `${path} is a directory; point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE at a file.`,
    ENOTDIR: `A parent of ${path} is a file, not a directory; fix the path.`,
    ELOOP: `${path} is a symbolic link loop; fix or remove the link.`,
  };
  return new FileError('FILE_UNREADABLE', `cannot read ${path} (${code ?? 'error'})`, {
    hint: (code && hints[code]) ?? `Check that ${path} is a readable file.`,
    cause: error,
  });
}

function unwritable(path: string, error: unknown): FileError {
  const code = errnoCode(error);
  const hints: Record<string, string> = {
    EACCES: `Check that you can write to ${dirname(path)} (ls -ld); awsfed replaces the file by renaming a temp file there.`,
    EPERM: `Check that you can write to ${dirname(path)} (ls -ld); awsfed replaces the file by renaming a temp file there.`,
    EROFS: `${dirname(path)} is on a read-only file system; point the file elsewhere with AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE.`,
    ENOSPC: 'The disk is full; free some space and run again.',
    EDQUOT: 'Your disk quota is exhausted; free some space and run again.',
  };
  return new FileError('FILE_UNWRITABLE', `cannot write ${path} (${code ?? 'error'})`, {
    hint: (code && hints[code]) ?? `Check that ${dirname(path)} is a writable directory.`,
    cause: error,
  });
}

/** Strict UTF-8: a file we cannot decode exactly, we could not write back byte-for-byte. */
function decode(bytes: Buffer, path: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (error) {
    throw new FileError('FILE_PARSE', `${path}: the file is not valid UTF-8`, {
      hint: 'Save the file as UTF-8 (remove or re-type non-ASCII characters); awsfed never rewrites a file it cannot parse.',
      cause: error,
    });
  }
}

async function readText(path: string): Promise<string | undefined> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(path);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw unreadable(path, error);
  }
  return decode(bytes, path);
}

/** Reads and parses an INI file; undefined when it does not exist. */
export async function readIniFile(path: string): Promise<IniDocument | undefined> {
  const text = await readText(path);
  return text === undefined ? undefined : parseIni(text, path);
}

/**
 * Follows symbolic links (also dangling ones) to the file that should be edited, so that a
 * ~/.aws/credentials linked into a dotfiles repo stays a link and the target is updated.
 * The directory part is resolved too, so every alias of a file shares one lock.
 */
async function resolveTarget(path: string): Promise<string> {
  let current = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    let isLink: boolean;
    try {
      isLink = (await fs.lstat(current)).isSymbolicLink();
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') break;
      throw unreadable(path, error);
    }
    if (!isLink) break;
    current = resolve(dirname(current), await fs.readlink(current));
    if (hops === 39) throw unreadable(path, Object.assign(new Error('too many symbolic links'), { code: 'ELOOP' }));
  }
  try {
    return join(await fs.realpath(dirname(current)), basename(current));
  } catch {
    return current; // the directory does not exist yet; it is created next
  }
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Creates `<file>.lock` exclusively; returns a release function. */
async function acquireLock(target: string, options: UpdateIniOptions): Promise<() => Promise<void>> {
  const lockPath = `${target}.lock`;
  const timeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const staleMs = options.staleLockMs ?? DEFAULT_STALE_LOCK_MS;
  const token = `${process.pid} ${randomBytes(8).toString('hex')}\n`;
  const deadline = Date.now() + timeoutMs;
  let delay = 5;
  for (;;) {
    try {
      const handle = await fs.open(lockPath, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, NEW_FILE_MODE);
      try {
        await handle.writeFile(token);
      } finally {
        await handle.close();
      }
      return async () => {
        // Remove only our own lock: if a slow run had its lock broken as stale, the lock now
        // belongs to someone else.
        const content = await fs.readFile(lockPath, 'utf8').catch(() => undefined);
        if (content === token) await fs.unlink(lockPath).catch(() => undefined);
      };
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw unwritable(lockPath, error);
    }
    const stat = await fs.stat(lockPath).catch(() => undefined);
    if (stat && Date.now() - stat.mtimeMs > staleMs) {
      // Left by a run that crashed. Two runs breaking the same stale lock at the same instant
      // could both proceed; that needs a crash plus a race within milliseconds, and we accept it.
      await fs.unlink(lockPath).catch(() => undefined);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new FileError('FILE_LOCKED', `${target} is locked by another awsfed run (${lockPath})`, {
        hint: `Wait for the other run to finish; if none is running, delete ${lockPath}.`,
      });
    }
    await sleep(Math.min(delay + Math.random() * delay, Math.max(1, deadline - Date.now())));
    delay = Math.min(delay * 2, 200);
  }
}

async function currentState(target: string): Promise<{ text: string; mode: number; uid: number; gid: number } | undefined> {
  const text = await readText(target);
  if (text === undefined) return undefined;
  const stat = await fs.stat(target).catch((error: unknown) => {
    throw unreadable(target, error);
  });
  return { text, mode: stat.mode & 0o7777, uid: stat.uid, gid: stat.gid };
}

async function writeAtomically(target: string, text: string, previous: { mode: number; uid: number; gid: number } | undefined): Promise<void> {
  const dir = dirname(target);
  const tempPath = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const mode = previous?.mode ?? NEW_FILE_MODE;
  let created = false;
  try {
    const handle = await fs.open(tempPath, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, NEW_FILE_MODE);
    created = true;
    try {
      // Set the mode explicitly: open() applies the umask, which could loosen or tighten it.
      await handle.chmod(mode);
      if (previous && typeof process.getuid === 'function' && (previous.uid !== process.getuid() || previous.gid !== process.getgid?.())) {
        // e.g. run under sudo on a user's file: keep its owner when we are allowed to.
        await handle.chown(previous.uid, previous.gid).catch(() => undefined);
      }
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tempPath, target);
    created = false;
  } catch (error) {
    if (created) await fs.unlink(tempPath).catch(() => undefined);
    throw error instanceof FileError ? error : unwritable(target, error);
  }
  // Make the rename itself durable; not supported everywhere (Windows), and the data is already safe.
  const dirHandle = await fs.open(dir, 'r').catch(() => undefined);
  if (dirHandle) {
    await dirHandle.sync().catch(() => undefined);
    await dirHandle.close();
  }
}

/**
 * Locks, reads, parses, edits and atomically replaces an INI file. A missing file starts empty
 * and is created 0600 (its directory 0700); an existing file keeps its mode. A file that cannot be
 * parsed is left untouched and the FILE_PARSE error is thrown. No change, no write.
 */
export async function updateIniFile(path: string, edit: (doc: IniDocument) => void, options: UpdateIniOptions = {}): Promise<void> {
  const target = await resolveTarget(path);
  try {
    await fs.mkdir(dirname(target), { recursive: true, mode: NEW_DIR_MODE });
  } catch (error) {
    throw unwritable(target, error);
  }
  const release = await acquireLock(target, options);
  try {
    const previous = await currentState(target);
    const before = previous?.text ?? '';
    const doc = parseIni(before, path === target ? path : `${path} -> ${target}`);
    edit(doc);
    const after = doc.toString();
    if (after === before) return;
    await writeAtomically(target, after, previous);
  } finally {
    await release();
  }
}
