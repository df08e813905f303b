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
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type AwsPaths, configSectionName, resolveAwsPaths } from '../config/paths.js';
import { type Flags, type Settings, UNATTENDED_PASSWORD_COMMAND_TIMEOUT_SECONDS, resolveSettings } from '../config/settings.js';
import type { Deps } from '../deps.js';
import { AppError, FileError, isAppError, PromptError, SamlError, UsageError } from '../errors.js';
import { ERROR_CODES, type ErrorCode } from '../error-codes.js';
import { sessionFileName, userCacheDir } from '../session/cache-dir.js';
import type { AwsFilesSnapshot } from '../chain/credentials.js';
import type { IniDocument } from '../ini/document.js';
import { cachedCredentialsIn, formatProcessCredentials } from './credential-process-cache.js';
import { parseAwsfedProcessLine } from './process-line.js';
import type { CredentialProcessOptions } from './credential-process-cache.js';

/** Beyond the sign-in's own limit (--timeout): STS and the chain's AssumeRole calls of the run we wait for. */
const LOCK_WAIT_MARGIN_SECONDS = 60;

/** Role choices a person makes at `awsfed login`: in an unattended run they mean "needs a person". */
const NEEDS_A_PERSON: ReadonlySet<string> = new Set(['ROLE_CHOICE_NEEDED', 'ROLE_AMBIGUOUS']);

export async function credentialProcess(options: CredentialProcessOptions, deps: Deps): Promise<string> {
  const paths = resolveAwsPaths(deps.env, deps.homeDir);
  const before = await readBoth(paths, deps);
  const hit = await cachedCredentialsIn(options, before.credentials, async () => before.config, paths.credentialsFile, deps);
  if (hit !== undefined) return hit;
  return signInAndServe(options, paths, before.config, unattendedDeps(deps));
}

/**
 * The credentials and config files as they are now. A miss reads them twice, no more: once for the
 * lock-free cache check (whose config also names the chain root to lock), and once under the lock,
 * since another run may have written fresh keys between the two; that second reading is the one the
 * chain and the sign-in then work from (ensureProfileCredentials `files`), instead of reading again.
 */
async function readBoth(paths: AwsPaths, deps: Deps): Promise<AwsFilesSnapshot> {
  const { parseIni } = await import('../ini/document.js');
  const [credentials, config] = await Promise.all([deps.files.read(paths.credentialsFile), deps.files.read(paths.configFile)]);
  return { credentials: credentials ?? parseIni('', paths.credentialsFile), config: config ?? parseIni('', paths.configFile) };
}

async function signInAndServe(options: CredentialProcessOptions, paths: AwsPaths, config: IniDocument, deps: Deps): Promise<string> {
  const { profile } = options;
  const { chainPath } = await import('../catalog/chain-plan.js');
  refuseHelperProfile(config.get(configSectionName(profile), 'credential_process'), profile);
  const path = chainPath(config, profile);
  const root = path[path.length - 1]!;
  const settings = resolveSettings({}, deps.env, { value: root, source: 'flag' }, config.getSection(configSectionName(root)));
  const waitMs = (settings.timeout.value + LOCK_WAIT_MARGIN_SECONDS) * 1000;

  // Locked by the chain's root: the gateway sign-in is what concurrent calls for the gateway and for
  // the destinations chained from it would all repeat. Waiting callers then find their keys cached, or
  // only their own AssumeRole left to do.
  const target = lockTarget(root, deps);
  const waitingSince = deps.clock().getTime();
  const release = await lockProfile(root, deps, waitMs, target);
  try {
    // The run that held the lock before us has probably just written fresh keys.
    const now = await readBoth(paths, deps);
    const fresh = await cachedCredentialsIn(options, now.credentials, async () => now.config, paths.credentialsFile, deps);
    if (fresh !== undefined) return fresh;
    // ...or failed while we waited: the same sign-in would fail the same way, once per waiting caller
    // (an SDK starting ten processes would wait ten times as long), so share its failure instead.
    const failed = await recentFailure(target, waitingSince);
    if (failed) throw failed;
    const [{ ensureProfileCredentials }, { createGatewaySignIn }] = await Promise.all([import('../chain/credentials.js'), import('./gateway-sign-in.js')]);
    const signIn = createGatewaySignIn({ unattended: true });
    const resolved = await ensureProfileCredentials(profile, deps, {
      noPrompt: true,
      signIn: (request, signInDeps) => signIn({ ...request, flags: { ...unattendedDefaults(settings), ...request.flags } }, signInDeps),
      minValiditySeconds: options.minTtlSeconds,
      files: now,
    });
    await rm(`${target}${FAILURE_SUFFIX}`, { force: true });
    return formatProcessCredentials(resolved.credentials);
  } catch (error) {
    const reported = needsPersonError(error, profile, root) ?? error;
    await recordFailure(target, reported, deps.clock().getTime());
    throw reported;
  } finally {
    await release();
  }
}

/**
 * Defaults of an unattended sign-in, given to the login as flags only where the root's settings hold
 * nothing explicit (a flag would beat the environment and the profile key, which must still win).
 */
