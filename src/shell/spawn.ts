/**
 * The real child-process port of `awsfed exec`: runs a program (no shell in between) with inherited
 * stdio and resolves with the exit status a shell would report: the child's code, 128 + n when a
 * signal ended it. While the child runs, Ctrl-C and Ctrl-\ are left to the child (the terminal sends
 * them to the whole foreground process group, so awsfed must not die before it), and SIGTERM / SIGHUP
 * sent to awsfed alone are passed on to it.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { ExecError } from './errors.js';

export type SpawnInherit = (command: string, args: string[], env: Record<string, string>) => Promise<number>;

const IGNORED: NodeJS.Signals[] = ['SIGINT', 'SIGQUIT'];
const FORWARDED: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP'];

export function signalExitCode(signal: NodeJS.Signals | null): number {
  const n = signal === null ? undefined : constants.signals[signal];
  return n === undefined ? 1 : 128 + n;
}

export function spawnFailure(command: string, error: unknown): ExecError {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
  if (code === 'ENOENT') {
    return new ExecError('EXEC_NOT_FOUND', `command not found: ${command}`, {
      hint: command.includes('/')
        ? `Check the path ${command}.`
        : `Check the spelling, or that ${command} is on your PATH; shell builtins and aliases need a shell: awsfed exec NAME -- sh -c '...'.`,
      cause: error,
    });
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new ExecError('EXEC_NOT_EXECUTABLE', `cannot execute ${command} (${code})`, {
      hint: `Check that ${command} is an executable file (ls -l; chmod +x).`,
      cause: error,
    });
  }
  return new ExecError('EXEC_FAILED', `cannot start ${command}${code ? ` (${code})` : ''}`, { cause: error });
}

export const spawnInherit: SpawnInherit = (command, args, env) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: 'inherit', shell: false });
    const ignore = () => {};
    const forward = (signal: NodeJS.Signals) => void child.kill(signal);
    for (const s of IGNORED) process.on(s, ignore);
    for (const s of FORWARDED) process.on(s, forward);
    const cleanup = () => {
      for (const s of IGNORED) process.off(s, ignore);
      for (const s of FORWARDED) process.off(s, forward);
    };
    child.once('error', (error) => {
      cleanup();
      reject(spawnFailure(command, error));
    });
    child.once('exit', (code, signal) => {
      cleanup();
      resolve(code ?? signalExitCode(signal));
    });
  });
