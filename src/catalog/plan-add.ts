/**
 * What `awsfed add NAME` would write, pure over the config document: the destination's keys merged
 * with what is stored, every identifier checked (src/identifiers), and the catalog it would produce
 * checked as a whole (the source exists, the chain reaches a root without a cycle, a gateway or another
 * non-destination profile is never overwritten).
 *
 * Role chaining: a destination whose source is another destination, or whose chain starts at an
 * awsfed gateway (SAML role-session keys), is assumed with role-session credentials, which STS caps at
 * 3600 s. Such a destination never gets a duration_seconds over 3600 from --duration: the AWS CLI would
 * send it as is and fail with a ValidationError. A destination whose source is a plain root (keys put
 * into the credentials file by something else, possibly an IAM user's) may ask for more.
 */
import { DEFAULT_PROFILE, parseDuration } from '../config/settings.js';
import { CONSOLE_COLOR_NAMES, isConsoleColor } from './colors.js';
import type { Destination } from './destination.js';
import { DestinationKeys, buildRoleArn, isGatewayProfile, profileKeys, readDestination, writeDestination } from './destination.js';
import { roleSessionNameFrom } from './session-name.js';
import { chainPath } from './chain-plan.js';
import { ChainError, chainCycleError, chainMissingSourceError } from './chain-errors.js';
import { UsageError } from '../errors.js';
import type { IniDocument } from '../ini/document.js';
import { parseIni } from '../ini/document.js';
import type { Partition } from '../saml/types.js';
import { partitionOfRegion } from '../partition.js';
import {
  ROLE_CHAINING_MAX_SECONDS,
  checkAccountId,
  checkChainedDuration,
  checkExternalId,
  checkMfaSerial,
  checkPartition,
  checkProfileName,
  checkRegion,
  checkRoleArn,
  checkRoleName,
  parseRoleArn,
} from '../identifiers/identifiers.js';

export interface AddOptions {
  name: string;
  account?: string;
  role?: string;
  region?: string;
  source?: string;
  displayName?: string;
  color?: string;
  externalId?: string;
  mfaSerial?: string;
  duration?: string;
  partition?: string;
}

export interface AddPlan {
  destination: Destination;
  action: 'added' | 'updated' | 'unchanged';
  /** [name, source, ..., root] after the change. */
  chain: string[];
  notes: string[];
}

const regionPartition = (region: string | undefined): Partition => (region === undefined ? 'aws' : partitionOfRegion(region));

/**
 * Works out the destination to write and checks the catalog it would produce. Pure over the config
 * document (which it does not change). Throws UsageError or ChainError (exit code 2).
 */
