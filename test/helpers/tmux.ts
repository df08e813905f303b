/**
 * A real terminal for the interactive end-to-end tests: a tmux server on a private socket (never the
 * developer's own server), one detached session of fixed size, keys sent as a person would type them
 * and the screen read back with capture-pane.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { requireTool } from './peers.js';

const run = promisify(execFile);

export interface TmuxTerminal {
  /** The private socket name (tmux -L). */
  readonly socket: string;
  /** Types text literally (no key-name interpretation). */
  type(text: string): Promise<void>;
  /** Sends named keys: 'Enter', 'Down', 'C-c', ... */
  keys(...names: string[]): Promise<void>;
  /** The visible screen, trailing blank lines removed. */
  screen(): Promise<string>;
  /** Polls the screen until `test` holds; fails with the screen when the deadline passes. */
  waitFor(what: string, test: RegExp | ((screen: string) => boolean), deadlineMs?: number): Promise<string>;
  /** Kills the private tmux server and everything running in it. */
  kill(): Promise<void>;
}

export interface TmuxStartOptions {
  /** argv of the program; quoted for the shell here. */
  command: string[];
  env: Record<string, string>;
  cwd?: string;
  width?: number;
  height?: number;
}

/** Marks the end of the program in the pane: `EXIT=<code>` is printed, then the pane stays open. */
export const EXIT_MARK = /EXIT=(\d+)/;

export async function startTmux(options: TmuxStartOptions): Promise<TmuxTerminal> {
  const tmux = requireTool('tmux');
  const socket = `awsfed-test-${randomBytes(6).toString('hex')}`;
  const target = `${socket}:0`;
  const envArgs = Object.entries(options.env).map(([k, v]) => `${k}=${v}`);
  // `env -i` so that the pane sees only the variables the test chose (tmux adds its own TERM/TMUX).
  // The program's exit status is printed and the pane kept alive so the test can read both.
  const script = `env -i ${[...envArgs, 'TERM=xterm-256color', ...options.command].map(shellQuote).join(' ')}; echo EXIT=$?; sleep 600`;
  // -u: the pane is UTF-8 whatever the test runner's locale (the prompts draw ❯, ✔ and box lines).
  const tmuxArgs = ['-u', '-L', socket, '-f', '/dev/null'];
  await run(tmux, [
    ...tmuxArgs,
    'new-session',
    '-d',
    '-s',
    socket,
    '-x',
    String(options.width ?? 120),
    '-y',
    String(options.height ?? 40),
    ...(options.cwd ? ['-c', options.cwd] : []),
    script,
  ]);
  let socketPath: string;
  try {
    // Keep the pane (and its text) if the shell ends early, e.g. when the command is not found.
    await run(tmux, [...tmuxArgs, 'set-option', '-t', target, 'remain-on-exit', 'on']).catch(() => undefined);
    // kill-server leaves the socket file behind: remember its path to remove it.
    socketPath = (await run(tmux, [...tmuxArgs, 'display-message', '-p', '-t', target, '#{socket_path}'])).stdout.trim();
  } catch (error) {
    // The session exists: do not leave the private server (and the program in it) running.
    await run(tmux, [...tmuxArgs, 'kill-server']).catch(() => undefined);
    throw error;
  }

  const screen = async (): Promise<string> => {
    const { stdout } = await run(tmux, [...tmuxArgs, 'capture-pane', '-p', '-t', target]);
    return stdout.replace(/\s+$/, '');
  };
  const terminal: TmuxTerminal = {
    socket,
    type: async (text) => {
      await run(tmux, [...tmuxArgs, 'send-keys', '-t', target, '-l', text]);
    },
    keys: async (...names) => {
      await run(tmux, [...tmuxArgs, 'send-keys', '-t', target, ...names]);
    },
    screen,
    waitFor: async (what, test, deadlineMs = 15_000) => {
      const matches = typeof test === 'function' ? test : (s: string) => test.test(s);
      const deadline = Date.now() + deadlineMs;
      let last = '';
      for (;;) {
        last = await screen();
        if (matches(last)) return last;
        if (Date.now() > deadline) {
          throw new Error(`Timed out after ${deadlineMs} ms waiting for ${what}. The terminal shows:\n${last}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    kill: async () => {
      await run(tmux, [...tmuxArgs, 'kill-server']).catch(() => undefined);
      if (socketPath.includes(socket)) await rm(socketPath, { force: true });
    },
  };
  return terminal;
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
