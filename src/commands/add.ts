/**
 * awsfed add NAME: writes (or updates) a destination profile in ~/.aws/config:
 *
 *   [profile prod]
 *   role_arn = arn:aws:iam::222222222222:role/Admins
 *   source_profile = saml
 *   role_session_name = alice@corp.example     <- the SAML RoleSessionName, so CloudTrail names the person
 *   region = eu-west-1
 *   awsfed_display_name = Prod / awsfed_color = red   <- for console switch-role links
 *
 * The AWS CLI and the SDKs use such a profile directly (AssumeRole with the source's keys); awsfed
 * uses it for `login --chain`, `refresh`, `switch`, `exec` and `console`.
 *
 * Updating merges: options not given keep their stored value; an empty value ('') clears an optional
 * key. The new catalog is checked as a whole before anything is written: the source must exist, the
 * chain must reach a root without a cycle, and a gateway or another non-destination profile is never
 * overwritten. All of it runs inside updateIniFile, under the config file's lock.
 */
import type { Deps } from '../deps.js';
import { resolveAwsPaths } from '../config/paths.js';
import { DEFAULT_PROFILE, parseDuration } from '../config/settings.js';
import { updateIniFile } from '../credentials/file-store.js';
import { CONSOLE_COLOR_NAMES, isConsoleColor } from '../catalog/colors.js';
import type { Destination } from '../catalog/destination.js';
import { DestinationKeys, buildRoleArn, isGatewayProfile, parseRoleArn, profileKeys, readDestination, writeDestination } from '../catalog/destination.js';
import { chainPath } from '../chain/plan.js';
import { ChainError, chainCycleError, chainMissingSourceError, formatChainPath } from '../chain/errors.js';
import { UsageError } from '../errors.js';
import type { IniDocument } from '../ini/document.js';
import { parseIni } from '../ini/document.js';
import type { Partition } from '../saml/types.js';
import { roleSessionNameFrom } from '../catalog/session-name.js';
import { PARTITIONS, partitionOfRegion } from '../partition.js';

const regionPartition = (region: string | undefined): Partition => (region === undefined ? 'aws' : partitionOfRegion(region));

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

export interface AddResult extends AddPlan {
  configFile: string;
}

/** Role chaining (AssumeRole with role-session credentials) caps a session at one hour. */
export const ROLE_CHAINING_MAX_SECONDS = 3600;


export async function add(options: AddOptions, deps: Deps): Promise<AddResult> {
  const paths = resolveAwsPaths(deps.env, deps.homeDir);
  const defaultSource = nonEmpty(deps.env.AWSFED_PROFILE) ?? DEFAULT_PROFILE;
  let plan: AddPlan | undefined;
  await updateIniFile(paths.configFile, (doc) => {
    plan = planAdd(doc, options, defaultSource);
    if (plan.action !== 'unchanged') writeDestination(doc, plan.destination);
  }, { onWait: deps.err });
  if (!plan) throw new Error('updateIniFile did not run the edit');
  return { ...plan, configFile: paths.configFile };
}

/**
 * Works out the destination to write and checks the catalog it would produce. Pure over the config
 * document (which it does not change). Throws UsageError or ChainError (exit code 2).
 */
