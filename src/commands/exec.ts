/**
 * `awsfed exec NAME -- CMD ARGS...`: runs CMD (no shell in between) with the profile's credentials in
 * its environment: the current environment minus the variables that would override or contradict the
 * keys (AWS_PROFILE & co.), plus the keys, both region variables and AWSFED_ACTIVE_PROFILE. Its exit
 * status becomes awsfed's (128 + n when a signal ended it; 127 when it is not found).
 */
import type { Deps } from '../deps.js';
import { childEnvironment } from '../shell/exports.js';
import { ShellError } from '../shell/errors.js';
import { assertNotNested } from '../shell/nesting.js';
import type { EnsureCredentials } from './switch.js';

export interface ExecOptions {
  profile: string;
  /** The program and its arguments. */
  command: string[];
  noPrompt: boolean;
  nest: boolean;
  /** --no-session: a gateway re-login neither uses nor saves the IdP session cache. */
  noSession?: boolean;
}

export interface ExecResult {
  exitCode: number;
}

export async function execInProfile(options: ExecOptions, deps: Deps, ensure?: EnsureCredentials): Promise<ExecResult> {
  const [program, ...args] = options.command;
  if (program === undefined || program === '') {
    throw new ShellError('EXEC_NO_COMMAND', 'no command given to run', {
      hint: `Name it after --, e.g. awsfed exec ${options.profile} -- aws sts get-caller-identity`,
    });
  }
  assertNotNested(deps.env, { nest: options.nest, command: 'exec', profile: options.profile });
  const resolve = ensure ?? (await import('../chain/credentials.js')).ensureProfileCredentials;
  const { createGatewaySignIn } = await import('./gateway-sign-in.js');
  const resolved = await resolve(options.profile, deps, { noPrompt: options.noPrompt, signIn: createGatewaySignIn({ noSession: Boolean(options.noSession) }) });
  const env = childEnvironment(deps.env, { profile: resolved.profile, credentials: resolved.credentials, region: resolved.region });
  deps.log.debug(`exec: running ${program} with the credentials of ${resolved.profile} (${resolved.source})`);
  const spawn = deps.spawnInherit ?? (await import('../shell/spawn.js')).spawnInherit;
  return { exitCode: await spawn(program, args, env) };
}
