/**
 * The real ports: environment, clock, terminal, standard streams, child processes, the AWS files and
 * STS. Commands receive a Deps and never reach for process.*, the disk adapter or the AWS SDK
 * themselves, so tests can run them in-process with fakes and the demo can run them against a
 * temporary AWS directory.
 */
import { homedir } from 'node:os';
import type { Logger } from './log.js';
import { createLogger } from './log.js';
import type { Prompter } from './ui/prompt.js';
import { createRefusingPrompter } from './ui/prompt.js';
import type { Progress } from './ui/progress.js';
import { createProgress } from './ui/progress.js';
import type { AwsFiles } from './credentials/aws-files.js';
import { awsFilesOnDisk } from './credentials/aws-files.js';
import type { Sts } from './sts/port.js';
import { stsOverHttp } from './sts/port.js';
import type { Keychain } from './secrets/keychain.js';
import { osKeychain } from './secrets/os-keychain.js';

export type Env = Record<string, string | undefined>;

export interface CommandResult {
  exitCode: number;
  stdout: string;
  /** Empty when stderr was left to the terminal. */
  stderr: string;
  /** The time limit ran out and the command was killed; exitCode and output then mean nothing. */
  timedOut?: boolean;
}

export interface RunCommandOptions {
  /** Leave stderr to the terminal instead of capturing it (a password command may ask for a PIN there). */
  inheritStderr?: boolean;
  /** Kill the command (its process group where it has one) after this long. */
  timeoutMs?: number;
  /** Give the command no stdin (credential_process: awsfed's stdin belongs to the calling tool). */
  ignoreStdin?: boolean;
}

export interface Deps {
  env: Env;
  homeDir: string;
  /** process.platform (where the user's cache directory is); fakes may leave it out (then Linux rules). */
  platform?: NodeJS.Platform;
  clock: () => Date;
  /** Writes to stdout (results). */
  out: (text: string) => void;
  /** Writes to stderr (progress, warnings, prompts). */
  err: (text: string) => void;
  log: Logger;
  /** ~/.aws/config and ~/.aws/credentials: every read and write of them goes through here. */
  files: AwsFiles;
  /** AWS STS: AssumeRoleWithSAML, AssumeRole, GetCallerIdentity. */
  sts: Sts;
  /**
   * The OS keychain for --remember-password (its native module loads on first use). Optional so that
   * fakes need not provide it: no keychain then, as on a machine without one.
   */
  keychain?: Keychain;
  /** True when both stdin and stderr are terminals. */
  isInteractive: boolean;
  /** Builds the prompter; refuses when not interactive or when noPrompt is set. */
  prompter(noPrompt: boolean): Promise<Prompter>;
  /**
   * The status line of a network wait (a spinner on a terminal stderr, nothing otherwise). Optional so
   * that fakes need not provide it: no status line then.
   */
  progress?(): Progress;
  /** Reads all of stdin (for --password-stdin). */
  readStdin(): Promise<string>;
  /** Runs a shell command and captures its stdout (awsfed_password_command, the browser opener). */
  runCommand(command: string, env: Env, options?: RunCommandOptions): Promise<CommandResult>;
  /**
   * Runs a program (no shell) with inherited stdio and resolves with its exit status (128 + n for a
   * signal); rejects with an ExecError when it cannot be started (for awsfed exec). Optional so that
   * fakes need not provide it; createDeps does.
   */
  spawnInherit?(command: string, args: string[], env: Record<string, string>): Promise<number>;
}

export function createDeps(options: { debug: boolean }): Deps {
  const err = (text: string) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  const isInteractive = Boolean(process.stdin.isTTY && process.stderr.isTTY);
  let progress: Progress | undefined;
  const log = createLogger(err, options.debug);
  return {
    env: process.env,
    homeDir: homedir(),
    platform: process.platform,
    clock: () => new Date(),
    out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err,
    log,
    files: awsFilesOnDisk(),
    // Only under --debug: the STS calls join the IdP requests in the request list.
    // A target without proxies (a chained refresh, credential_process) takes the environment's.
    // Loaded and read once, on the first STS call that needs it (not at start-up).
    sts: stsOverHttp(options.debug ? (line) => log.debug(line) : undefined, async () => (await import('./commands/proxy-config.js')).environmentProxyConfig(process.env)),
    keychain: osKeychain(process.platform, process.env),
    isInteractive,
    async prompter(noPrompt) {
      if (noPrompt) return createRefusingPrompter('no-prompt');
      if (!isInteractive) return createRefusingPrompter('no-tty');
      const { createInquirerPrompter } = await import('./ui/inquirer-prompter.js');
      return createInquirerPrompter({ input: process.stdin, output: process.stderr });
    },
    // One line per run: the waits follow each other, and two spinners would fight over the line.
    progress: () => (progress ??= createProgress({ output: process.stderr, input: process.stdin, env: process.env })),
    readStdin: () => readAll(process.stdin),
    runCommand: async (command, env, runOptions) => (await import('./shell/run-command.js')).runShellCommand(command, env, runOptions),
    spawnInherit: async (command, args, env) => (await import('./shell/spawn.js')).spawnInherit(command, args, env),
  };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
