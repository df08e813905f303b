/**
 * The real `runCommand` port: runs a shell command line (awsfed_password_command, the browser opener)
 * and captures its stdout. Loaded only when a command is run.
 *
 * For a password command (issue 6, item 5):
 * - stderr may be left to the terminal, so a command that asks for a PIN or a vault unlock is seen
 *   asking instead of looking hung; stdin is always inherited for the same reason;
 * - a time limit ends it. Where stdin is not a terminal the command runs in its own process group and
 *   the whole group is killed, so a pipeline or a background grandchild holding stdout open cannot keep
 *   awsfed waiting. Where stdin is a terminal the command stays in the terminal's foreground process
 *   group (a process in another group that reads the terminal is stopped by SIGTTIN: the prompt would
 *   freeze), so only the child itself is killed; sh and bash exec a simple command in place, so that is
 *   the command. Either way awsfed stops waiting for the pipes at once.
 * stdout is kept up to a bound: it is the password, not a stream to buffer without end.
 */
import { spawn } from 'node:child_process';
import type { CommandResult, Env, RunCommandOptions } from '../deps.js';

/** More than any password; what a runaway command prints past this is dropped. */
const MAX_STDOUT_BYTES = 64 * 1024;

export function runShellCommand(command: string, env: Env, options: RunCommandOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const ownGroup = options.timeoutMs !== undefined && (options.ignoreStdin || !process.stdin.isTTY) && process.platform !== 'win32';
    const child = spawn(command, {
      shell: true,
      env: env as NodeJS.ProcessEnv,
      stdio: [options.ignoreStdin ? 'ignore' : 'inherit', 'pipe', options.inheritStderr ? 'inherit' : 'pipe'],
      detached: ownGroup,
    });
    const out: Buffer[] = [];
    let outBytes = 0;
    const errOut: Buffer[] = [];
    child.stdout?.on('data', (c: Buffer) => {
      if (outBytes >= MAX_STDOUT_BYTES) return;
      out.push(c);
      outBytes += c.length;
    });
    child.stderr?.on('data', (c: Buffer) => errOut.push(c));
    let settled = false;
    const settle = (result: CommandResult) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      resolve(result);
    };
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            kill(child.pid, ownGroup);
            // Grandchildren may still hold the pipes open: stop reading them rather than wait for EOF.
            child.stdout?.destroy();
            child.stderr?.destroy();
            settle({ exitCode: 1, stdout: '', stderr: '', timedOut: true });
          }, options.timeoutMs);
    child.on('error', (error) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) =>
      settle({
        exitCode: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(errOut).toString('utf8'),
      }),
    );
  });
}

function kill(pid: number | undefined, group: boolean): void {
  if (pid === undefined) return;
  try {
    process.kill(group ? -pid : pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
