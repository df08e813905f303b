/**
 * awsfed credential-process --profile P [--min-ttl T] (issue 8, item 1): the Version 1 JSON on stdout
 * for an AWS tool's `credential_process`, and nothing else.
 *
 *   cached keys of P valid for more than T (credential-process-cache.ts, which loads almost nothing)
 *   else, under a per-profile lock:  re-check the cache  ->  sign in again without a person (IdP
 *   session cookies, stored user name, password command / AWSFED_PASSWORD, the role P last held),
 *   chaining from the gateway for a destination  ->  keys written back as `awsfed login` does.
 *
 * Nobody watches a credential_process and its stdin belongs to the calling tool: never a prompt, never
 * stdin, never the terminal, no spinner and no progress lines on stderr (they go to --debug). Anything
 * that needs a person (a password without a source, an MFA push, a role to choose) fails at once with
 * one line naming the `awsfed login` to run. Callers do not cache across processes and an SDK may start
 * many at once: the lock makes them sign in once, the others then find the fresh keys in the cache.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { configSectionName, resolveAwsPaths } from '../config/paths.js';
import { resolveSettings } from '../config/settings.js';
import type { Deps } from '../deps.js';
import { AppError, FileError, PromptError, SamlError } from '../errors.js';
import { sessionFileName, userCacheDir } from '../session/cache-dir.js';
import { formatProcessCredentials, serveCachedCredentials } from './credential-process-cache.js';
import type { CredentialProcessOptions } from './credential-process-cache.js';

/** Beyond the sign-in's own limit (--timeout): STS and the chain's AssumeRole calls of the run we wait for. */
const LOCK_WAIT_MARGIN_SECONDS = 60;

/** Role choices a person makes at `awsfed login`: in an unattended run they mean "needs a person". */
const NEEDS_A_PERSON: ReadonlySet<string> = new Set(['ROLE_CHOICE_NEEDED', 'ROLE_AMBIGUOUS']);

export async function credentialProcess(options: CredentialProcessOptions, deps: Deps): Promise<string> {
  const hit = await serveCachedCredentials(options, deps);
  if (hit !== undefined) return hit;
  return signInAndServe(options, unattendedDeps(deps));
}

async function signInAndServe(options: CredentialProcessOptions, deps: Deps): Promise<string> {
  const { profile } = options;
  const paths = resolveAwsPaths(deps.env, deps.homeDir);
  const { parseIni } = await import('../ini/document.js');
  const { chainPath } = await import('../catalog/chain-plan.js');
  const config = (await deps.files.read(paths.configFile)) ?? parseIni('', paths.configFile);
  const path = chainPath(config, profile);
  const root = path[path.length - 1]!;
  const settings = resolveSettings({}, deps.env, { value: root, source: 'flag' }, config.getSection(configSectionName(root)));
  const waitMs = (settings.timeout.value + LOCK_WAIT_MARGIN_SECONDS) * 1000;

  // Locked by the chain's root: the gateway sign-in is what concurrent calls for the gateway and for
  // the destinations chained from it would all repeat. Waiting callers then find their keys cached, or
  // only their own AssumeRole left to do.
  const release = await lockProfile(root, deps, waitMs);
  try {
    // The run that held the lock before us has probably just written fresh keys.
    const fresh = await serveCachedCredentials(options, deps);
    if (fresh !== undefined) return fresh;
    const [{ ensureProfileCredentials }, { createGatewaySignIn }] = await Promise.all([import('../chain/credentials.js'), import('./gateway-sign-in.js')]);
    const resolved = await ensureProfileCredentials(profile, deps, {
      noPrompt: true,
      signIn: createGatewaySignIn({ unattended: true }),
      minValiditySeconds: options.minTtlSeconds,
    });
    return formatProcessCredentials(resolved.credentials);
  } catch (error) {
    throw needsPersonError(error, profile, root) ?? error;
  } finally {
    await release();
  }
}

/**
 * One lock per gateway profile in the user's cache directory (beside the IdP sessions), held around
 * "check the cache, sign in, write": the pid inside lets a waiter take over from a run that died.
 */
export async function lockProfile(profile: string, deps: Deps, waitMs: number): Promise<() => Promise<void>> {
  const dir = join(userCacheDir(deps.env, deps.homeDir, deps.platform ?? 'linux'), 'awsfed', 'credential-process');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const target = join(dir, sessionFileName(profile).replace(/\.json$/, ''));
  const { acquireLock } = await import('../credentials/file-lock.js');
  try {
    return await acquireLock(target, { lockTimeoutMs: waitMs, staleLockMs: waitMs, onWait: (line) => deps.log.debug(line) });
  } catch (error) {
    if (!(error instanceof FileError) || error.code !== 'FILE_LOCKED') throw error;
    throw new FileError('CREDENTIAL_PROCESS_BUSY', `Another awsfed credential-process for gateway ${profile} did not finish signing in within ${Math.round(waitMs / 1000)} s.`, {
      hint: `Try again; if no awsfed is running, delete ${target}.lock.`,
      cause: error,
    });
  }
}

/** The one-line failure of a sign-in that needed a person; undefined for every other error. */
export function needsPersonError(error: unknown, profile: string, root: string): PromptError | undefined {
  if (!(error instanceof AppError)) return undefined;
  const needsPerson = (error instanceof PromptError && error.code !== 'PROMPT_CANCELLED') || (error instanceof SamlError && NEEDS_A_PERSON.has(error.code));
  if (!needsPerson) return undefined;
  const login = `awsfed login --profile ${root}`;
  // No hint: a credential_process caller shows our stderr as it is, and one line says it all.
  // What exactly was needed is the cause, printed under --debug.
  return new PromptError('INTERACTIVE_SIGN_IN_NEEDED', `${profile} needs an interactive sign-in: run \`${login}\``, { hint: '', cause: error });
}

/**
 * The ports of an unattended run: no prompter, no stdin, no spinner (it would put a terminal stdin in
 * raw mode), and stderr lines ("signing in", notes, lock waits) only under --debug. A password or MFA
 * command gets no stdin and its stderr is not passed through.
 */
function unattendedDeps(deps: Deps): Deps {
  const quiet = (line: string): void => deps.log.debug(line);
  const { progress: _spinner, ...rest } = deps;
  return {
    ...rest,
    err: quiet,
    log: { info: quiet, warn: quiet, debug: quiet },
    isInteractive: false,
    prompter: () => deps.prompter(true),
    readStdin: () => Promise.reject(new PromptError('PROMPT_UNAVAILABLE', 'credential-process never reads standard input: it belongs to the calling tool.')),
    runCommand: (command, env, runOptions) => deps.runCommand(command, env, { ...runOptions, inheritStderr: false, ignoreStdin: true }),
  };
}
