/**
 * The lookup functions bash and zsh scripts share (both run the same `case` syntax): which words are
 * subcommands at a command path, which flags each path has and which take a value, and what completes
 * a flag's value or a positional argument. Each shell passes how it offers words (bash fills COMPREPLY,
 * zsh calls compadd with descriptions) and how it completes a value source.
 */
import type { ValueSource } from './spec.js';
import type { Arm, CompletionTables, Described } from './tables.js';

/** A single-quoted word for bash and zsh. */
export function shq(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

function arms<T>(rows: Arm<T>[], action: (value: T) => string): string {
  return rows.length ? rows.map((r) => `    ${r.keys.map((k) => shq(k) + (r.rest ? '*' : '')).join('|')}) ${action(r.value)} ;;`).join('\n') : '    __awsfed_never) ;;';
}

const oneOf = (keys: string[]): string => (keys.length ? keys.map(shq).join('|') : '__awsfed_never');

export function posixLookups(t: CompletionTables, offer: (list: Described[]) => string, reply: (values: ValueSource) => string): string {
  return `__awsfed_subcommands() {
  case $1 in
${arms(t.subcommands, offer)}
  esac
}

__awsfed_is_subcommand() {
  case "$1|$2" in
    ${oneOf(t.isSubcommand)}) return 0 ;;
  esac
  return 1
}

__awsfed_options() {
  case $1 in
${arms(t.options, offer)}
  esac
}

__awsfed_takes_value() {
  case "$1|$2" in
    ${oneOf(t.takesValue)}) return 0 ;;
  esac
  return 1
}

__awsfed_option_values() {
  case "$1|$2" in
${arms(t.optionValues, reply)}
  esac
}

__awsfed_argument_values() {
  case "$1|$2" in
${arms(t.argumentValues, reply)}
  esac
}`;
}
