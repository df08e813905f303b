/**
 * Chains are data first (DESIGN.md): from ~/.aws/config and a list of target profiles, work out
 * which profiles' credentials come from the credentials file (roots) and which AssumeRole calls
 * (hops) must run, in an order where every hop comes after the hop that produces its source's
 * credentials. Pure; nothing here touches the network or the disk.
 *
 * Rules (the AWS CLI's, narrowed to what awsfed can chain):
 * - A profile without role_arn is a root: its keys are read from the credentials file (the awsfed
 *   gateway, written by `awsfed login`). A source_profile on a root is ignored, as the AWS CLI does.
 * - A profile with role_arn must name source_profile; credential_source or web_identity_token_file
 *   (EC2/ECS/OIDC sources) are CHAIN_UNSUPPORTED_SOURCE.
 * - A profile reached twice is CHAIN_CYCLE, including source_profile pointing at itself (botocore
 *   allows that only for a profile with static keys, which an awsfed destination never has).
 */
import { parseDurationSeconds, parseRoleArn, profileKeys, DestinationKeys } from './destination.js';
import type { AppError } from '../errors.js';
import type { IniDocument } from '../ini/document.js';
import type { ChainError } from './chain-errors.js';
import { chainCycleError, chainMissingSourceError, chainTooLongError, noSuchProfileError, notADestinationError, unsupportedSourceError } from './chain-errors.js';

export interface Hop {
  profile: string;
  roleArn: string;
  sourceProfile: string;
  region?: string;
  roleSessionName?: string;
  externalId?: string;
  mfaSerial?: string;
  durationSeconds?: number;
  /** 1 = assumed with the root's credentials, 2 = with a depth-1 hop's, ... */
  depth: number;
}

export interface ChainPlan {
  /** Profiles whose credentials come from the credentials file, in order of first use. */
  roots: string[];
  /** Each hop after its source's hop (topological), each profile once. */
  hops: Hop[];
  /** One entry per target that cannot be planned; the other targets are still planned. */
  errors: Array<{ profile: string; error: AppError }>;
}

/** Keys that make the AWS CLI take a role's source credentials from somewhere other than a profile. */
const UNSUPPORTED_SOURCE_KEYS = ['credential_source', 'web_identity_token_file'] as const;

/** Most hops (AssumeRole calls) one chain may take from its root to its target. */
export const MAX_CHAIN_HOPS = 20;

/**
 * The chain from `target` up to its root: [target, source, ..., root]. A root target gives [target].
 * Throws ChainError: CHAIN_NO_SUCH_PROFILE (target has no section), CHAIN_MISSING_SOURCE,
 * CHAIN_CYCLE, CHAIN_UNSUPPORTED_SOURCE, CHAIN_NOT_A_DESTINATION (role_arn without source_profile,
 * or a role_arn that is not an IAM role ARN). Messages carry the whole path.
 */
export function chainPath(config: IniDocument, target: string): string[] {
  const path = [target];
  // A Set, not path.includes: one chain costs its length, not its square.
  const seen = new Set(path);
  let current = target;
  for (;;) {
    const keys = profileKeys(config, current);
    if (!keys) throw current === target ? noSuchProfileError(target, config.path) : chainMissingSourceError(path, undefined, config.path);
    const roleArn = value(keys, DestinationKeys.roleArn);
    if (roleArn === undefined) return path;
    const unsupported = UNSUPPORTED_SOURCE_KEYS.find((key) => value(keys, key) !== undefined);
    if (unsupported) throw unsupportedSourceError(path, unsupported);
    if (!parseRoleArn(roleArn)) {
      throw notADestinationError(path, `role_arn "${roleArn}" is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)`, undefined, config.path);
    }
    const source = value(keys, DestinationKeys.sourceProfile);
    if (source === undefined) throw notADestinationError(path, 'it has role_arn but no source_profile', undefined, config.path);
    if (seen.has(source)) throw chainCycleError([...path, source], undefined, config.path);
    // Each hop is an AssumeRole with the previous hop's keys; no real chain comes near this, and the cap
    // keeps planning every profile of a generated or hostile config linear (and messages short).
    if (path.length > MAX_CHAIN_HOPS) throw chainTooLongError(path, source, config.path);
    seen.add(source);
    path.push(source);
    current = source;
  }
}

/**
 * Plans the hops for several targets at once. Targets that share a parent share its hop; a target
 * that is a root adds no hop (refreshing a root is a no-op here: `awsfed login` does that); a bad
 * target is reported in `errors` and does not stop the others.
 */
export function planChains(config: IniDocument, targets: string[]): ChainPlan {
  const plan: ChainPlan = { roots: [], hops: [], errors: [] };
  const planned = new Set<string>();
  for (const target of unique(targets)) {
    let path: string[];
    try {
      path = chainPath(config, target);
    } catch (error) {
      plan.errors.push({ profile: target, error: error as ChainError });
      continue;
    }
    const root = path[path.length - 1] as string;
    if (!plan.roots.includes(root)) plan.roots.push(root);
    // Root side first, so each hop lands after its source's hop.
    for (let i = path.length - 2; i >= 0; i--) {
      const profile = path[i] as string;
      if (planned.has(profile)) continue;
      planned.add(profile);
      plan.hops.push(hopFor(config, profile, path.length - 1 - i));
    }
  }
  return plan;
}

/** The root profile of a target's chain (throws like chainPath). */
export function chainRoot(config: IniDocument, target: string): string {
  const path = chainPath(config, target);
  return path[path.length - 1] as string;
}

function hopFor(config: IniDocument, profile: string, depth: number): Hop {
  const keys = profileKeys(config, profile) ?? {};
  const hop: Hop = {
    profile,
    roleArn: value(keys, DestinationKeys.roleArn) ?? '',
    sourceProfile: value(keys, DestinationKeys.sourceProfile) ?? '',
    depth,
  };
  const region = value(keys, DestinationKeys.region);
  if (region !== undefined) hop.region = region;
  const roleSessionName = value(keys, DestinationKeys.roleSessionName);
  if (roleSessionName !== undefined) hop.roleSessionName = roleSessionName;
  const externalId = value(keys, DestinationKeys.externalId);
  if (externalId !== undefined) hop.externalId = externalId;
  const mfaSerial = value(keys, DestinationKeys.mfaSerial);
  if (mfaSerial !== undefined) hop.mfaSerial = mfaSerial;
  const duration = parseDurationSeconds(keys[DestinationKeys.durationSeconds]);
  if (duration !== undefined) hop.durationSeconds = duration;
  return hop;
}

function value(keys: Record<string, string>, key: string): string | undefined {
  const v = keys[key]?.trim();
  return v === undefined || v === '' ? undefined : v;
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
