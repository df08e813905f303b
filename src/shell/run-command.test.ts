import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { becomesGone } from '../../test/helpers/processes.js';
import { runShellCommand } from './run-command.js';

const dir = mkdtempSync(join(tmpdir(), 'awsfed-run-command-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { PATH: process.env.PATH };

// The real port with real processes (vitest's stdin is not a terminal: the process-group path).
describe('runShellCommand', () => {
  it('captures stdout and stderr and the exit code', async () => {
    await expect(runShellCommand('printf out; printf err >&2; exit 3', env)).resolves.toEqual({ exitCode: 3, stdout: 'out', stderr: 'err' });
  });

  it('with inheritStderr, captures no stderr (it went to our own stderr)', async () => {
    const r = await runShellCommand('printf pw; printf "" >&2', env, { inheritStderr: true });
    expect(r).toEqual({ exitCode: 0, stdout: 'pw', stderr: '' });
  });

  it('on the time limit kills the whole process group, a grandchild holding stdout included, and says so', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    // The grandchild keeps stdout open: waiting for EOF alone would hang for its whole 60 s.
    const r = await runShellCommand(`sleep 60 & echo $! > '${pidFile}'; wait`, env, { timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(r.stdout).toBe('');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(await becomesGone(pid)).toBe(true);
  });

  it('keeps a bounded amount of stdout from a command that never stops printing', async () => {
    const r = await runShellCommand('yes secret-line', env, { timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    const bounded = await runShellCommand('head -c 1000000 /dev/zero | tr "\\0" a', env);
    expect(bounded.exitCode).toBe(0);
    expect(bounded.stdout.length).toBeLessThanOrEqual(64 * 1024 + 65536);
    expect(bounded.stdout.length).toBeGreaterThan(0);
  });
});
