/**
 * The AWS files port in Deps: how commands read and edit ~/.aws/config and ~/.aws/credentials.
 *
 * `awsFilesOnDisk` is the real one: ini-read.ts reads, file-store.ts (locked, atomic, lossless writes)
 * is imported on the first update. Commands never import file-store themselves, so a test can watch
 * every read and write (or make one fail) without touching a disk.
 */
import type { IniDocument } from '../ini/document.js';
import type { UpdateIniOptions } from './file-store.js';
import { readIniFile } from './ini-read.js';

export interface AwsFiles {
  /** The parsed file, or undefined when it does not exist; an unreadable or unparseable file throws. */
  read(path: string): Promise<IniDocument | undefined>;
  /** Locks, reads, runs the edit, writes atomically (see file-store.ts). */
  update(path: string, edit: (doc: IniDocument) => void, options?: UpdateIniOptions): Promise<void>;
  /** Starts loading what update() needs (a login calls it while STS answers); a failure shows at update(). */
  preload?(): void;
}

export function awsFilesOnDisk(): AwsFiles {
  const store = () => import('./file-store.js');
  return {
    // A read needs neither the lock nor node:crypto: file-store (and they) load on the first update.
    read: readIniFile,
    update: async (path, edit, options) => (await store()).updateIniFile(path, edit, options),
    preload: () => void store().catch(() => undefined),
  };
}

/** The reading half alone, for a reader that never writes (the credential_process fast path). */
export function awsFilesReadOnly(): Pick<AwsFiles, 'read'> {
  return { read: readIniFile };
}
