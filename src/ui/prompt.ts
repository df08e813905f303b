/**
 * The prompt port. Commands ask through this interface; tests and non-interactive runs pass their own.
 * A prompt that cannot be shown (no TTY, --no-prompt) is an error that says which value was needed
 * and how to supply it, never a hang.
 */
import { PromptError } from '../errors.js';

export interface Choice<T> {
  value: T;
  name: string;
  /** Group heading shown above the first choice of each group (e.g. the account). */
  group?: string;
}

export interface Prompter {
  /** True when prompts can be shown. */
  readonly interactive: boolean;
  /** `validate` returns true, or the message to show while the prompt stays open. */
  input(message: string, options?: { default?: string; hint?: string; validate?: (value: string) => true | string }): Promise<string>;
  password(message: string, options?: { hint?: string }): Promise<string>;
  /** A filterable list: typing narrows it, arrows move, Enter picks. */
  choose<T>(message: string, choices: readonly Choice<T>[], options?: { hint?: string }): Promise<T>;
  confirm(message: string, options?: { default?: boolean }): Promise<boolean>;
}

/** A prompter that refuses every prompt with a message naming what was needed. */
export function createRefusingPrompter(reason: 'no-tty' | 'no-prompt'): Prompter {
  const refuse = (what: string, hint?: string): never => {
    const why = reason === 'no-prompt' ? '--no-prompt is set' : 'there is no terminal to ask in';
    throw new PromptError('PROMPT_UNAVAILABLE', `Cannot ask for ${what}: ${why}.`, {
      hint: hint ?? 'Run it in a terminal, or supply the value with a flag or environment variable (see awsfed login --help).',
    });
  };
  return {
    interactive: false,
    input: async (message, options) => refuse(describe(message), options?.hint),
    password: async (message, options) => refuse(describe(message), options?.hint),
    choose: async (message, _choices, options) => refuse(describe(message), options?.hint),
    confirm: async (message) => refuse(describe(message)),
  };
}

function describe(message: string): string {
  return `"${message.replace(/[:?]\s*$/, '')}"`;
}
