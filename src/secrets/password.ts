/**
 * Where the password comes from, in order: --password-stdin, AWSFED_PASSWORD, awsfed_password_command,
 * then the prompt. The password is read at most once per run and never printed.
 */
import { AppError, PromptError } from '../errors.js';
import type { CommandResult, Env } from '../deps.js';
import type { Prompter } from '../ui/prompt.js';

export interface PasswordSources {
  passwordStdin: boolean;
  env: Env;
  passwordCommand: string | undefined;
  readStdin(): Promise<string>;
  runCommand(command: string, env: Env): Promise<CommandResult>;
  prompter: Prompter;
  username: string | undefined;
}

export async function obtainPassword(sources: PasswordSources): Promise<string> {
  if (sources.passwordStdin) {
    const text = stripOneNewline(await sources.readStdin());
    if (text === '') {
      throw new PromptError('PASSWORD_STDIN_EMPTY', '--password-stdin was given but standard input was empty.', {
        hint: 'Pipe the password in, e.g. `pass show corp/ad | awsfed login --password-stdin`.',
      });
    }
    return text;
  }
  const fromEnv = sources.env.AWSFED_PASSWORD;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (sources.passwordCommand) {
    const result = await sources.runCommand(sources.passwordCommand, sources.env);
    // Neither stdout nor stderr of the command is quoted: either may hold the secret.
    if (result.exitCode !== 0) {
      throw new AppError('PASSWORD_COMMAND_FAILED', `The password command exited with status ${result.exitCode}.`, {
        hint: 'Run awsfed_password_command yourself to see why; it must print only the password on stdout.',
      });
    }
    const text = stripOneNewline(result.stdout);
    if (text === '') {
      throw new AppError('PASSWORD_COMMAND_EMPTY', 'The password command printed nothing.', {
        hint: 'awsfed_password_command must print the password on stdout.',
      });
    }
    return text;
  }
  return sources.prompter.password(sources.username ? `Password for ${sources.username}:` : 'Password:', {
    hint: 'Supply it with --password-stdin, AWSFED_PASSWORD or awsfed_password_command (awsfed configure --password-command).',
  });
}

function stripOneNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}
