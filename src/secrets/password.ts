/**
 * Where the password comes from, in order: --password-stdin, AWSFED_PASSWORD, awsfed_password_command,
 * the OS keychain (only with awsfed_remember_password / --remember-password: issue 8, item 2), then the
 * prompt. The explicit sources come first because the user chose them for this run or this profile;
 * the keychain is a memory of an earlier prompt. The password is read at most once per run and never printed.
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
  /**
   * The password remembered in the OS keychain for this user at this IdP; undefined when there is none
   * or no keychain (it never fails: a missing keychain is the prompt's turn).
   */
  keychain?: () => Promise<string | undefined>;
}

export type PasswordOrigin = 'stdin' | 'env' | 'command' | 'keychain' | 'prompt';

/** The password and where it came from (a keychain one the IdP refuses is removed; a typed one may be stored). */
export async function obtainPasswordWithOrigin(sources: PasswordSources): Promise<{ password: string; origin: PasswordOrigin }> {
  const explicit = await explicitPassword(sources);
  if (explicit) return explicit;
  const remembered = await sources.keychain?.();
  if (remembered) return { password: remembered, origin: 'keychain' };
  const password = await sources.prompter.password(sources.username ? `Password for ${sources.username}:` : 'Password:', {
    hint: 'Supply it with --password-stdin, AWSFED_PASSWORD or awsfed_password_command (awsfed configure --password-command), or remember it with `awsfed login --remember-password`.',
  });
  return { password, origin: 'prompt' };
}

async function explicitPassword(sources: PasswordSources): Promise<{ password: string; origin: PasswordOrigin } | undefined> {
  if (sources.passwordStdin) {
    const text = stripOneNewline(await sources.readStdin());
    if (text === '') {
      throw new PromptError('PASSWORD_STDIN_EMPTY', '--password-stdin was given but standard input was empty.', {
        hint: 'Pipe the password in, e.g. `pass show corp/ad | awsfed login --password-stdin`.',
      });
    }
    return { password: text, origin: 'stdin' };
  }
  const fromEnv = sources.env.AWSFED_PASSWORD;
  if (fromEnv !== undefined && fromEnv !== '') return { password: fromEnv, origin: 'env' };
  if (sources.passwordCommand) {
    const seconds = sources.passwordCommandTimeoutSeconds;
    const result = await sources.runCommand(sources.passwordCommand, sources.env, { inheritStderr: true, timeoutMs: seconds * 1000 });
    // Neither the command's stdout nor its stderr is quoted: either may hold the secret.
    if (result.timedOut) {
      throw new AppError('PASSWORD_COMMAND_TIMEOUT', `the password command did not finish within ${seconds} s and was stopped.`, {
        hint:
          'Check that it does not wait for input it never gets; if it needs longer, raise --password-command-timeout ' +
          '(AWSFED_PASSWORD_COMMAND_TIMEOUT, awsfed_password_command_timeout in the config file; default 60 s, 15 s under credential-process).',
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
    return { password: text, origin: 'command' };
  }
  return undefined;
}

function firstLine(text: string): string {
  return text.split(/\r?\n/, 1)[0] ?? '';
}

function stripOneNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}
