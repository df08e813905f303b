/**
 * Runs a chain plan's hops: STS AssumeRole for each destination with its source's credentials.
 *
 * - A hop starts as soon as its source has credentials (a root from the credentials file, or the
 *   hop that produced the source profile); independent hops run in parallel, at most `concurrency`
 *   STS calls in flight at once (default 8).
 * - Role chaining caps a session at 3600 s (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining):
 *   a destination asking for more gets 3600 s and a note that says so, rather than a refusal from STS.
 * - Throttling is retried with exponential backoff and jitter (the SDK's own retries are switched off
 *   for these calls, so that the attempts and the waits are ours, bounded and testable).
 * - One failing hop never loses the others: it gets an outcome with its error; the hops whose source
 *   failed are reported as skipped, naming the source and its error.
 *
 * No secret reaches a log line: only profile names, role ARNs, session names and durations.
 */
import { AppError, StsError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Sts } from '../sts/port.js';
import type { AwsCredentials, SamlCredentials, StsTarget } from '../sts/client.js';
import type { Hop } from '../catalog/chain-plan.js';
import { ROLE_CHAINING_MAX_SECONDS } from '../identifiers/identifiers.js';
import { sanitizeSessionName } from '../catalog/session-name.js';

export type HopOutcome =
  | { profile: string; ok: true; credentials: SamlCredentials; durationSeconds: number; notes: string[] }
  | { profile: string; ok: false; error: AppError; skipped?: boolean /* because its source failed */ };

export interface ExecuteOptions {
  /** At most this many AssumeRole calls in flight (default 8). */
  concurrency?: number;
  /** The STS endpoint for a hop's region (the hop is passed too, for callers with several roots). */
  sts: (region: string | undefined, hop: Hop) => StsTarget;
  /** The STS port's AssumeRole (Deps.sts.assumeRole). */
  assumeRole: Sts['assumeRole'];
  sleep?: (ms: number) => Promise<void>;
  log: Logger;
  /** SAML RoleSessionName or the user name: used for hops without role_session_name. */
  defaultSessionName: string;
  /** Attempts per hop when STS throttles (default 4). */
  maxAttempts?: number;
  /** First backoff delay in ms (default 200), doubled per attempt, capped at 5 s, with jitter. */
  backoffBaseMs?: number;
  /** Source of jitter in [0, 1) (default Math.random). */
  random?: () => number;
}

export const DEFAULT_CONCURRENCY = 8;
/** Role chaining limit: a role assumed with role credentials gets at most one hour. */
const DEFAULT_MAX_ATTEMPTS = 4;
const DEFAULT_BACKOFF_BASE_MS = 200;
const BACKOFF_CAP_MS = 5000;
const RETRYABLE = new Set(['STS_THROTTLED']);

const realSleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Exponential backoff with jitter: base * 2^(attempt-1), capped, then scaled into [50%, 100%). */
export function backoffDelay(attempt: number, baseMs: number, random: () => number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, baseMs * 2 ** (attempt - 1));
  return Math.round(ceiling * (0.5 + random() * 0.5));
}

