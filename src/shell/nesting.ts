/**
 * `switch` and `exec` mark the environment they create with AWSFED_ACTIVE_PROFILE. Running them again
 * inside it is usually a mistake (a subshell forgotten open, a script that already switched), so it is
 * refused unless --nest says it is meant.
 */
import type { Env } from '../deps.js';
import { ACTIVE_PROFILE_VARIABLE } from './exports.js';
import { ShellError } from './errors.js';

export function assertNotNested(env: Env, options: { nest: boolean; command: 'switch' | 'exec'; profile: string }): void {
  const active = env[ACTIVE_PROFILE_VARIABLE];
  if (options.nest || active === undefined || active.trim() === '') return;
  throw new ShellError('SHELL_NESTED', `already inside an awsfed environment for profile "${active}" (${ACTIVE_PROFILE_VARIABLE} is set)`, {
    hint:
      `Leave it first (exit the shell or command started by awsfed, or unset ${ACTIVE_PROFILE_VARIABLE}), ` +
      `or run \`awsfed ${options.command} ${options.profile} --nest\` to nest on purpose.`,
  });
}
