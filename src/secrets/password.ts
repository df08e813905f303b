/**
 * Where the password comes from, in order: --password-stdin, AWSFED_PASSWORD, awsfed_password_command,
 * then the prompt. The password is read at most once per run and never printed.
 *
 * The password command's stderr goes to the terminal (it may ask for a PIN there), it runs for at most
 * the password command timeout, and the first line of its stdout is the password: tools such as
 * `pass show` print the password first and notes (URL, user name) on the lines after it.
 */
import { AppError, PromptError } from '../errors.js';
import type { CommandResult, Env, RunCommandOptions } from '../deps.js';
import type { Prompter } from '../ui/prompt.js';

export interface PasswordSources {
  passwordStdin: boolean;
  env: Env;
  passwordCommand: string | undefined;
  readStdin(): Promise<string>;
  runCommand(command: string, env: Env, options?: RunCommandOptions): Promise<CommandResult>;
  /** How long the password command may run, in seconds (settings: passwordCommandTimeout). */
  passwordCommandTimeoutSeconds: number;
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
    const seconds = sources.passwordCommandTimeoutSeconds;
    const result = await sources.runCommand(sources.passwordCommand, sources.env, { inheritStderr: true, timeoutMs: seconds * 1000 });
    // Neither the command's stdout nor its stderr is quoted: either may hold the secret.
    if (result.timedOut) {
      throw new AppError('PASSWORD_COMMAND_TIMEOUT', `the password command did not finish within ${seconds} s and was stopped.`, {
        hint:
          'Check that it does not wait for input it never gets; if it needs longer, raise --password-command-timeout ' +
          '(AWSFED_PASSWORD_COMMAND_TIMEOUT, awsfed_password_command_timeout in the config file; default 60 s).',
      });
    }
    if (result.exitCode !== 0) {
      throw new AppError('PASSWORD_COMMAND_FAILED', `The password command exited with status ${result.exitCode}.`, {
        hint: 'Run awsfed_password_command yourself to see why; it must print only the password on stdout.',
      });
    }
    const text = firstLine(result.stdout);
    if (text === '') {
      throw new AppError('PASSWORD_COMMAND_EMPTY', 'The password command printed nothing on the first line of its output.', {
        hint: 'awsfed_password_command must print the password as the first line on stdout.',
      });
    }
    return text;
  }
  return sources.prompter.password(sources.username ? `Password for ${sources.username}:` : 'Password:', {
    hint: 'Supply it with --password-stdin, AWSFED_PASSWORD or awsfed_password_command (awsfed configure --password-command).',
  });
}

function firstLine(text: string): string {
  return text.split(/\r?\n/, 1)[0] ?? '';
}

function stripOneNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}
