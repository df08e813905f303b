/**
 * The IdP session cache (issue 7, section 4): the cookies of a successful sign-in, kept per IdP host so
 * that the next run inside the IdP's session goes straight to the SAMLResponse (no password, no MFA).
 *
 * The file is a bearer session, as secret as a password: 0600 in a 0700 directory, written to a temp
 * file and renamed, never printed, never in a debug line (only its path and why it was skipped).
 * Reading never fails a run: a missing, corrupt, foreign (another host's cookies, another user's file,
 * a file others can read) or expired file is skipped with a debug line, and the sign-in asks as usual.
 *
 * Lifetime: AD FS ends a session 8 hours after the sign-in by default (SSO lifetime 480 minutes), and
 * session cookies (no Expires, the usual MSISAuth) would otherwise live forever on disk; every file
 * carries the time of the sign-in that asked for credentials and is ignored MAX_SESSION_AGE_MS later.
 * A reuse keeps that time (AD FS does not extend its SSO lifetime on reuse either).
 */
import { constants, promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import { CookieJar, domainMatch } from 'tough-cookie';
import type { Logger } from '../log.js';
import { sessionFileName } from './cache-dir.js';
import { writePrivateJson } from './private-file.js';

/** AD FS's default SSO lifetime (480 minutes). */
export const MAX_SESSION_AGE_MS = 8 * 60 * 60 * 1000;
const FORMAT_VERSION = 1;
const DIR_MODE = 0o700;
/** A cookie file is a few KiB; anything much larger is not ours. */
const MAX_FILE_BYTES = 256 * 1024;

export interface CachedSession {
  jar: CookieJar;
  /** When the user last gave credentials to this IdP (the session's start). */
  authenticatedAt: Date;
  /** The user name typed at that sign-in, when awsfed knew it. */
  username?: string;
}

export interface SessionStore {
  /**
   * The host's saved session, or undefined (missing, unusable: a debug line says why). With `username`,
   * a session saved for another user is unusable: its cookies would sign in as that user, silently.
   */
  load(host: string, username?: string): Promise<CachedSession | undefined>;
  /** Saves the host's cookies from `jar` (other hosts' cookies are dropped), and whose session it is. */
  save(host: string, jar: CookieJar, authenticatedAt: Date, username?: string): Promise<void>;
  /** Removes the host's file; true when there was one. */
  clear(host: string): Promise<boolean>;
  fileFor(host: string): string;
}

export interface SessionStoreOptions {
  dir: string;
  clock: () => Date;
  log: Logger;
  maxAgeMs?: number;
  /** The user the files must belong to; default process.getuid() where it exists (not on Windows). */
  uid?: number;
}

interface SessionFile {
  version: number;
  host: string;
  authenticatedAt: string;
  savedAt: string;
  username?: unknown;
  cookies: unknown;
}

interface SerializedCookie {
  domain?: unknown;
  /** ISO time; absent for a session cookie. */
  expires?: unknown;
}

/**
 * What a session file is worth, judged as load() judges it (one reading for the store and for `awsfed
 * doctor`): opened with O_NOFOLLOW (a symbolic link planted in the directory is not followed to someone
 * else's file), then owner, mode, size, format, age and cookies checked. `host`, when given, is the
 * host the file must be for; without it (the doctor lists the directory) the file's own host is used.
 * `why` is a debug line's or a finding's text: never a cookie value.
 */
export type SessionFileCheck =
  | { state: 'missing' }
  /** Not a regular file of this user's that only they can read: ignored, and worth removing. */
  | { state: 'unsafe'; why: string }
  /** Unreadable, not ours, another host's, or malformed. */
  | { state: 'unusable'; why: string; host?: string }
  /** Past its lifetime, or every cookie in it expired: the next sign-in asks again. */
  | { state: 'expired'; why: string; host: string; authenticatedAt: Date }
  | { state: 'usable'; host: string; session: CachedSession; cookieCount: number };

export async function inspectSessionFile(
  file: string,
  opts: { uid: number | undefined; now: number; maxAgeMs?: number; host?: string },
): Promise<SessionFileCheck> {
  const maxAgeMs = opts.maxAgeMs ?? MAX_SESSION_AGE_MS;
  const { uid } = opts;
  let text: string;
  try {
    const handle = await fs.open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) return { state: 'unsafe', why: 'not a regular file' };
      if (uid !== undefined && stat.uid !== uid) return { state: 'unsafe', why: `owned by uid ${stat.uid}, not by this user` };
      if (uid !== undefined && (stat.mode & 0o077) !== 0) return { state: 'unsafe', why: `mode ${(stat.mode & 0o777).toString(8)} lets other users read it` };
      if (stat.size > MAX_FILE_BYTES) return { state: 'unusable', why: `${stat.size} bytes, too large to be a cookie file` };
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { state: 'missing' };
    // ELOOP: O_NOFOLLOW met a symbolic link.
    if (code === 'ELOOP') return { state: 'unsafe', why: 'a symbolic link, not followed (cannot be read (ELOOP))' };
    return { state: 'unusable', why: `cannot be read (${code ?? 'error'})` };
  }
  let data: SessionFile;
  try {
    data = JSON.parse(text) as SessionFile;
  } catch {
    return { state: 'unusable', why: 'not valid JSON' };
  }
  if (typeof data !== 'object' || data === null || data.version !== FORMAT_VERSION) return { state: 'unusable', why: 'unknown format' };
  if (typeof data.host !== 'string') return { state: 'unusable', why: 'saved for no host' };
  if (opts.host !== undefined && data.host.toLowerCase() !== opts.host.toLowerCase()) return { state: 'unusable', why: 'saved for another host', host: data.host };
  const host = opts.host ?? data.host;
  const authenticatedAt = new Date(typeof data.authenticatedAt === 'string' ? data.authenticatedAt : Number.NaN);
  if (Number.isNaN(authenticatedAt.getTime())) return { state: 'unusable', why: 'no sign-in time', host };
  const now = opts.now;
  if (now - authenticatedAt.getTime() >= maxAgeMs) return { state: 'expired', why: `the session started more than ${maxAgeMs / 3_600_000} h ago`, host, authenticatedAt };
  if (authenticatedAt.getTime() - now > 5 * 60 * 1000) return { state: 'unusable', why: 'its sign-in time is in the future', host };
  let jar: CookieJar;
  try {
    jar = await CookieJar.deserialize(data.cookies as never);
  } catch {
    return { state: 'unusable', why: 'the cookies cannot be read', host };
  }
  const cookies = (await jar.serialize()).cookies as SerializedCookie[];
  const hostname = hostnameOf(host);
  if (cookies.some((c) => typeof c.domain !== 'string' || !domainMatch(hostname, c.domain))) return { state: 'unusable', why: 'it holds cookies of another host', host };
  // Cookies past their own Expires would not be sent: a file holding only those is a spent session.
  const live = cookies.filter((c) => typeof c.expires !== 'string' || Date.parse(c.expires) > now);
  if (live.length === 0) return { state: 'expired', why: cookies.length === 0 ? 'it holds no cookies' : 'every cookie in it has expired', host, authenticatedAt };
  const savedFor = typeof data.username === 'string' ? data.username : undefined;
  return { state: 'usable', host, cookieCount: cookies.length, session: { jar, authenticatedAt, ...(savedFor !== undefined ? { username: savedFor } : {}) } };
}

