/** The FileErrors of the disk adapter: what went wrong with which path, and what to do about it. */
import { dirname } from 'node:path';
import { FileError } from '../errors.js';

export function errnoCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

export function unreadable(path: string, error: unknown): FileError {
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

export function unwritable(path: string, error: unknown): FileError {
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

/** A FIFO, socket or device where a file should be: reading it could block forever or never end. */
export function notRegularFile(path: string): FileError {
  return new FileError('FILE_UNREADABLE', `cannot read ${path}: it is not a regular file (a FIFO, socket or device)`, {
    hint: `Point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE at a regular file, or remove ${path} so that awsfed creates one.`,
  });
}

export function tooLarge(path: string, size: number, max: number): FileError {
  return new FileError('FILE_TOO_LARGE', `${path} is ${size} bytes; awsfed reads at most ${max} bytes`, {
    hint: `Check ${path}: a config or credentials file is a few KiB; something may be writing into it.`,
  });
}