export function planAdd(config: IniDocument, options: AddOptions, defaultSource: string = DEFAULT_PROFILE): AddPlan {
  const name = checkProfileName(options.name, 'profile name');
  const keys = profileKeys(config, name);
  const existing = readDestination(config, name);
  // role_arn + source_profile with a role_arn we cannot read is still a destination: the update fixes it.
  if (keys && (isGatewayProfile(config, name) || (!existing && !hasDestinationKeys(keys)))) refuseOverwrite(config, name, keys);

  const source = checkProfileName(nonEmpty(options.source) ?? existing?.sourceProfile ?? defaultSource, '--source');
  if (source === name) {
    throw chainCycleError([name, name], `A destination cannot be its own source; use --source with the gateway profile (default ${defaultSource}) or another destination.`);
  }

  const role = resolveRole(options, existing, config.path);
  const duration = optional(options.duration, existing?.durationSeconds, (v) => parseDuration(v, 'flag'));
  const color = optional(options.color, existing?.color, (v) => {
    const lower = v.toLowerCase();
    if (!isConsoleColor(lower)) {
      throw new UsageError('BAD_COLOR', `--color is "${v}"; the console offers ${CONSOLE_COLOR_NAMES.join(', ')}.`, {
        hint: `Pick one of ${CONSOLE_COLOR_NAMES.join(', ')}.`,
      });
    }
    return lower;
  });
  const mfaSerial = optional(options.mfaSerial, existing?.mfaSerial, (v) => checkMfaSerial(v, '--mfa-serial'));
  const externalId = optional(options.externalId, existing?.externalId, (v) => checkExternalId(v, '--external-id'));
  const displayName = optional(options.displayName, existing?.displayName, (v) => v);

  const sourceKeys = profileKeys(config, source);
  // A region inherited from the source is checked too: it is written into this profile.
  const inherited = existing?.region ?? nonEmpty(sourceKeys?.region);
  const region =
    options.region !== undefined
      ? optional(options.region, undefined, (v) => checkRegion(v, '--region'))
      : inherited === undefined
        ? undefined
        : checkRegion(inherited, `region of ${describeProfile(existing?.region !== undefined ? name : source, config.path)}`);

  const destination: Destination = {
    name,
    roleArn: role.roleArn,
    accountId: role.accountId,
    roleName: role.roleName,
    partition: role.partition,
    sourceProfile: source,
  };
  if (region !== undefined) destination.region = region;
  if (duration !== undefined) destination.durationSeconds = duration;
  if (externalId !== undefined) destination.externalId = externalId;
  if (mfaSerial !== undefined) destination.mfaSerial = mfaSerial;
  if (displayName !== undefined) destination.displayName = displayName;
  if (color !== undefined) destination.color = color;

  // Check the catalog as it would be: the source exists, no cycle, nothing unsupported on the way.
  const trial = parseIni(config.toString(), config.path);
  writeDestination(trial, destination);
  let chain: string[];
  try {
    chain = chainPath(trial, name);
  } catch (error) {
    // The source named here does not exist: point at --source and at setting up the gateway.
    if (error instanceof ChainError && error.code === 'CHAIN_MISSING_SOURCE' && error.path.length === 2) {
      throw chainMissingSourceError(
        error.path,
        `Set up the gateway first (awsfed configure --profile ${source}, then awsfed login --profile ${source}), or pass --source with an existing profile (awsfed list shows them).`,
        config.path,
      );
    }
    throw error;
  }
  const root = chain[chain.length - 1] as string;

  const notes: string[] = [];
  const sessionName = roleSessionNameFrom(config, root) ?? existing?.roleSessionName;
  if (sessionName !== undefined) destination.roleSessionName = sessionName;
  else notes.push(`no role_session_name: sign in with \`awsfed login --profile ${root}\` and run this again so CloudTrail shows who you are`);

  const sourceDestination = readDestination(config, source);
  if (sourceDestination && sourceDestination.partition !== destination.partition) {
    throw new UsageError(
      'ADD_PARTITION_MISMATCH',
      `${name} is in partition ${destination.partition} but its source ${source} is in ${sourceDestination.partition}; roles cannot be assumed across partitions.`,
      { hint: `Use --partition ${sourceDestination.partition} or a source in ${destination.partition}.` },
    );
  }
  if (!isGatewayProfile(config, root)) {
    notes.push(`the chain ends at "${root}", which is not an awsfed gateway: its keys must already be in the credentials file`);
  }
  if (region === undefined) {
    notes.push(`no region: neither --region nor the source "${source}" has one, and the AWS CLI refuses calls for a profile without a region (pass --region)`);
  }
  if (duration !== undefined && duration > ROLE_CHAINING_MAX_SECONDS) {
    const chained = isGatewayProfile(config, root) || readDestination(trial, source) !== undefined;
    if (chained && nonEmpty(options.duration) !== undefined) checkChainedDuration(duration, '--duration');
    if (chained) {
      // Stored by hand or by an older awsfed: not a reason to refuse an unrelated update, but worth saying.
      notes.push(
        `duration_seconds = ${duration} is over ${ROLE_CHAINING_MAX_SECONDS} s, the role chaining maximum: the AWS CLI gets a ValidationError for ${name} (fix it with \`awsfed add ${name} --duration 1h\`)`,
      );
    } else {
      notes.push(
        `duration ${duration} s is over ${ROLE_CHAINING_MAX_SECONDS} s: fine when "${root}" holds an IAM user's keys, but if they are a role session STS caps this hop at 1 hour (role chaining); awsfed's own refresh asks for at most ${ROLE_CHAINING_MAX_SECONDS} s`,
      );
    }
  }

  let action: AddPlan['action'] = existing ? 'updated' : 'added';
  if (keys) {
    const after = parseIni(config.toString());
    writeDestination(after, destination);
    if (after.toString() === config.toString()) action = 'unchanged';
    else if (!existing) action = 'updated';
  }
  return { destination, action, chain, notes };
}

// --- validation --------------------------------------------------------------------------------