export function createSessionStore(opts: SessionStoreOptions): SessionStore {
  const maxAgeMs = opts.maxAgeMs ?? MAX_SESSION_AGE_MS;
  const uid = opts.uid ?? (typeof process.getuid === 'function' ? process.getuid() : undefined);
  const fileFor = (host: string): string => join(opts.dir, sessionFileName(host));
  const skip = (file: string, why: string): undefined => {
    opts.log.debug(`IdP session cache: ignoring ${file}: ${why}`);
    return undefined;
  };

  async function load(host: string, username?: string): Promise<CachedSession | undefined> {
    const file = fileFor(host);
    const check = await inspectSessionFile(file, { uid, now: opts.clock().getTime(), maxAgeMs, host });
    if (check.state === 'missing') {
      opts.log.debug(`IdP session cache: no saved session for ${host}`);
      return undefined;
    }
    if (check.state !== 'usable') return skip(file, check.why);
    const { session } = check;
    // User names are matched as AD FS matches them (UPNs and DOMAIN\\user are case-insensitive).
    if (username !== undefined && session.username !== undefined && session.username.toLowerCase() !== username.toLowerCase()) {
      return skip(file, `saved for ${session.username}, not for ${username}`);
    }
    opts.log.debug(`IdP session cache: using the saved session for ${host} (${check.cookieCount} cookies)`);
    return session;
  }

  async function save(host: string, jar: CookieJar, authenticatedAt: Date, username?: string): Promise<void> {
    const file = fileFor(host);
    const hostname = hostnameOf(host);
    const serialized = await jar.serialize();
    // One host per file: a jar also holds cookies of hosts the sign-in passed through.
    serialized.cookies = serialized.cookies.filter((c) => typeof c.domain === 'string' && domainMatch(hostname, c.domain));
    const data: SessionFile = {
      version: FORMAT_VERSION,
      host: host.toLowerCase(),
      authenticatedAt: authenticatedAt.toISOString(),
      savedAt: opts.clock().toISOString(),
      ...(username !== undefined ? { username } : {}),
      cookies: serialized,
    };
    await ensurePrivateDir(opts.dir, uid);
    await writePrivateJson(file, data, { sync: true });
    opts.log.debug(`IdP session cache: saved the session for ${host} to ${file}`);
  }

  async function clear(host: string): Promise<boolean> {
    try {
      await fs.unlink(fileFor(host));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  return { load, save, clear, fileFor };
}

/**
 * Creates the directory (and awsfed/ above it) 0700, and tightens one that exists with a looser mode.
 * A directory of another user is refused: its owner could read or swap what we write there.
 */
async function ensurePrivateDir(dir: string, uid: number | undefined): Promise<void> {
  const parent = dirname(dir);
  await fs.mkdir(parent, { recursive: true, mode: DIR_MODE });
  await fs.mkdir(dir, { mode: DIR_MODE }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  for (const d of [parent, dir]) {
    const stat = await fs.stat(d);
    if (uid !== undefined && stat.uid !== uid) {
      throw Object.assign(new Error(`${d} belongs to uid ${stat.uid}`), { code: 'EFOREIGNDIR' });
    }
    if ((stat.mode & 0o077) !== 0 && process.platform !== 'win32') await fs.chmod(d, DIR_MODE);
  }
}

/** "adfs.corp.example:8443" -> "adfs.corp.example" (cookies are scoped by host name, not port). */
function hostnameOf(host: string): string {
  try {
    return new URL(`http://${host}`).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return host;
  }
}
