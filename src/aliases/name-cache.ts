/**
 * Account names remembered per gateway profile, so that the next login draws its list without posting
 * the assertion to AWS again: <user cache dir>/awsfed/account-names/<profile>.json, 0600 in 0700
 * directories, written to a temp file and renamed. An entry lasts 7 days (aliases change rarely, and a
 * renamed account shows its new name within a week) and only for the accounts it was recorded with: an
 * account new in the assertion means a new lookup. A file that cannot be read or is not ours counts as no
 * entry; a failed save costs the next login a lookup, never this one.
 */
import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from '../log.js';
import { sessionFileName, userCacheDir, type Env } from '../session/cache-dir.js';
import { readPrivateFile, writePrivateJson } from '../session/private-file.js';
import type { AccountNames } from './signin-page.js';

export const NAME_CACHE_TTL_MS = 7 * 24 * 3600 * 1000;
/** A few hundred accounts' names take some 20 KB; anything far larger is not a file this cache wrote. */
const MAX_FILE_BYTES = 1024 * 1024;

interface CacheFile {
  version: 1;
  savedAt: string;
  expiresAt: string;
  /** Every account of the assertion when the names were read (named or not). */
  accounts: string[];
  names: Record<string, string>;
}

export function nameCacheDir(env: Env, homeDir: string, platform: NodeJS.Platform): string {
  return join(userCacheDir(env, homeDir, platform), 'awsfed', 'account-names');
}

export interface NameCache {
  /** Names when an unexpired entry covers every account given; else undefined (with why, for --debug). */
  load(profile: string, accounts: readonly string[]): Promise<{ names: AccountNames } | { miss: string }>;
  /** Names only, as the catalog commands show them (no coverage check, expired entries ignored). */
  peek(profile: string): Promise<AccountNames | undefined>;
  save(profile: string, accounts: readonly string[], names: AccountNames): Promise<void>;
  fileFor(profile: string): string;
}

/** `log`: where a file refused as unsafe is reported (--debug); the caller's miss line says the rest. */
export function createNameCache(opts: { dir: string; clock: () => Date; log?: Pick<Logger, 'debug'> }): NameCache {
  const fileFor = (profile: string) => join(opts.dir, sessionFileName(profile));

  async function read(profile: string): Promise<CacheFile | string> {
    const file = fileFor(profile);
    // A symbolic link, another user's file or one others may write could feed the role list names that
    // are not the accounts': ignored, as if there were no entry.
    const read = await readPrivateFile(file, { maxBytes: MAX_FILE_BYTES });
    if ('refused' in read) {
      if (read.missing) return 'no entry';
      opts.log?.debug(`account names: ignoring ${file}: ${read.refused}`);
      return `the cache file is ignored (${read.refused})`;
    }
    const text = read.text;
    try {
      const data = JSON.parse(text) as CacheFile;
      if (data.version !== 1 || typeof data.names !== 'object' || !Array.isArray(data.accounts)) return 'the cache file is not in the expected format';
      if (!(opts.clock().getTime() < Date.parse(data.expiresAt))) return 'the entry has expired';
      return data;
    } catch {
      return 'the cache file is not JSON';
    }
  }

  return {
    fileFor,
    async load(profile, accounts) {
      const data = await read(profile);
      if (typeof data === 'string') return { miss: data };
      const known = new Set(data.accounts);
      const missing = accounts.filter((a) => !known.has(a));
      if (missing.length > 0) return { miss: `account ${missing[0]} is new since the names were read` };
      return { names: new Map(Object.entries(data.names).filter(([, v]) => typeof v === 'string')) };
    },
    async peek(profile) {
      const data = await read(profile);
      return typeof data === 'string' ? undefined : new Map(Object.entries(data.names).filter(([, v]) => typeof v === 'string'));
    },
    async save(profile, accounts, names) {
      const now = opts.clock();
      const data: CacheFile = {
        version: 1,
        savedAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + NAME_CACHE_TTL_MS).toISOString(),
        accounts: [...new Set(accounts)],
        names: Object.fromEntries(names),
      };
      await fs.mkdir(dirname(opts.dir), { recursive: true, mode: 0o700 });
      await fs.mkdir(opts.dir, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
      const file = fileFor(profile);
      await writePrivateJson(file, data);
    },
  };
}
