/**
 * The lock that serialises awsfed runs editing one file: `<file>.lock`, created exclusively,
 * holding `PID TOKEN HOST`.
 *
 * Who holds a lock decides what to do when it exists:
 * - a process on this host that is gone (killed, crashed): take the lock over at once;
 * - a live process on this host: wait (saying so once through onWait), up to the timeout;
 * - another host (a home directory shared over NFS), or a lock without a host (written by an older
 *   awsfed): its pid means nothing here, so it is judged by age alone (staleLockMs).
 *
 * Taking a lock over is done under a second exclusive file, `<file>.lock.break`, and only after
 * re-reading the lock under it: two runs that both found the same dead holder cannot both remove
 * the lock (the second would remove the first one's fresh lock). A breaker itself killed in that
 * few-syscall window leaves a `.break` file that is judged the same way, by pid or age.
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { FileError } from '../errors.js';
import { errnoCode, unwritable } from './file-errors.js';
import { isTracked, track } from './in-flight.js';

export interface LockOptions {
  /** Give up waiting for another run's lock after this long (default 10 s). */
  lockTimeoutMs?: number;
  /** A lock that cannot be judged by its pid (another host, no host) and is older than this is broken (default 30 s). */
  staleLockMs?: number;
  /** Told once, when this run has to wait for another run's lock (e.g. deps.err). */
  onWait?: (message: string) => void;
}

export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
export const DEFAULT_STALE_LOCK_MS = 30_000;
/** Breaking a lock takes a few system calls; a `.break` file older than this was left by a killed run. */
const STALE_BREAK_MS = 10_000;
const LOCK_FILE_MODE = 0o600;

interface Holder {
  pid: number;
  host: string | undefined;
}

type Verdict = 'mine' | 'dead' | 'alive' | 'unknown';

function parseHolder(content: string): Holder | undefined {
  const match = /^(\d+) \S+(?: (\S+))?\n?$/.exec(content);
  const pid = Number(match?.[1]);
  return match && Number.isSafeInteger(pid) && pid > 0 ? { pid, host: match[2] } : undefined;
}

/** Whether a process with this pid exists on this host (EPERM: it exists, owned by someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) !== 'ESRCH';
  }
}

function judge(path: string, content: string, holder: Holder | undefined): Verdict {
  if (!holder || holder.host !== hostname()) return 'unknown';
  if (holder.pid === process.pid) {
    // Our pid: either another write of this process, or a dead run that had the same pid
    // (containers start every run as pid 1); only the first holds a token we know.
    return isTracked(path, content) ? 'mine' : 'dead';
  }
  return isProcessAlive(holder.pid) ? 'alive' : 'dead';
}

function describeHolder(holder: Holder | undefined): string {
  if (!holder) return 'another awsfed run';
  return holder.host === hostname() || holder.host === undefined
    ? `another awsfed run (pid ${holder.pid})`
    : `another awsfed run (pid ${holder.pid} on ${holder.host})`;
}

/**
 * The lock's content and age; undefined when it is gone (released between our attempt and this
 * read: try again). A lock we cannot read (another user's) has no content: it is waited for.
 */
async function readLock(path: string): Promise<{ content: string | undefined; mtimeMs: number } | undefined> {
  const gone = (error: unknown): boolean => errnoCode(error) === 'ENOENT';
  const stat = await fs.stat(path).catch((error: unknown) => (gone(error) ? undefined : { mtimeMs: Date.now() }));
  if (!stat) return undefined;
  try {
    return { content: await fs.readFile(path, 'utf8'), mtimeMs: stat.mtimeMs };
  } catch (error) {
    return gone(error) ? undefined : { content: undefined, mtimeMs: stat.mtimeMs };
  }
}

/** link() is not supported here (some FUSE, SMB and FAT file systems): fall back to O_EXCL. */
const NO_LINK = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/**
 * Creates `path` exclusively with `content`, registered for removal at exit; returns the function
 * that removes it (if still ours), or undefined when the file exists.
 *
 * The content is written to a temp file first and hard-linked into place, so the lock never exists
 * without its content: a run killed between creating an empty lock and writing it would leave a
 * lock nobody can judge by pid, blocking every run for staleLockMs.
 */
