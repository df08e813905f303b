/**
 * How awsfed's caches (the IdP sessions, the account names) write a file only its user may read: a
 * temp file beside the target, created exclusively with mode 0600 (then chmod, since open() applies
 * the umask), written, optionally synced, and renamed over the target, so that a reader sees the old
 * file or the new one, never half of one. The temp file never outlives a failed write.
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
