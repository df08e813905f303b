/** Process checks for tests that make sure awsfed left nothing running. */
import { existsSync, readFileSync } from 'node:fs';

/**
 * Running, not a zombie: a killed orphan stays a zombie until init reaps it, and some inits (a
 * container's) are slow to, so signal 0 alone would still find it.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return !existsSync('/proc/self/stat'); // no procfs: signal 0 succeeding is all we know
  }
}

/** Waits (a bounded number of short polls) for a killed process to be gone; true when it is. */
export async function becomesGone(pid: number, polls = 100): Promise<boolean> {
  for (let i = 0; i < polls && isRunning(pid); i++) await new Promise((done) => setTimeout(done, 20));
  return !isRunning(pid);
}
