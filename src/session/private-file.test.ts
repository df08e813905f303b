import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readPrivateFile, writePrivateJson } from './private-file.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'awsfed-private-'));
  dirs.push(dir);
  return dir;
}
const uid = process.getuid!();

describe('readPrivateFile', () => {
  it('reads back what writePrivateJson wrote; a missing file is a refusal marked missing', async () => {
    const dir = await tempDir();
    await writePrivateJson(join(dir, 'a.json'), { a: 1 });
    expect(await readPrivateFile(join(dir, 'a.json'), { maxBytes: 100 })).toEqual({ text: '{"a":1}' });
    expect(await readPrivateFile(join(dir, 'none.json'), { maxBytes: 100 })).toEqual({ refused: 'no such file', missing: true });
  });

  it('refuses a symbolic link, even to a file of this user, without following it', async () => {
    const dir = await tempDir();
    await writePrivateJson(join(dir, 'real.json'), { a: 1 });
    await symlink(join(dir, 'real.json'), join(dir, 'link.json'));
    expect(await readPrivateFile(join(dir, 'link.json'), { maxBytes: 100 })).toEqual({ refused: 'a symbolic link' });
  });

  it('refuses a file group or others may write (0666, 0620), accepts 0644', async () => {
    const dir = await tempDir();
    const file = join(dir, 'a.json');
    await writePrivateJson(file, { a: 1 });
    await chmod(file, 0o666);
    expect(await readPrivateFile(file, { maxBytes: 100 })).toEqual({ refused: 'mode 666 lets other users write it' });
    await chmod(file, 0o620);
    expect(await readPrivateFile(file, { maxBytes: 100 })).toEqual({ refused: 'mode 620 lets other users write it' });
    await chmod(file, 0o644);
    expect(await readPrivateFile(file, { maxBytes: 100 })).toEqual({ text: '{"a":1}' });
  });

  it("refuses another user's file, a directory and a file over the size cap", async () => {
    const dir = await tempDir();
    const file = join(dir, 'a.json');
    await writePrivateJson(file, { a: 'x'.repeat(50) });
    expect(await readPrivateFile(file, { maxBytes: 1000, uid: uid + 1 })).toEqual({ refused: `owned by uid ${uid}, not by this user` });
    expect(await readPrivateFile(file, { maxBytes: 20 })).toEqual({ refused: '58 bytes, over the 20 a cache file may hold' });
    await mkdir(join(dir, 'd.json'), { mode: 0o700 });
    expect(await readPrivateFile(join(dir, 'd.json'), { maxBytes: 100 })).toEqual({ refused: 'not a regular file' });
  });

  it('a FIFO in place of the file is refused at once, not waited on for a writer', async () => {
    const dir = await tempDir();
    const fifo = join(dir, 'f.json');
    execFileSync('mkfifo', ['-m', '600', fifo]);
    expect(await readPrivateFile(fifo, { maxBytes: 100 })).toEqual({ refused: 'not a regular file' });
  });

  it('without a uid (Windows) only the type and size are checked', async () => {
    const dir = await tempDir();
    const file = join(dir, 'a.json');
    await writeFile(file, '{}', { mode: 0o666 });
    await chmod(file, 0o666);
    expect(await readPrivateFile(file, { maxBytes: 100, uid: undefined })).toEqual({ text: '{}' });
  });
});
