/**
 * `awsfed completion SHELL` prints the completion script for bash, zsh or fish, built from the CLI's own
 * commander definition (src/completion/spec.ts). The value hints below say what each flag's or
 * argument's value is; src/commands/completion.test.ts fails when one names a flag the CLI lacks.
 */
import type { Command } from 'commander';
import { CONSOLE_COLOR_NAMES } from '../catalog/colors.js';
import { UsageError } from '../errors.js';
import { OUTPUT_FORMATS } from '../identifiers/identifiers.js';
import { PARTITIONS } from '../partition.js';
import { SHELL_FORMATS } from '../shell/exports.js';
import { bashScript } from '../completion/bash.js';
import { fishScript } from '../completion/fish.js';
import { zshScript } from '../completion/zsh.js';
import type { CommandSpec, ValueHints, ValueSource } from '../completion/spec.js';
import { completionSpec } from '../completion/spec.js';
import { EXPORT_FORMATS } from './export.js';

export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;

const words = (list: readonly string[]): ValueSource => ({ kind: 'words', words: list });
const profiles: ValueSource = { kind: 'profiles', which: 'profiles' };
// login, configure and logout act on the profile that signs in at the IdP.
const gateways: ValueSource = { kind: 'profiles', which: 'gateways' };
const destinations: ValueSource = { kind: 'profiles', which: 'destinations' };

/** `COMMAND PATH|--long-flag`; `*|--flag` applies to every command that has the flag. */
export const OPTION_VALUES: Readonly<Record<string, ValueSource>> = {
  'login|--profile': gateways,
  'configure|--profile': gateways,
  'logout|--profile': gateways,
  // Any other --profile (present or future) takes any profile.
  '*|--profile': profiles,
  'add|--source': profiles,
  'configure|--credential-process': profiles,
  '*|--output': words(OUTPUT_FORMATS),
  'switch|--format': words(SHELL_FORMATS),
  '*|--ca-bundle': { kind: 'files' },
  '*|--partition': words(PARTITIONS),
  'add|--color': words(CONSOLE_COLOR_NAMES),
};

/** `COMMAND PATH|argument name`. */
export const ARGUMENT_VALUES: Readonly<Record<string, ValueSource>> = {
  'switch|name': profiles,
  'exec|name': profiles,
  'exec|command': { kind: 'commands' },
  'console|name': profiles,
  'refresh|names': destinations,
  'remove|name': destinations,
  'export|format': words(EXPORT_FORMATS),
  'help|command': { kind: 'subcommands' },
  'completion|shell': words(COMPLETION_SHELLS),
};

export const VALUE_HINTS: ValueHints = {
  option: (path, long) => OPTION_VALUES[`${path.join(' ')}|${long}`] ?? OPTION_VALUES[`*|${long}`],
  argument: (path, name) => ARGUMENT_VALUES[`${path.join(' ')}|${name}`],
};

export function completionCommandSpec(program: Command): CommandSpec {
  return completionSpec(program, VALUE_HINTS);
}

export function completionScript(shell: string, program: Command): string {
  const spec = completionCommandSpec(program);
  switch (shell) {
    case 'bash':
      return bashScript(spec);
    case 'zsh':
      return zshScript(spec);
    case 'fish':
      return fishScript(spec);
    default:
      throw new UsageError('COMPLETION_SHELL_UNKNOWN', `there is no completion for the shell ${JSON.stringify(shell)}`, {
        hint: `Use one of: ${COMPLETION_SHELLS.join(', ')} (e.g. eval "$(awsfed completion bash)").`,
      });
  }
}
