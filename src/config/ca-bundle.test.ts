import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestCa } from '../emulator/certs.js';
import { loadCaBundle } from './ca-bundle.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'awsfed-ca-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('loadCaBundle', () => {
  it('reads a PEM file', async () => {
    const path = join(dir, 'ca.pem');
    const { certPem } = createTestCa().ca;
    await fs.writeFile(path, certPem);
    expect(await loadCaBundle(path)).toBe(certPem);
  });

  // A FIFO blocks open() until a writer comes: the run used to hang before the IdP was even contacted.
  it('refuses a FIFO at once instead of waiting for a writer', async () => {
    const path = join(dir, 'ca.pem');
    expect(spawnSync('mkfifo', [path]).status).toBe(0);
    await expect(loadCaBundle(path)).rejects.toMatchObject({ code: 'CA_BUNDLE_UNREADABLE', message: expect.stringContaining('not a regular file') });
  });

  it('refuses a link to /dev/zero, naming why', async () => {
    const path = join(dir, 'ca.pem');
    await fs.symlink('/dev/zero', path);
    await expect(loadCaBundle(path)).rejects.toMatchObject({ code: 'CA_BUNDLE_UNREADABLE', message: expect.stringContaining('not a regular file') });
  });
});
