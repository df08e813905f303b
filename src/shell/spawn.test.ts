import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExecError } from './errors.js';
import { signalExitCode, spawnInherit } from './spawn.js';

const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

describe('spawnInherit (real child processes)', () => {
  it('passes the exit code through', async () => {
    expect(await spawnInherit('sh', ['-c', 'exit 7'], env)).toBe(7);
    expect(await spawnInherit('sh', ['-c', 'exit 0'], env)).toBe(0);
  });

  it('reports death by signal as 128 + n', async () => {
    expect(await spawnInherit('sh', ['-c', 'kill -TERM $$'], env)).toBe(143);
    expect(await spawnInherit('sh', ['-c', 'kill -KILL $$'], env)).toBe(137);
  });

  it('passes arguments verbatim, without a shell', async () => {
    // `test` compares its arguments exactly: no globbing, no variable expansion happened on the way.
    expect(await spawnInherit('test', ['$HOME *', '=', '$HOME *'], env)).toBe(0);
  });

  it('fails with a typed error, exit 127, for a command that does not exist', async () => {
    const error = await spawnInherit('awsfed-no-such-command', [], env).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecError);
    expect(error).toMatchObject({ code: 'EXEC_NOT_FOUND', exitCode: 127 });
    expect((error as ExecError).hint).toContain('PATH');
  });

  it('fails with exit 126 for a file that is not executable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'awsfed-spawn-'));
    try {
      const file = join(dir, 'script.sh');
      writeFileSync(file, '#!/bin/sh\nexit 0\n', { mode: 0o644 });
      const error = await spawnInherit(file, [], env).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'EXEC_NOT_EXECUTABLE', exitCode: 126 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('maps signal names', () => {
    expect(signalExitCode('SIGINT')).toBe(130);
    expect(signalExitCode(null)).toBe(1);
  });
});
