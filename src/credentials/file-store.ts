/**
 * The disk adapter for ~/.aws/config and ~/.aws/credentials.
 *
 * updateIniFile is the only way awsfed writes these files: lock, read, parse (refuse on error),
 * edit, write a temp file beside the target, fsync, rename over it. A reader (the AWS CLI, an SDK)
 * therefore sees the old file or the new one, never half of one, and two awsfed runs never lose
 * each other's profile. An unreadable or unparseable file is an error, never "empty".
 *
 * No temp file (a full copy, live keys included) outlives its run: it is removed when the write
 * fails, and on exit and on SIGINT/SIGTERM/SIGHUP while the write is in flight (in-flight.ts);
 * what a SIGKILL leaves behind is swept by the next write. The lock rules are in file-lock.ts; the
 * checks of a read (regular file, size cap, strict UTF-8) are ini-read.ts's.
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { FileError } from '../errors.js';
import { type IniDocument, parseIni } from '../ini/document.js';
import { errnoCode, unreadable, unwritable } from './file-errors.js';
import { type LockOptions, acquireLock, isProcessAlive } from './file-lock.js';
import { isTracked, track } from './in-flight.js';
import { readText } from './ini-read.js';

// Reading is ini-read.ts's (the same checks for a reader that never writes); these stay importable from here.
export { MAX_INI_FILE_BYTES, readIniFile } from './ini-read.js';

/** Lock timeout, stale-lock age and the waiting-message port (see file-lock.ts). */
export type UpdateIniOptions = LockOptions;

const NEW_FILE_MODE = 0o600;
const NEW_DIR_MODE = 0o700;

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

async function currentState(target: string): Promise<{ text: string; mode: number; uid: number; gid: number } | undefined> {
  const text = readText(target);
  if (text === undefined) return undefined;
  const stat = await fs.stat(target).catch((error: unknown) => {
    throw unreadable(target, error);
  });
  return { text, mode: stat.mode & 0o7777, uid: stat.uid, gid: stat.gid };
}

function tempName(target: string, pid: number, hex: string): string {
  return `.${basename(target)}.${pid}.${hex}.tmp`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Removes the temp files that runs killed with SIGKILL (or by a power cut) left beside the target:
 * full copies with live keys. A temp file is stale when its pid is not a live process on this host,
 * or is our own pid but not a write of ours (a dead run that had the same pid). Those of live
 * processes are left alone. Runs under the lock, so no live awsfed run is between open and rename
 * (a run on another host sharing the directory over NFS would hold the lock too).
 */
async function sweepStaleTemps(target: string): Promise<void> {
  const dir = dirname(target);
  // The file's own temp copies, and those of its lock and break lock (file-lock.ts).
  const names = [basename(target), `${basename(target)}.lock`, `${basename(target)}.lock.break`].map(escapeRegExp);
  const pattern = new RegExp(`^\\.(?:${names.join('|')})\\.(\\d+)\\.[0-9a-f]+\\.tmp$`);
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch {
    return; // best effort: the write itself reports a directory it cannot use
  }
  for (const name of entries) {
    const pid = Number(pattern.exec(name)?.[1] ?? Number.NaN);
    if (!Number.isSafeInteger(pid) || pid <= 0) continue;
    const path = join(dir, name);
    const stale = pid === process.pid ? !isTracked(path) : !isProcessAlive(pid);
    if (stale) await fs.unlink(path).catch(() => undefined);
  }
}

async function writeAtomically(target: string, text: string, previous: { mode: number; uid: number; gid: number } | undefined): Promise<void> {
  const dir = dirname(target);
  const tempPath = join(dir, tempName(target, process.pid, randomBytes(6).toString('hex')));
  const mode = previous?.mode ?? NEW_FILE_MODE;
  let created = false;
  // Registered before it exists, so that an exit or a signal at any point after creation removes it.
  const untrack = track(tempPath);
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
  } finally {
    untrack();
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
    await sweepStaleTemps(target);
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