export function planAdd(config: IniDocument, options: AddOptions, defaultSource: string = DEFAULT_PROFILE): AddPlan {
  const name = validateProfileName(options.name);
  const keys = profileKeys(config, name);
  const existing = readDestination(config, name);
  // role_arn + source_profile with a role_arn we cannot read is still a destination: the update fixes it.
  if (keys && (isGatewayProfile(config, name) || (!existing && !hasDestinationKeys(keys)))) refuseOverwrite(config, name, keys);

  const source = validateProfileName(nonEmpty(options.source) ?? existing?.sourceProfile ?? defaultSource, '--source');
  if (source === name) {
    throw chainCycleError([name, name], `A destination cannot be its own source; use --source with the gateway profile (default ${defaultSource}) or another destination.`);
  }

  const role = resolveRole(options, existing);
  const duration = optional(options.duration, existing?.durationSeconds, (v) => parseDuration(v, 'flag'));
  const color = optional(options.color, existing?.color, (v) => {
    const lower = v.toLowerCase();
    if (!isConsoleColor(lower)) {
      throw new UsageError('ADD_BAD_COLOR', `--color is "${v}"; the console offers ${CONSOLE_COLOR_NAMES.join(', ')}.`, {
        hint: `Pick one of ${CONSOLE_COLOR_NAMES.join(', ')}.`,
      });
    }
    return lower;
  });
  const mfaSerial = optional(options.mfaSerial, existing?.mfaSerial, (v) => {
    if (!/^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:mfa\/[\w+=,.@/-]+$|^[\w+=/:,.@-]{9,256}$/.test(v)) {
      throw new UsageError('ADD_BAD_MFA_SERIAL', `--mfa-serial "${v}" is neither an MFA device ARN nor a hardware serial number.`, {
        hint: 'Give the device ARN, e.g. arn:aws:iam::111111111111:mfa/alice.',
      });
    }
    return v;
  });
  const externalId = optional(options.externalId, existing?.externalId, (v) => {
    if (!/^[\w+=,.@:/-]{2,1224}$/.test(v)) {
      throw new UsageError('ADD_BAD_EXTERNAL_ID', '--external-id must be 2..1224 characters of letters, digits and +=,.@:/-', {
        hint: 'Use the external ID the destination role trust policy expects (sts:ExternalId).',
      });
    }
    return v;
  });
  const displayName = optional(options.displayName, existing?.displayName, (v) => v);

  const sourceKeys = profileKeys(config, source);
  const region = optional(options.region, existing?.region ?? nonEmpty(sourceKeys?.region), validateRegion);

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
  const trial = parseIni(config.toString());
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
    notes.push(
      `duration ${duration} s is over ${ROLE_CHAINING_MAX_SECONDS} s: AssumeRole from a role session (role chaining) is capped at 1 hour; awsfed asks for ${ROLE_CHAINING_MAX_SECONDS}, and the AWS CLI, which sends duration_seconds as is, gets a ValidationError (use --duration 1h to avoid that)`,
    );
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

export function formatAddSummary(result: AddResult): string {
  const d = result.destination;
  const lines = [`${result.action} profile ${d.name} in ${result.configFile}`];
  lines.push(`  role:    ${d.roleArn}`);
  lines.push(`  chain:   ${formatChainPath(result.chain)}`);
  if (d.region) lines.push(`  region:  ${d.region}`);
  if (d.roleSessionName) lines.push(`  session: ${d.roleSessionName}`);
  for (const note of result.notes) lines.push(`note: ${note}`);
  lines.push('', 'Try it:', `  aws sts get-caller-identity --profile ${d.name}`);
  return lines.join('\n');
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
    hint: `Pick another name, or edit [${name === 'default' ? 'default' : `profile ${name}`}] in ~/.aws/config yourself.`,
  });
}

interface ResolvedRole {
  roleArn: string;
  accountId: string;
  roleName: string;
  partition: Partition;
}

function resolveRole(options: AddOptions, existing: Destination | undefined): ResolvedRole {
  const role = nonEmpty(options.role);
  const account = nonEmpty(options.account);
  if (account !== undefined && !/^\d{12}$/.test(account)) {
    throw new UsageError('ADD_BAD_ACCOUNT', `--account is "${account}"; an AWS account ID is 12 digits.`, {
      hint: 'Give the 12-digit account ID, e.g. --account 123456789012 (leading zeros included).',
    });
  }
  const partitionFlag = nonEmpty(options.partition);
  if (partitionFlag !== undefined && !PARTITIONS.includes(partitionFlag as Partition)) {
    throw new UsageError('ADD_BAD_PARTITION', `--partition is "${partitionFlag}"; expected aws, aws-cn or aws-us-gov.`, {
      hint: 'Leave it out for the commercial partition (aws).',
    });
  }

  if (role?.startsWith('arn:')) {
    const parsed = parseRoleArn(role);
    if (!parsed) throw badRole(role);
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
  if (!/^[\w+=,.@/-]+$/.test(roleName)) throw badRole(roleName);
  const partition = (partitionFlag as Partition | undefined) ?? previous?.partition ?? regionPartition(nonEmpty(options.region));
  const roleArn = buildRoleArn(partition, accountId, roleName.replace(/^\/+/, ''));
  const parsed = parseRoleArn(roleArn);
  if (!parsed) throw badRole(roleName);
  return { roleArn, accountId, roleName: parsed.roleName, partition };
}

function badRole(role: string): UsageError {
  return new UsageError('ADD_BAD_ROLE', `--role "${role}" is not an IAM role name or role ARN.`, {
    hint: 'A role name is 1..64 of letters, digits and +=,.@_- (optionally after a path like team/), e.g. --role Admins or --role arn:aws:iam::123456789012:role/Admins.',
  });
}

/** Profile names become section headers: no whitespace, brackets or comment characters. */
function validateProfileName(name: string, what = 'profile name'): string {
  if (!/^[\w+=,.@:/-]{1,128}$/.test(name)) {
    throw new UsageError('ADD_BAD_NAME', `${what} "${name}" has characters a profile name cannot have.`, {
      hint: 'Use letters, digits and -_.@+=,:/ only, e.g. prod or team-prod-admin.',
    });
  }
  return name;
}

function validateRegion(region: string): string {
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new UsageError('ADD_BAD_REGION', `--region is "${region}", which is not a region name.`, { hint: 'Give a region like eu-west-1 or us-gov-west-1.' });
  }
  return region;
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
