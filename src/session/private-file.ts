/**
 * How awsfed's caches (the IdP sessions, the account names) write a file only its user may read: a
 * temp file beside the target, created exclusively with mode 0600 (then chmod, since open() applies
 * the umask), written, optionally synced, and renamed over the target, so that a reader sees the old
 * file or the new one, never half of one. The temp file never outlives a failed write. And how they read
 * one back without trusting whatever sits at that path (readPrivateFile).
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const FILE_MODE = 0o600;

export async function writePrivateJson(file: string, data: unknown, options: { sync?: boolean } = {}): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(temp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, FILE_MODE);
  try {
    try {
      await handle.chmod(FILE_MODE);
      await handle.writeFile(JSON.stringify(data), 'utf8');
      if (options.sync) await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
  } catch (error) {
    await fs.unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** Why readPrivateFile did not return the text; `missing` when there is simply no file. */
export type PrivateReadRefusal = { refused: string; missing?: true };

/**
 * Reads a file awsfed wrote with writePrivateJson, refusing one that another user could have planted or
 * changed: opened with O_NOFOLLOW (a symbolic link is refused, not followed to someone else's file) and
 * O_NONBLOCK (a FIFO in its place cannot hold the run), then checked on the open descriptor (a regular
 * file, owned by this user, not writable by group or others, at most `maxBytes`) and read from that same
 * descriptor, so the file checked is the file read. Without uids (Windows) only the type and size are
 * checked. Never throws: a refusal says why, for a --debug line.
 */
export async function readPrivateFile(file: string, options: { maxBytes: number; uid?: number }): Promise<{ text: string } | PrivateReadRefusal> {
  const uid = 'uid' in options ? options.uid : process.getuid?.();
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { refused: 'no such file', missing: true };
    // Linux and macOS answer ELOOP for a symbolic link under O_NOFOLLOW (FreeBSD EMLINK).
    if (code === 'ELOOP' || code === 'EMLINK') return { refused: 'a symbolic link' };
    return { refused: `cannot be opened (${code ?? 'error'})` };
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return { refused: 'not a regular file' };
    if (uid !== undefined && stat.uid !== uid) return { refused: `owned by uid ${stat.uid}, not by this user` };
    if (uid !== undefined && (stat.mode & 0o022) !== 0) return { refused: `mode ${(stat.mode & 0o777).toString(8)} lets other users write it` };
    if (stat.size > options.maxBytes) return { refused: `${stat.size} bytes, over the ${options.maxBytes} a cache file may hold` };
    // One byte more than the size checked: a file that grew after the check is refused, not read whole.
    const buffer = Buffer.alloc(stat.size + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > stat.size) return { refused: 'it grew while being read' };
    return { text: buffer.subarray(0, length).toString('utf8') };
  } catch (error) {
    return { refused: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  } finally {
    await handle.close().catch(() => undefined);
  }
}
