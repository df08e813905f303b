/**
 * Where MFA codes come from, in order: --mfa-code, --mfa-code-stdin, AWSFED_MFA_CODE,
 * awsfed_mfa_command, then the prompt. A code from the first four is used for the first code the IdP
 * asks for and never again (a refused code is not tried twice: it would count towards the adapter's
 * lockout); the command runs again for a later one (SecurID's next tokencode). A new PIN is only ever
 * typed. Codes are never printed; secrets() hands them to the debug-page redaction.
 *
 * The command is run like awsfed_password_command (src/secrets/password.ts): its stderr on the
 * terminal, at most the password command time limit, the first line of its stdout.
 */
import { AppError, PromptError } from '../errors.js';
import type { CommandResult, Env, RunCommandOptions } from '../deps.js';
import type { CodeAnswer, CodeRequest, MfaCodeSource } from '../idp/adfs/mfa/ports.js';
import type { Prompter } from '../ui/prompt.js';
import { withoutSecretVariables } from '../redact.js';

export interface MfaCodeSources {
  /** --mfa-code */
  flag: string | undefined;
  /** --mfa-code-stdin: the code from standard input (the line after the password when both are piped). */
  stdinCode: (() => Promise<string>) | undefined;
  env: Env;
  /** awsfed_mfa_command */
  command: string | undefined;
  commandTimeoutSeconds: number;
  runCommand(command: string, env: Env, options?: RunCommandOptions): Promise<CommandResult>;
  prompter: Prompter;
}

export function createMfaCodeSource(sources: MfaCodeSources): MfaCodeSource {
  const handedOut: string[] = [];
  let givenUsed = false;
  const give = (code: string, repeatable: boolean): CodeAnswer => {
    handedOut.push(code);
    return { code, repeatable };
  };

  const given = async (): Promise<string | undefined> => {
    const flag = sources.flag?.trim();
    if (flag) return flag;
    if (sources.stdinCode) {
      const code = (await sources.stdinCode()).trim();
      if (code === '') {
        throw new PromptError('MFA_CODE_STDIN_EMPTY', '--mfa-code-stdin was given but standard input held no code.', {
          hint: 'Pipe the code in; with --password-stdin too, the password goes on the first line and the code on the second.',
        });
      }
      return code;
    }
    const fromEnv = sources.env.AWSFED_MFA_CODE?.trim();
    if (fromEnv) return fromEnv;
    return undefined;
  };

  return {
    async next(request: CodeRequest): Promise<CodeAnswer> {
      if (request.purpose === 'code' && !givenUsed) {
        givenUsed = true;
        const code = await given();
        if (code !== undefined) return give(code, false);
      }
      if (sources.command && request.purpose !== 'new-pin' && request.attempt === 1) {
        return give(await runMfaCommand(sources), false);
      }
      const code = await sources.prompter.password(request.label, {
        hint:
          request.purpose === 'new-pin'
            ? 'A new PIN can only be typed: run `awsfed login` once in a terminal to set it.'
            : 'Supply the code with --mfa-code, AWSFED_MFA_CODE, --mfa-code-stdin or awsfed_mfa_command.',
      });
      return give(code.trim(), sources.prompter.interactive);
    },
    async preset(): Promise<string | undefined> {
      if (!givenUsed) {
        givenUsed = true;
        const code = await given();
        if (code !== undefined) return give(code, false).code;
      }
      return sources.command ? give(await runMfaCommand(sources), false).code : undefined;
    },
    secrets: () => [...handedOut],
  };
}

async function runMfaCommand(sources: MfaCodeSources): Promise<string> {
  const seconds = sources.commandTimeoutSeconds;
  // The command needs neither the password nor a code of ours.
  const result = await sources.runCommand(sources.command!, withoutSecretVariables(sources.env), { inheritStderr: true, timeoutMs: seconds * 1000 });
  // Neither output is quoted: either may hold the code.
  if (result.timedOut) {
    throw new AppError('MFA_COMMAND_TIMEOUT', `The MFA command did not finish within ${seconds} s and was stopped.`, {
      hint: 'Check that the MFA command (--mfa-command / AWSFED_MFA_COMMAND / awsfed_mfa_command) does not wait for input it never gets; if it needs longer, raise --password-command-timeout (it bounds both commands).',
    });
  }
  if (result.exitCode !== 0) {
    throw new AppError('MFA_COMMAND_FAILED', `The MFA command exited with status ${result.exitCode}.`, {
      hint: 'Run the MFA command (--mfa-command / AWSFED_MFA_COMMAND / awsfed_mfa_command) yourself to see why; it must print only the code on stdout.',
    });
  }
  const code = (result.stdout.split(/\r?\n/, 1)[0] ?? '').trim();
  if (code === '') {
    throw new AppError('MFA_COMMAND_EMPTY', 'The MFA command printed nothing on the first line of its output.', {
      hint: 'The MFA command (--mfa-command / AWSFED_MFA_COMMAND / awsfed_mfa_command) must print the code as the first line on stdout.',
    });
  }
  return code;
}