export async function executeHops(hops: Hop[], roots: Map<string, AwsCredentials>, opts: ExecuteOptions): Promise<HopOutcome[]> {
  const limit = Math.max(1, Math.floor(opts.concurrency ?? DEFAULT_CONCURRENCY));
  const assume = opts.assumeRole;
  const sleep = opts.sleep ?? realSleep;
  const random = opts.random ?? Math.random;
  const maxAttempts = Math.max(1, opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
  const backoffBase = opts.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS;

  // A profile planned twice runs once.
  const unique: Hop[] = [];
  const hopByProfile = new Map<string, Hop>();
  for (const hop of hops) {
    if (hopByProfile.has(hop.profile)) continue;
    hopByProfile.set(hop.profile, hop);
    unique.push(hop);
  }

  const outcomes = new Map<string, HopOutcome>();
  const credentialsOf = (profile: string): AwsCredentials | undefined => {
    const outcome = outcomes.get(profile);
    if (outcome?.ok) return outcome.credentials;
    return hopByProfile.has(profile) ? undefined : roots.get(profile);
  };

  async function runHop(hop: Hop, source: AwsCredentials): Promise<HopOutcome> {
    if (hop.mfaSerial !== undefined) {
      return {
        profile: hop.profile,
        ok: false,
        error: new AppError('CHAIN_MFA_UNSUPPORTED', `MFA-protected destination ${hop.profile} needs a token code; not supported for chained refresh yet.`, {
          hint: `Remove mfa_serial from [profile ${hop.profile}] if the role does not require MFA, or use the AWS CLI for this profile.`,
        }),
      };
    }
    const notes: string[] = [];
    const requested = hop.durationSeconds ?? ROLE_CHAINING_MAX_SECONDS;
    const durationSeconds = Math.min(requested, ROLE_CHAINING_MAX_SECONDS);
    if (requested > ROLE_CHAINING_MAX_SECONDS) {
      notes.push(`${hop.profile} asked for ${requested} s; role chaining caps sessions at ${ROLE_CHAINING_MAX_SECONDS} s.`);
    }
    const roleSessionName = sanitizeSessionName(hop.roleSessionName ?? opts.defaultSessionName);
    // Our loop retries throttling with its own backoff; SDK retries on top would multiply the attempts.
    const base = opts.sts(hop.region, hop);
    const target: StsTarget = { ...base, maxAttempts: base.maxAttempts ?? 1 };
    for (let attempt = 1; ; attempt++) {
      opts.log.debug(`AssumeRole ${hop.roleArn} for ${hop.profile} from ${hop.sourceProfile} as ${roleSessionName}, ${durationSeconds} s (attempt ${attempt})`);
      try {
        const credentials = await assume(target, source, {
          roleArn: hop.roleArn,
          roleSessionName,
          durationSeconds,
          ...(hop.externalId !== undefined ? { externalId: hop.externalId } : {}),
        });
        if (attempt > 1) notes.push(`${hop.profile}: STS throttled ${attempt - 1} time(s); succeeded on attempt ${attempt}.`);
        return { profile: hop.profile, ok: true, credentials, durationSeconds, notes };
      } catch (error) {
        const appError = toAppError(error, hop);
        if (!RETRYABLE.has(appError.code) || attempt >= maxAttempts) {
          if (appError instanceof StsError && RETRYABLE.has(appError.code)) {
            return {
              profile: hop.profile,
              ok: false,
              error: new StsError(appError.code, `${appError.message} (gave up after ${attempt} attempts)`, { hint: appError.hint, cause: appError }),
            };
          }
          return { profile: hop.profile, ok: false, error: appError };
        }
        const wait = backoffDelay(attempt, backoffBase, random);
        opts.log.debug(`STS throttled ${hop.profile}; retrying in ${wait} ms`);
        await sleep(wait);
      }
    }
  }

  const pending = [...unique];
  let running = 0;
  return new Promise<HopOutcome[]>((resolve) => {
    const finish = (): void => resolve(unique.map((h) => outcomes.get(h.profile)!));

    const pump = (): void => {
      // Repeat until a pass changes nothing: a skip can unblock (skip) hops listed before it.
      for (let progressed = true; progressed; ) {
        progressed = false;
        for (let i = 0; i < pending.length; ) {
          const hop = pending[i]!;
          const sourceHop = hopByProfile.get(hop.sourceProfile);
          const sourceOutcome = outcomes.get(hop.sourceProfile);
          if (sourceHop !== undefined && sourceOutcome === undefined) {
            i++; // its source has not finished yet
            continue;
          }
          if (sourceOutcome !== undefined && !sourceOutcome.ok) {
            pending.splice(i, 1);
            outcomes.set(hop.profile, skippedBecause(hop, sourceOutcome.error));
            progressed = true;
            continue;
          }
          const source = credentialsOf(hop.sourceProfile);
          if (source === undefined) {
            pending.splice(i, 1);
            outcomes.set(hop.profile, {
              profile: hop.profile,
              ok: false,
              skipped: true,
              error: new AppError('CHAIN_SOURCE_NO_CREDENTIALS', `${hop.profile}: its source profile ${hop.sourceProfile} has no credentials.`, {
                hint: `Run \`awsfed login --profile ${hop.sourceProfile}\` first.`,
              }),
            });
            progressed = true;
            continue;
          }
          if (running >= limit) return;
          pending.splice(i, 1);
          running++;
          void runHop(hop, source)
            .catch((error: unknown): HopOutcome => ({ profile: hop.profile, ok: false, error: toAppError(error, hop) }))
            .then((outcome) => {
              outcomes.set(hop.profile, outcome);
              running--;
              pump();
            });
        }
      }
      if (running === 0) {
        // Nothing in flight and nothing startable: whatever is left waits on a source that never comes
        // (a cycle a hand-made hop list could contain; planChains never produces one).
        for (const hop of pending.splice(0)) {
          outcomes.set(hop.profile, {
            profile: hop.profile,
            ok: false,
            error: new AppError('CHAIN_UNRESOLVED', `${hop.profile}: its source ${hop.sourceProfile} never obtained credentials.`, {
              hint: 'Check source_profile in ~/.aws/config for a loop.',
            }),
          });
        }
        finish();
      }
    };
    pump();
  });
}

function skippedBecause(hop: Hop, sourceError: AppError): HopOutcome {
  return {
    profile: hop.profile,
    ok: false,
    skipped: true,
    error: new AppError('CHAIN_SOURCE_FAILED', `${hop.profile} skipped: its source ${hop.sourceProfile} failed (${sourceError.message})`, {
      hint: sourceError.hint,
      cause: sourceError,
    }),
  };
}

function toAppError(error: unknown, hop: Hop): AppError {
  if (error instanceof AppError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new StsError('STS_ERROR', `AssumeRole for ${hop.profile} failed: ${message}`, { hint: 'Run with --debug for details.', cause: error });
}
