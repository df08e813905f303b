/**
 * The only place that catches, prints an error with its hint, and sets the exit code.
 * One line (plus hint) by default; the code, the cause chain and stacks under --debug.
 */
import { buildCli, commanderOutcome } from './cli.js';
import { createDeps } from './deps.js';
import type { Deps } from './deps.js';
import { isAppError } from './errors.js';
import { VERSION } from './version.js';

export async function main(argv: string[], makeDeps: (o: { debug: boolean }) => Deps = createDeps): Promise<number> {
  // `awsfed ... | head`: once the reader is gone, further output has nowhere to go. That is the reader's
  // choice, not a failure of ours (as with cat or git): drop the output and finish quietly.
  process.stdout.on('error', ignoreClosedPipe);
  // Arguments after `--` belong to the command run by `awsfed exec`, not to awsfed.
  const end = argv.indexOf('--');
  const debug = (end === -1 ? argv : argv.slice(0, end)).includes('--debug');
  let exitCode = 0;
  const program = buildCli({ deps: makeDeps, version: VERSION }, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    // commander has already printed its own message for help, version and flag mistakes.
    const outcome = commanderOutcome(error);
    if (outcome) return outcome.exitCode;
    process.stderr.write(`${formatError(error, debug)}\n`);
    return isAppError(error) ? error.exitCode : 1;
  }
}

function ignoreClosedPipe(error: NodeJS.ErrnoException): void {
  if (error.code !== 'EPIPE') throw error;
}

export function formatError(error: unknown, debug: boolean): string {
  if (isAppError(error)) {
    const lines = [`awsfed: ${error.message}`];
    if (error.hint) lines.push(`  hint: ${error.hint}`);
    if (debug) {
      lines.push(`  code: ${error.code}`);
      lines.push(...causeChain(error.cause));
    }
    return lines.join('\n');
  }
  const message = error instanceof Error ? error.message : String(error);
  const lines = [`awsfed: unexpected error: ${message}`, '  hint: this is a bug in awsfed; run again with --debug and report what it prints.'];
  if (debug && error instanceof Error && error.stack) lines.push(error.stack, ...causeChain(error.cause));
  return lines.join('\n');
}

function causeChain(cause: unknown): string[] {
  const lines: string[] = [];
  for (let c = cause, depth = 0; c !== undefined && depth < 5; depth++) {
    lines.push(`  cause: ${c instanceof Error ? `${c.name}: ${c.message}` : String(c)}`);
    c = c instanceof Error ? c.cause : undefined;
  }
  return lines;
}
