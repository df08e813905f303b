import { chmod, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CookieJar } from 'tough-cookie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../log.js';
import { hostOfSessionFile, sessionCacheDir, sessionFileName } from './cache-dir.js';
import { MAX_SESSION_AGE_MS, createSessionStore, inspectSessionFile } from './session-store.js';

const HOST = 'adfs.corp.example';
const T0 = new Date('2026-12-01T08:00:00Z');
const SECRET = 'c2VjcmV0LXNlc3Npb24tdmFsdWU';

let root: string;
let dir: string;
let debug: string[];
let now: Date;

const log: Logger = { info: () => {}, warn: () => {}, debug: (m) => void debug.push(m) };
const store = (extra: { uid?: number; maxAgeMs?: number } = {}) => createSessionStore({ dir, clock: () => now, log, ...extra });

async function adfsJar(host = HOST): Promise<CookieJar> {
  const jar = new CookieJar();
  // A session cookie (no Expires), as AD FS sets MSISAuth, and a persistent one.
  await jar.setCookie(`MSISAuth=${SECRET}; Path=/adfs; HttpOnly; Secure`, `https://${host}/adfs/ls/`);
  await jar.setCookie(`MSISAuthenticated=MjAyNg==; Path=/adfs; Secure`, `https://${host}/adfs/ls/`);
  await jar.setCookie(`MSISKmsi=1; Path=/adfs; Secure; Expires=${new Date(T0.getTime() + 86_400_000).toUTCString()}`, `https://${host}/adfs/ls/`);
  return jar;
}

