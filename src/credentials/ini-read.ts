/**
 * Reading ~/.aws/config and ~/.aws/credentials: the read half of the disk adapter, on its own so that a
 * reader that never writes (a credential_process cache hit, src/commands/credential-process-fast.ts)
 * loads neither the lock, the in-flight registry nor node:crypto (about 1 ms at start-up, for the temp
 * file names of a write). file-store.ts reads through this module too: one set of safety checks.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { FileError } from '../errors.js';
import { type IniDocument, parseIni } from '../ini/document.js';
import { errnoCode, notRegularFile, tooLarge, unreadable } from './file-errors.js';

/**
 * Largest config or credentials file read. A real one is a few KiB (100,000 profiles are about 3 MiB);
 * the cap keeps a runaway file from costing gigabytes of memory in reading, decoding and parsing.
 */
export const MAX_INI_FILE_BYTES = 16 * 1024 * 1024;

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

/**
 * The text of a file; undefined when it does not exist. Only a regular file is read. A FIFO blocks
 * open() and read() until a writer comes and /dev/zero never ends, so a path pointing at either used to
 * hang the run (or fill the heap). O_NONBLOCK makes the open of a FIFO return at once (it changes
 * nothing for a regular file); the type and size are then checked on the opened descriptor, so nothing
 * can be swapped in between.
 *
 * Synchronous: a file of a few KiB (16 MiB at most) is read in one go, and node:fs's promise API costs
 * its own start-up (internal/fs/promises and what it loads, about 1 ms of a cache hit).
 */
export function readText(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw unreadable(path, error);
  }
  try {
    let bytes: Buffer;
    try {
      const stat = fstatSync(fd);
      if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      if (!stat.isFile()) throw notRegularFile(path);
      if (stat.size > MAX_INI_FILE_BYTES) throw tooLarge(path, stat.size, MAX_INI_FILE_BYTES);
      bytes = readFileSync(fd);
    } catch (error) {
      throw error instanceof FileError ? error : unreadable(path, error);
    }
    // It may have grown between the stat and the read.
    if (bytes.length > MAX_INI_FILE_BYTES) throw tooLarge(path, bytes.length, MAX_INI_FILE_BYTES);
    return decode(bytes, path);
  } finally {
    try {
      closeSync(fd);
    } catch {
      // Nothing was written through it: a failed close loses nothing.
    }
  }
}

/** Reads and parses an INI file; undefined when it does not exist. A promise, as the AwsFiles port has it. */
export async function readIniFile(path: string): Promise<IniDocument | undefined> {
  const text = readText(path);
  return text === undefined ? undefined : parseIni(text, path);
}
