/**
 * Nesting guard. `exec` marks the environment of the command it starts with AWSFED_EXEC_PROFILE (and,
 * like `switch`, AWSFED_ACTIVE_PROFILE). Inside such a command, running `switch` or `exec` again is
 * usually a mistake (a subshell forgotten open, a script that already has its profile), so it is
 * refused unless --nest says it is meant. `exec` is also refused in a shell that evaluated `switch`
 * (AWSFED_ACTIVE_PROFILE alone), as before. `switch` in such a shell is not nesting: it replaces the
 * profile of that same shell, which is its job (issue 6, item 4).
 */
import type { Env } from '../deps.js';
import { ACTIVE_PROFILE_VARIABLE, EXEC_PROFILE_VARIABLE } from './exports.js';
import { ShellError } from './errors.js';

export function assertNotNested(env: Env, options: { nest: boolean; command: 'switch' | 'exec'; profile: string }): void {
  if (options.nest) return;
  const set = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const nestHint = `or run \`awsfed ${options.command} ${options.profile} --nest\` to nest on purpose.`;
  const execProfile = set(EXEC_PROFILE_VARIABLE);
  if (execProfile !== undefined) {
    throw new ShellError('SHELL_NESTED', `already inside a command started by \`awsfed exec ${execProfile}\` (${EXEC_PROFILE_VARIABLE} is set)`, {
      hint: `Leave it first (exit that shell or command), ${nestHint}`,
    });
  }
  const active = set(ACTIVE_PROFILE_VARIABLE);
  if (options.command === 'exec' && active !== undefined) {
    throw new ShellError('SHELL_NESTED', `already inside an awsfed environment for profile "${active}" (${ACTIVE_PROFILE_VARIABLE} is set)`, {
      hint: `Leave it first (\`awsfed switch --unset\`, or exit the shell started by awsfed), ${nestHint}`,
    });
  }
}