async function cookieHeader(jar: CookieJar, host = HOST): Promise<string> {
  return jar.getCookieString(`https://${host}/adfs/ls/IdpInitiatedSignOn.aspx`);
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'awsfed-session-'));
  dir = join(root, 'cache', 'awsfed', 'idp-sessions');
  debug = [];
  now = T0;
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('session store', () => {
  it('round-trips the cookies, session cookies included, and the sign-in time', async () => {
    await store().save(HOST, await adfsJar(), T0);
    now = new Date(T0.getTime() + 60_000);
    const loaded = await store().load(HOST);
    expect(loaded).toBeDefined();
    expect(loaded!.authenticatedAt.toISOString()).toBe(T0.toISOString());
    const header = await cookieHeader(loaded!.jar);
    expect(header).toContain(`MSISAuth=${SECRET}`);
    expect(header).toContain('MSISAuthenticated=');
    expect(header).toContain('MSISKmsi=1');
  });

  it('writes a 0600 file in a 0700 directory, leaving no temp file', async () => {
    await store().save(HOST, await adfsJar(), T0);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, '..'))).mode & 0o777).toBe(0o700);
    const file = store().fileFor(HOST);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual([sessionFileName(HOST)]);
  });

  it('tightens an existing directory that others can read', async () => {
    await store().save(HOST, await adfsJar(), T0);
    await chmod(dir, 0o755);
    await store().save(HOST, await adfsJar(), T0);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
  });

  it('keeps one file per host: another host neither sees nor overwrites it', async () => {
    await store().save(HOST, await adfsJar(), T0);
    await store().save('sso.other.example', await adfsJar('sso.other.example'), T0);
    expect(await store().load('adfs2.corp.example')).toBeUndefined();
    const mine = await store().load(HOST);
    const theirs = await store().load('sso.other.example');
    expect(await cookieHeader(mine!.jar, 'sso.other.example')).toBe('');
    expect(await cookieHeader(theirs!.jar, HOST)).toBe('');
    expect(await cookieHeader(mine!.jar)).toContain('MSISAuth=');
  });

  it('keeps ports apart (two IdPs on one address)', async () => {
    expect(sessionFileName('127.0.0.1:8443')).not.toBe(sessionFileName('127.0.0.1:9443'));
    await store().save('127.0.0.1:8443', await adfsJar('127.0.0.1'), T0);
    expect(await store().load('127.0.0.1:9443')).toBeUndefined();
    expect(await store().load('127.0.0.1:8443')).toBeDefined();
  });

  it('saves only the cookies of its own host from a jar that passed through others', async () => {
    const jar = await adfsJar();
    await jar.setCookie('duo=abc; Path=/', 'https://api-123.duosecurity.com/frame/');
    await store().save(HOST, jar, T0);
    const text = await readFile(store().fileFor(HOST), 'utf8');
    expect(text).not.toContain('duosecurity');
    expect(await store().load(HOST)).toBeDefined();
  });

  it('ignores a session older than the maximum age, with a debug line', async () => {
    await store().save(HOST, await adfsJar(), T0);
    now = new Date(T0.getTime() + MAX_SESSION_AGE_MS - 1000);
    expect(await store().load(HOST)).toBeDefined();
    now = new Date(T0.getTime() + MAX_SESSION_AGE_MS);
    expect(await store().load(HOST)).toBeUndefined();
    expect(debug.join('\n')).toMatch(/more than 8 h ago/);
    expect(MAX_SESSION_AGE_MS).toBe(8 * 3600 * 1000);
  });

  it('ignores a file whose cookies have all passed their own Expires, or that holds none', async () => {
    const jar = new CookieJar();
    await jar.setCookie(`MSISAuth=x; Path=/adfs; Expires=${new Date(T0.getTime() + 3_600_000).toUTCString()}`, `https://${HOST}/adfs/ls/`);
    await store().save(HOST, jar, T0);
    now = new Date(T0.getTime() + 3_599_000);
    expect(await store().load(HOST)).toBeDefined();
    now = new Date(T0.getTime() + 3_600_000);
    expect(await store().load(HOST)).toBeUndefined();
    expect(debug.join('\n')).toMatch(/every cookie in it has expired/);
    await store().save(HOST, new CookieJar(), T0);
    expect(await store().load(HOST)).toBeUndefined();
    expect(debug.join('\n')).toMatch(/holds no cookies/);
  });

  it('honours a shorter maximum age', async () => {
    await store({ maxAgeMs: 60_000 }).save(HOST, await adfsJar(), T0);
    now = new Date(T0.getTime() + 61_000);
    expect(await store({ maxAgeMs: 60_000 }).load(HOST)).toBeUndefined();
  });

  it.each([
    ['not JSON', '{"version":1,'],
    ['another format', JSON.stringify({ version: 99, host: HOST })],
    ['no sign-in time', JSON.stringify({ version: 1, host: HOST, cookies: {} })],
    ['broken cookies', JSON.stringify({ version: 1, host: HOST, authenticatedAt: T0.toISOString(), cookies: 42 })],
    ['an array', '[]'],
    ['null', 'null'],
  ])('ignores a corrupt file (%s), never throwing', async (_name, text) => {
    await store().save(HOST, await adfsJar(), T0);
    await writeFile(store().fileFor(HOST), text, { mode: 0o600 });
    await expect(store().load(HOST)).resolves.toBeUndefined();
    expect(debug.some((d) => d.startsWith('IdP session cache: ignoring'))).toBe(true);
  });

  it('ignores a file saved for another host (copied or renamed)', async () => {
    await store().save('evil.example', await adfsJar('evil.example'), T0);
    await writeFile(store().fileFor(HOST), await readFile(store().fileFor('evil.example')), { mode: 0o600 });
    expect(await store().load(HOST)).toBeUndefined();
    expect(debug.join('\n')).toMatch(/another host/);
  });

  it('ignores a file whose host field matches but whose cookies belong to another host', async () => {
    await store().save('evil.example', await adfsJar('evil.example'), T0);
    const data = JSON.parse(await readFile(store().fileFor('evil.example'), 'utf8')) as { host: string };
    data.host = HOST;
    await writeFile(store().fileFor(HOST), JSON.stringify(data), { mode: 0o600 });
    expect(await store().load(HOST)).toBeUndefined();
    expect(debug.join('\n')).toMatch(/cookies of another host/);
  });

  it("ignores another user's file", async () => {
    await store().save(HOST, await adfsJar(), T0);
    expect(await store({ uid: process.getuid!() + 1 }).load(HOST)).toBeUndefined();
    expect(debug.join('\n')).toMatch(/not by this user/);
  });

  it("refuses to save into another user's directory, writing nothing", async () => {
    await store().save(HOST, await adfsJar(), T0);
    await expect(store({ uid: process.getuid!() + 1 }).save('other.example', await adfsJar('other.example'), T0)).rejects.toMatchObject({
      code: 'EFOREIGNDIR',
    });
    expect(await readdir(dir)).toEqual([sessionFileName(HOST)]);
  });

  it('ignores a file other users can read, and a symbolic link', async () => {
    await store().save(HOST, await adfsJar(), T0);
    const file = store().fileFor(HOST);
    await chmod(file, 0o644);
    expect(await store().load(HOST)).toBeUndefined();
    await chmod(file, 0o600);
    await store().save('other.example', await adfsJar('other.example'), T0);
    await rm(file);
    await symlink(store().fileFor('other.example'), file);
    expect(await store().load(HOST)).toBeUndefined();
  });

  it('never writes a cookie value into a debug line', async () => {
    await store().save(HOST, await adfsJar(), T0);
    await store().load(HOST);
    await writeFile(store().fileFor(HOST), `{"version":1,"host":"${HOST}","x":"${SECRET}"`, { mode: 0o600 });
    await store().load(HOST);
    expect(debug.length).toBeGreaterThan(0);
    for (const line of debug) expect(line).not.toContain(SECRET);
  });

  it('clear removes the file and says whether there was one', async () => {
    await store().save(HOST, await adfsJar(), T0);
    expect(await store().clear(HOST)).toBe(true);
    expect(await store().clear(HOST)).toBe(false);
    expect(await store().load(HOST)).toBeUndefined();
  });
});

