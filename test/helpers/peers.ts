/**
 * Real third-party peers (the AWS CLI v1, moto_server, Python 3, tmux). A test that needs one that is
 * missing fails with a message naming it; it never passes silently.
 */
import { execFileSync } from 'node:child_process';

const NAMES: Record<string, string> = {
  aws: 'the AWS CLI v1 (`aws`)',
  moto_server: 'moto_server (moto, the third-party AWS emulator)',
  python3: 'Python 3 (`python3`)',
  tmux: 'tmux',
};

export function requireTool(tool: keyof typeof NAMES | string): string {
  try {
    return execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`This test needs ${NAMES[tool] ?? tool}, which is not on PATH. Install it (see README, "Tests").`);
  }
}
