/**
 * Commands answered before main.js (commander, cli.ts, the ports) is loaded, because callers start awsfed
 * often and wait for it: `--version`, and the seam for `credential-process`, which the AWS CLI and SDKs
 * run on every process start (issue 8: a cache hit must cost little more than a bare `node -e 0`).
 *
 * Pure dispatch: bin.ts passes the real table and writes the output; tests pass their own.
 */
import { VERSION } from './version.js';

/**
 * A fast command gets the arguments after its name and answers with an exit status, or `undefined` to
 * let the full CLI handle the call (a cache miss, a flag it does not know, --help): falling through is
 * always safe, because the full CLI implements the same command.
 */
export type FastCommand = (args: string[], io: FastIo) => Promise<number | undefined>;

/** The ports a fast command gets from bin.ts (env and home are optional so that tests may leave them out). */
export interface FastIo {
  out: (text: string) => void;
  env?: Record<string, string | undefined>;
  homeDir?: string;
}

/** The fast commands by name, each imported only when called. */
export const FAST_COMMANDS: Readonly<Record<string, () => Promise<FastCommand>>> = {
  // A cache hit answers here; a miss (or anything the fast parser does not take) goes to the full CLI.
  'credential-process': async () => (await import('./commands/credential-process-fast.js')).credentialProcessFast,
};

export async function runFastPath(
  argv: readonly string[],
  io: FastIo,
  commands: Readonly<Record<string, () => Promise<FastCommand>>> = FAST_COMMANDS,
): Promise<number | undefined> {
  // Exactly `awsfed --version` (or -V): with anything else commander decides (e.g. `login --version` is an error).
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    io.out(`${VERSION}\n`);
    return 0;
  }
  const [name, ...args] = argv;
  const load = name !== undefined && Object.hasOwn(commands, name) ? commands[name] : undefined;
  // --debug asks for the full CLI's diagnostics (the cause chain), which only main.js prints.
  if (!load || args.includes('--debug')) return undefined;
  return (await load())(args, io);
}