function hasDestinationKeys(keys: Record<string, string>): boolean {
  return (
    nonEmpty(keys[DestinationKeys.roleArn]) !== undefined &&
    nonEmpty(keys[DestinationKeys.sourceProfile]) !== undefined &&
    nonEmpty(keys.credential_source) === undefined &&
    nonEmpty(keys.web_identity_token_file) === undefined
  );
}

function refuseOverwrite(config: IniDocument, name: string, keys: Record<string, string>): never {
  if (isGatewayProfile(config, name)) {
    throw new UsageError('ADD_WOULD_OVERWRITE_GATEWAY', `profile "${name}" is an awsfed gateway (it has awsfed_idp_url); awsfed add never overwrites it.`, {
      hint: `Pick another name for the destination, e.g. \`awsfed add ${name}-admin ...\`.`,
    });
  }
  const what = nonEmpty(keys[DestinationKeys.roleArn]) === undefined ? 'it has no role_arn (its keys come from elsewhere)' : 'it takes its source credentials from something other than source_profile';
  throw new UsageError('ADD_WOULD_OVERWRITE_PROFILE', `profile "${name}" already exists and is not a destination: ${what}.`, {
    hint: `Pick another name, or edit [${name === 'default' ? 'default' : `profile ${name}`}] in ${config.path ?? '~/.aws/config'} yourself.`,
  });
}

interface ResolvedRole {
  roleArn: string;
  accountId: string;
  roleName: string;
  partition: Partition;
}

function resolveRole(options: AddOptions, existing: Destination | undefined, configFile: string | undefined): ResolvedRole {
  const role = nonEmpty(options.role);
  const accountFlag = nonEmpty(options.account);
  const account = accountFlag === undefined ? undefined : checkAccountId(accountFlag, '--account');
  const partitionText = nonEmpty(options.partition);
  const partitionFlag = partitionText === undefined ? undefined : checkPartition(partitionText, '--partition');

  if (role?.startsWith('arn:')) {
    const parsed = checkRoleArn(role, '--role');
    if (account !== undefined && account !== parsed.accountId) {
      throw new UsageError('ADD_ACCOUNT_MISMATCH', `--account ${account} does not match the account ${parsed.accountId} in --role.`, {
        hint: 'Give either a role ARN or --account with a role name.',
      });
    }
    if (partitionFlag !== undefined && partitionFlag !== parsed.partition) {
      throw new UsageError('ADD_PARTITION_MISMATCH', `--partition ${partitionFlag} does not match the partition ${parsed.partition} in --role.`, {
        hint: 'Give either a role ARN or --partition with a role name.',
      });
    }
    return { roleArn: role, accountId: parsed.accountId, roleName: parsed.roleName, partition: parsed.partition };
  }

  const previous = existing ? parseRoleArn(existing.roleArn) : undefined;
  const accountId = account ?? previous?.accountId;
  const roleName = role ?? (previous ? previous.path + previous.roleName : undefined);
  if (accountId === undefined || roleName === undefined) {
    const missing = [accountId === undefined ? '--account' : '', roleName === undefined ? '--role' : ''].filter(Boolean).join(' and ');
    throw new UsageError('ADD_MISSING_OPTION', `a new destination needs ${missing}.`, {
      hint: 'Example: awsfed add prod --account 123456789012 --role Admins',
    });
  }
  const checkedName = checkRoleName(roleName, role === undefined ? `the role of ${describeProfile(options.name, configFile)}` : '--role');
  const partition = partitionFlag ?? previous?.partition ?? regionPartition(nonEmpty(options.region));
  const roleArn = buildRoleArn(partition, accountId, checkedName);
  const parsed = checkRoleArn(roleArn, '--role');
  return { roleArn, accountId, roleName: parsed.roleName, partition };
}

/** `[profile NAME] in FILE`: the file the catalog was read from (AWS_CONFIG_FILE may move it). */
function describeProfile(name: string, configFile: string | undefined): string {
  return `[${name === 'default' ? 'default' : `profile ${name}`}] in ${configFile ?? '~/.aws/config'}`;
}

// --- merging -----------------------------------------------------------------------------------

/** Given: '' clears, a value is validated; not given: keep the stored value. */
function optional<T>(given: string | undefined, stored: T | undefined, validate: (v: string) => T): T | undefined {
  if (given === undefined) return stored;
  const trimmed = given.trim();
  return trimmed === '' ? undefined : validate(trimmed);
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