function unattendedDefaults(settings: Settings): Flags {
  return settings.passwordCommandTimeout.source === 'default' ? { passwordCommandTimeout: String(UNATTENDED_PASSWORD_COMMAND_TIMEOUT_SECONDS) } : {};
}

/** The profile `configure --credential-process` wrote is the helper's caller, not a profile it serves. */
function refuseHelperProfile(line: string | undefined, profile: string): void {
  // Read as configure wrote it (process-line.ts): another tool's line, or one without --profile, is not refused here.
  const source = line === undefined ? undefined : parseAwsfedProcessLine(line)?.profile;
  if (source === undefined) return;
  throw new UsageError('CREDENTIAL_PROCESS_OF_HELPER', `${profile} is the profile whose credential_process runs awsfed; awsfed serves the keys of ${source}.`, {
    hint: `Use \`awsfed credential-process --profile ${source}\` (that is what ${profile}'s credential_process line runs).`,
  });
}

const FAILURE_SUFFIX = '.failed.json';

/** What the last run's sign-in failed with (message and hint only: neither holds a secret). */
async function recordFailure(target: string, error: unknown, at: number): Promise<void> {
  if (!(error instanceof AppError)) return;
  const record = JSON.stringify({ at, code: error.code, message: error.message, hint: error.hint });
  await writeFile(`${target}${FAILURE_SUFFIX}`, record, { mode: 0o600 }).catch(() => undefined);
}

/** The failure a run recorded after `since`, i.e. while this one waited for the lock (a success removes it). */
async function recentFailure(target: string, since: number): Promise<AppError | undefined> {
  let record: { at?: unknown; code?: unknown; message?: unknown; hint?: unknown };
  try {
    record = JSON.parse(await readFile(`${target}${FAILURE_SUFFIX}`, 'utf8')) as typeof record;
  } catch {
    return undefined;
  }
  if (typeof record.at !== 'number' || record.at < since || typeof record.code !== 'string' || typeof record.message !== 'string') return undefined;
  if (!Object.hasOwn(ERROR_CODES, record.code)) return undefined;
  return new AppError(record.code as ErrorCode, record.message, { hint: typeof record.hint === 'string' ? record.hint : '' });
}

export function lockTarget(profile: string, deps: Deps): string {
  const dir = join(userCacheDir(deps.env, deps.homeDir, deps.platform ?? 'linux'), 'awsfed', 'credential-process');
  return join(dir, sessionFileName(profile).replace(/\.json$/, ''));
}

/**
 * One lock per gateway profile in the user's cache directory (beside the IdP sessions), held around
 * "check the cache, sign in, write": the pid inside lets a waiter take over from a run that died.
 */
export async function lockProfile(profile: string, deps: Deps, waitMs: number, target = lockTarget(profile, deps)): Promise<() => Promise<void>> {
  await mkdir(dirname(target), { recursive: true, mode: 0o700 });
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
  const login = `awsfed login --profile ${root}`;
  // Windows sign-in that wanted a Kerberos ticket: `kinit` (a person's password) makes it unattended again.
  const kerberos = kerberosWanted(error);
  if (kerberos) {
    // Under --auth kerberos a plain login would fail the same way: the other way in is NTLM's password.
    const instead = kerberos.alone ? `${login} --auth ntlm` : login;
    return new PromptError('INTERACTIVE_SIGN_IN_NEEDED', `${profile} needs a Kerberos ticket (${kerberos.why}): run \`kinit\`, or \`${instead}\``, { hint: '', cause: error });
  }
  const needsPerson = (error instanceof PromptError && error.code !== 'PROMPT_CANCELLED') || (error instanceof SamlError && NEEDS_A_PERSON.has(error.code));
  if (!needsPerson) return undefined;
  // No hint: a credential_process caller shows our stderr as it is, and one line says it all.
  // What exactly was needed is the cause, printed under --debug.
  return new PromptError('INTERACTIVE_SIGN_IN_NEEDED', `${profile} needs an interactive sign-in: run \`${login}\``, { hint: '', cause: error });
}

/**
 * The Kerberos reason when a Windows sign-in failed for want of a ticket: Kerberos alone (--auth kerberos)
 * and no ticket or an expired one, or NTLM's prompt after Kerberos could not be used (wia).
 */
function kerberosWanted(error: AppError): { why: string; alone: boolean } | undefined {
  // Thrown itself: Kerberos was the only way (--auth kerberos, or AD FS offered nothing else).
  const alone = error.code === 'IDP_WIA_KERBEROS_UNAVAILABLE';
  const kerberos = alone ? error : error instanceof PromptError && isAppError(error.cause) && error.cause.code === 'IDP_WIA_KERBEROS_UNAVAILABLE' ? error.cause : undefined;
  const reason = (kerberos?.cause as { reason?: string } | undefined)?.reason;
  const why = reason === 'no-ticket' ? 'there is none' : reason === 'expired' ? 'it has expired' : undefined;
  return why === undefined ? undefined : { why, alone };
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
