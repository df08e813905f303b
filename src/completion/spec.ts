/**
 * What the shell completion scripts complete, read from the commander definition itself (src/cli.ts) when
 * `awsfed completion SHELL` runs, so the scripts can never offer a flag the CLI lacks or miss one it has.
 * Values (profile names, fixed words, files) come from hints kept beside the command
 * (src/commands/completion.ts); commander's own `.choices()` are used when a flag or argument has them.
 * Pure: a Command in, data out.
 */
import type { Argument, Command, Option } from 'commander';

/** Which profile names the hidden `awsfed __complete KIND` call prints. */
export type ProfileKind = 'profiles' | 'gateways' | 'destinations';

export type ValueSource =
  | { kind: 'none' }
  | { kind: 'words'; words: readonly string[] }
  | { kind: 'profiles'; which: ProfileKind }
  | { kind: 'files' }
  /** A program name on PATH (the command `awsfed exec` runs). */
  | { kind: 'commands' }
  /** The names of awsfed's own commands (`awsfed help COMMAND`). */
  | { kind: 'subcommands' };

export interface OptionSpec {
  /** `-p`, `--profile` (short first). */
  names: string[];
  takesValue: boolean;
  description: string;
  values: ValueSource;
}

export interface ArgumentSpec {
  name: string;
  variadic: boolean;
  values: ValueSource;
}

export interface CommandSpec {
  name: string;
  /** Command names from the top: [] for awsfed itself, ['policy', 'trust'] for `awsfed policy trust`. */
  path: string[];
  description: string;
  options: OptionSpec[];
  args: ArgumentSpec[];
  subcommands: CommandSpec[];
}

export interface ValueHints {
  option(path: readonly string[], long: string): ValueSource | undefined;
  argument(path: readonly string[], name: string): ValueSource | undefined;
}

const NONE: ValueSource = { kind: 'none' };

/** The completion tree of `program`: visible commands and options only (hidden ones stay hidden). */
export function completionSpec(program: Command, hints: ValueHints): CommandSpec {
  const help = program.createHelp();
  // Program options other than --help and --version (e.g. --debug) are accepted after any command too.
  const inherited = help
    .visibleOptions(program)
    .filter((o) => o.long !== '--help' && o.long !== '--version')
    .map((o) => optionSpec(o, [], hints));
  const walk = (cmd: Command, path: string[]): CommandSpec => ({
    name: cmd.name(),
    path,
    description: firstLine(cmd.description()),
    options: [...help.visibleOptions(cmd).map((o) => optionSpec(o, path, hints)), ...(path.length ? inherited : [])],
    args: cmd.registeredArguments.map((a) => argumentSpec(a, path, hints)),
    subcommands: help.visibleCommands(cmd).map((sub) => walk(sub, [...path, sub.name()])),
  });
  return walk(program, []);
}

function optionSpec(o: Option, path: string[], hints: ValueHints): OptionSpec {
  const takesValue = o.required || o.optional;
  const choices = (o as Option & { argChoices?: string[] }).argChoices;
  return {
    names: [o.short, o.long].filter((n): n is string => Boolean(n)),
    takesValue,
    description: firstLine(o.description),
    values: !takesValue ? NONE : choices ? { kind: 'words', words: choices } : (hints.option(path, o.long ?? o.short ?? '') ?? NONE),
  };
}

function argumentSpec(a: Argument, path: string[], hints: ValueHints): ArgumentSpec {
  const choices = (a as Argument & { argChoices?: string[] }).argChoices;
  return {
    name: a.name(),
    variadic: a.variadic,
    values: choices ? { kind: 'words', words: choices } : (hints.argument(path, a.name()) ?? NONE),
  };
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}

/** Every command of the tree, depth first, the root first. */
export function allCommands(spec: CommandSpec): CommandSpec[] {
  return [spec, ...spec.subcommands.flatMap(allCommands)];
}