async function createExclusive(path: string, content: string): Promise<(() => Promise<void>) | undefined> {
  // Registered before they exist: a signal between creation and registration would leak them.
  const untrack = track(path, content);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const untrackTemp = track(temp);
  try {
    await fs.writeFile(temp, content, { mode: LOCK_FILE_MODE, flag: 'wx' });
    await fs.link(temp, path);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EEXIST') {
      untrack();
      return undefined;
    }
    if (!code || !NO_LINK.has(code)) {
      untrack();
      throw error;
    }
    try {
      if (!(await createWithOpen(path, content))) {
        untrack();
        return undefined;
      }
    } catch (fallbackError) {
      untrack();
      throw fallbackError;
    }
  } finally {
    await fs.unlink(temp).catch(() => undefined);
    untrackTemp();
  }
  return async () => {
    // Remove only our own: a run that judged us dead (another host, by age) may have replaced it.
    const now = await fs.readFile(path, 'utf8').catch(() => undefined);
    if (now === content) await fs.unlink(path).catch(() => undefined);
    untrack();
  };
}

/** The O_EXCL fallback: a lock that exists empty for an instant (judged by age if a kill lands there). */
async function createWithOpen(path: string, content: string): Promise<boolean> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, LOCK_FILE_MODE);
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(content);
  } catch (error) {
    // A lock without its content could not be judged by anyone; do not leave one (e.g. ENOSPC).
    await handle.close().catch(() => undefined);
    await fs.unlink(path).catch(() => undefined);
    throw error;
  }
  await handle.close();
  return true;
}

/**
 * Removes the lock if it still holds `staleContent`. False when another run is breaking it right
 * now (the caller waits a little and looks again).
 */
async function breakLock(lockPath: string, staleContent: string, token: string): Promise<boolean> {
  const breakPath = `${lockPath}.break`;
  const releaseBreak = await createExclusive(breakPath, token);
  if (!releaseBreak) {
    const other = await readLock(breakPath);
    if (other?.content !== undefined) {
      const verdict = judge(breakPath, other.content, parseHolder(other.content));
      if (verdict === 'dead' || (verdict === 'unknown' && Date.now() - other.mtimeMs > STALE_BREAK_MS)) {
        await fs.unlink(breakPath).catch(() => undefined);
      }
    }
    return false;
  }
  try {
    // Re-read under the break lock: the dead holder's lock may already have been replaced by a
    // live run's, which must stay.
    const current = await fs.readFile(lockPath, 'utf8').catch(() => undefined);
    if (current === staleContent) await fs.unlink(lockPath).catch(() => undefined);
  } finally {
    await releaseBreak();
  }
  return true;
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Creates `<target>.lock` exclusively, waiting for or taking over another run's; returns a release function. */
export async function acquireLock(target: string, options: LockOptions = {}): Promise<() => Promise<void>> {
  const lockPath = `${target}.lock`;
  const timeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const staleMs = options.staleLockMs ?? DEFAULT_STALE_LOCK_MS;
  const token = `${process.pid} ${randomBytes(8).toString('hex')} ${hostname()}\n`;
  const deadline = Date.now() + timeoutMs;
  let delay = 5;
  let announced = false;
  let lastHolder: Holder | undefined;
  for (;;) {
    try {
      const release = await createExclusive(lockPath, token);
      if (release) return release;
    } catch (error) {
      throw unwritable(lockPath, error);
    }
    // No lock to read: released between our attempt and this read, or a path that reads as gone for
    // ever while link() still finds it (a dangling symbolic link). Either way the deadline and the pause
    // below still apply, so the second cannot spin without end.
    const lock = await readLock(lockPath);
    if (lock) {
      const { content } = lock;
      const holder = content === undefined ? undefined : parseHolder(content);
      lastHolder = holder;
      const verdict = content === undefined ? 'unknown' : judge(lockPath, content, holder);
      // Breaking needs the content: it is removed only if it still reads the same under the break lock.
      const stale = content !== undefined && (verdict === 'dead' || (verdict === 'unknown' && Date.now() - lock.mtimeMs > staleMs));
      if (stale && (await breakLock(lockPath, content, token))) continue;
      if (!stale && verdict !== 'mine' && !announced) {
        announced = true;
        options.onWait?.(`waiting for ${describeHolder(holder)} to release ${lockPath}…`);
      }
    }
    if (Date.now() >= deadline) {
      throw lockedError(target, lockPath, lastHolder);
    }
    await sleep(Math.min(delay + Math.random() * delay, Math.max(1, deadline - Date.now())));
    delay = Math.min(delay * 2, 200);
  }
}

function lockedError(target: string, lockPath: string, holder: Holder | undefined): FileError {
  const where = holder?.host !== undefined && holder.host !== hostname() ? ` on ${holder.host}` : '';
  return new FileError('FILE_LOCKED', `${target} is locked by ${describeHolder(holder)} (${lockPath})`, {
    hint: holder
      ? `Wait for the awsfed run with pid ${holder.pid}${where} to finish; if it is not running, delete ${lockPath}.`
      : `Wait for the other run to finish; if none is running, delete ${lockPath}.`,
  });
}