describe('session cache directory', () => {
  it('follows XDG_CACHE_HOME, ~/Library/Caches and %LOCALAPPDATA%', () => {
    expect(sessionCacheDir({ XDG_CACHE_HOME: '/x/cache' }, '/home/a', 'linux')).toBe(join('/x/cache', 'awsfed', 'idp-sessions'));
    expect(sessionCacheDir({ XDG_CACHE_HOME: 'relative' }, '/home/a', 'linux')).toBe(join('/home/a', '.cache', 'awsfed', 'idp-sessions'));
    expect(sessionCacheDir({}, '/home/a', 'linux')).toBe(join('/home/a', '.cache', 'awsfed', 'idp-sessions'));
    expect(sessionCacheDir({}, '/Users/a', 'darwin')).toBe(join('/Users/a', 'Library', 'Caches', 'awsfed', 'idp-sessions'));
    expect(sessionCacheDir({ LOCALAPPDATA: '/c/Users/a/AppData/Local' }, '/c/Users/a', 'win32')).toBe(join('/c/Users/a/AppData/Local', 'awsfed', 'idp-sessions'));
  });

  it('names files so that no host escapes the directory or shares a file', () => {
    expect(sessionFileName('ADFS.corp.example')).toBe('adfs.corp.example.json');
    expect(sessionFileName('..')).not.toContain('/');
    expect(sessionFileName('..')).not.toMatch(/^\./);
    expect(sessionFileName('a/b')).not.toContain('/');
    expect(sessionFileName('a_b')).not.toBe(sessionFileName('a:b'));
  });
});

describe('hostOfSessionFile', () => {
  it.each(['adfs.corp.example', '127.0.0.1:8443', '[::1]:443', '..', 'a_b'])('inverts sessionFileName for %s', (host) => {
    expect(hostOfSessionFile(sessionFileName(host))).toBe(host.toLowerCase());
  });
  it('is undefined for a name awsfed never writes', () => {
    expect(hostOfSessionFile('Upper.json')).toBeUndefined();
    expect(hostOfSessionFile('a_zz.json')).toBeUndefined();
    expect(hostOfSessionFile('notes.txt')).toBeUndefined();
  });
});

describe('inspectSessionFile', () => {
  it('does not follow a symbolic link, and says so', async () => {
    await store().save(HOST, await adfsJar(), T0);
    const link = join(root, 'link.json');
    await symlink(join(dir, sessionFileName(HOST)), link);
    expect(await inspectSessionFile(link, { uid: process.getuid?.(), now: T0.getTime(), host: HOST })).toMatchObject({ state: 'unsafe', why: expect.stringContaining('symbolic link') });
    expect(await inspectSessionFile(join(dir, sessionFileName(HOST)), { uid: process.getuid?.(), now: T0.getTime() })).toMatchObject({ state: 'usable', host: HOST.toLowerCase(), cookieCount: 3 });
    expect(await inspectSessionFile(join(dir, 'none.json'), { uid: undefined, now: T0.getTime() })).toEqual({ state: 'missing' });
  });
});
