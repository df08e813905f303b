import { chmod, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createNameCache, NAME_CACHE_TTL_MS } from './name-cache.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function cacheAt(now: { t: number }) {
  const base = await mkdtemp(join(tmpdir(), 'awsfed-names-'));
  dirs.push(base);
  const dir = join(base, 'awsfed', 'account-names');
  const debug: string[] = [];
  return { base, dir, debug, cache: createNameCache({ dir, clock: () => new Date(now.t), log: { debug: (line: string) => void debug.push(line) } }) };
}

describe('the account-name cache', () => {
  it('keeps names per profile for 7 days, for the accounts it was recorded with, 0600 in 0700', async () => {
    const now = { t: Date.parse('2026-01-01T00:00:00Z') };
    const { dir, cache } = await cacheAt(now);
    expect(await cache.load('saml', ['111111111111'])).toEqual({ miss: 'no entry' });
    await cache.save('saml', ['111111111111', '222222222222'], new Map([['111111111111', 'prod']]));
    expect(await cache.load('saml', ['111111111111', '222222222222'])).toEqual({ names: new Map([['111111111111', 'prod']]) });
    expect(await cache.load('other', ['111111111111'])).toEqual({ miss: 'no entry' });
    expect(await cache.load('saml', ['333333333333'])).toEqual({ miss: 'account 333333333333 is new since the names were read' });
    expect((await stat(cache.fileFor('saml'))).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    now.t += NAME_CACHE_TTL_MS - 1;
    expect('names' in (await cache.load('saml', ['111111111111']))).toBe(true);
    now.t += 1;
    expect(await cache.load('saml', ['111111111111'])).toEqual({ miss: 'the entry has expired' });
    expect(await cache.peek('saml')).toBeUndefined();
  });

  it('treats a damaged file as no entry', async () => {
    const { cache } = await cacheAt({ t: 0 });
    await cache.save('saml', ['111111111111'], new Map([['111111111111', 'prod']]));
    await writeFile(cache.fileFor('saml'), '{not json');
    expect(await cache.load('saml', ['111111111111'])).toEqual({ miss: 'the cache file is not JSON' });
    await writeFile(cache.fileFor('saml'), '{"version":2}');
    expect(await cache.load('saml', ['111111111111'])).toEqual({ miss: 'the cache file is not in the expected format' });
  });

  it('ignores a symbolic link in place of the file, even to a valid entry, with a debug line', async () => {
    const { cache, debug } = await cacheAt({ t: 0 });
    await cache.save('saml', ['111111111111'], new Map([['111111111111', 'prod']]));
    await cache.save('planted', ['111111111111'], new Map([['111111111111', 'evil']]));
    await rm(cache.fileFor('saml'));
    await symlink(cache.fileFor('planted'), cache.fileFor('saml'));
    expect(await cache.load('saml', ['111111111111'])).toEqual({ miss: 'the cache file is ignored (a symbolic link)' });
    expect(await cache.peek('saml')).toBeUndefined();
    expect(debug).toEqual([`account names: ignoring ${cache.fileFor('saml')}: a symbolic link`, `account names: ignoring ${cache.fileFor('saml')}: a symbolic link`]);
  });

  it('ignores a file other users may write (0666), with a debug line', async () => {
    const { cache, debug } = await cacheAt({ t: 0 });
    await cache.save('saml', ['111111111111'], new Map([['111111111111', 'prod']]));
    await chmod(cache.fileFor('saml'), 0o666);
    expect(await cache.load('saml', ['111111111111'])).toEqual({ miss: 'the cache file is ignored (mode 666 lets other users write it)' });
    expect(debug).toEqual([`account names: ignoring ${cache.fileFor('saml')}: mode 666 lets other users write it`]);
    await chmod(cache.fileFor('saml'), 0o644);
    expect('names' in (await cache.load('saml', ['111111111111']))).toBe(true);
  });
});
