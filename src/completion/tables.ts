/**
 * The lookup tables every completion script carries, as data: which words are commands at a given
 * command path, which flags take a value, and what completes each value. Each shell's generator
 * turns these rows into its own `case`/`switch` arms, so the three scripts agree by construction.
 */
import type { CommandSpec, ValueSource } from './spec.js';
import { allCommands } from './spec.js';

/** A row matched against "PATH|WORD": exact keys, or a key prefix followed by a position from `from` on. */
export interface Arm<T> {
  keys: string[];
  /**
   * A variadic argument (the last one): every position from its own on. Its key is then "PATH|", to be
   * followed by a wildcard; the arms of the earlier positions come first, so they win.
   */
  rest?: boolean;
  value: T;
}

export interface Described {
  word: string;
  description: string;
}

export interface CompletionTables {
  /** Path -> its subcommands (with descriptions). */
  subcommands: Arm<Described[]>[];
  /** "PATH|NAME" of every subcommand. */
  isSubcommand: string[];
  /** Path -> its flags (with descriptions). */
  options: Arm<Described[]>[];
  /** "PATH|FLAG" of every flag that takes a value. */
  takesValue: string[];
  optionValues: Arm<ValueSource>[];
  /** "PATH|POSITION" (0-based, counting positional words after the command path). */
  argumentValues: Arm<ValueSource>[];
}

const key = (path: readonly string[], rest: string): string => `${path.join(' ')}|${rest}`;

export function completionTables(spec: CommandSpec): CompletionTables {
  const commands = allCommands(spec);
  return {
    subcommands: commands
      .filter((c) => c.subcommands.length)
      .map((c) => ({ keys: [c.path.join(' ')], value: c.subcommands.map((s) => ({ word: s.name, description: s.description })) })),
    isSubcommand: commands.flatMap((c) => c.subcommands.map((s) => key(c.path, s.name))),
    options: commands.map((c) => ({
      keys: [c.path.join(' ')],
      value: c.options.flatMap((o) => o.names.map((n) => ({ word: n, description: o.description }))),
    })),
    takesValue: commands.flatMap((c) => c.options.filter((o) => o.takesValue).flatMap((o) => o.names.map((n) => key(c.path, n)))),
    optionValues: commands.flatMap((c) =>
      c.options.filter((o) => o.takesValue && o.values.kind !== 'none').map((o) => ({ keys: o.names.map((n) => key(c.path, n)), value: o.values })),
    ),
    argumentValues: commands.flatMap((c) =>
      c.args.flatMap((a, i): Arm<ValueSource>[] => {
        // Positions with nothing to offer get a row too, so that a later variadic row cannot claim them.
        return a.variadic ? [{ keys: [key(c.path, '')], rest: true, value: a.values }] : [{ keys: [key(c.path, String(i))], value: a.values }];
      }),
    ),
  };
}
