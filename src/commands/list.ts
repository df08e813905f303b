/**
 * awsfed list: the catalog as a table (or JSON): every destination and every root it chains from
 * (gateways included, so the state of the gateway's sign-in shows too), with the state of the keys
 * cached in the credentials file. No secret is ever shown: not even the access key ID.
 */
import type { Deps } from '../deps.js';
import { resolveAwsPaths } from '../config/paths.js';
import { CredentialKeys, principalMismatch, readStoredCredentials } from '../credentials/credentials.js';
import { DestinationKeys, isGatewayProfile, listProfiles, parseRoleArn, profileKeys, readDestination } from '../catalog/destination.js';
import { chainPath } from '../catalog/chain-plan.js';
import { parseAssumedRoleArn } from '../identifiers/identifiers.js';
import { isAppError } from '../errors.js';
import type { IniDocument } from '../ini/document.js';
import { parseIni } from '../ini/document.js';
import { formatTimeLeft, formatTimestamp } from '../ui/format.js';
import { formatTable } from '../ui/table.js';

export interface ListOptions {
  json?: boolean;
}

/** stale: temporary keys of another role than the destination's role_arn (see staleReason). */
export type CredentialState = 'valid' | 'expired' | 'stale' | 'none' | 'static';

export interface ListEntry {
  profile: string;
  /** gateway: signs in with `awsfed login`; root: another profile whose keys are in the credentials file. */
  kind: 'destination' | 'gateway' | 'root';
  accountId: string | null;
  /** The account's name as the AWS sign-in page showed it (cached) or awsfed_account_aliases gives it. */
  accountName?: string | null;
  roleName: string | null;
  roleArn: string | null;
  sourceProfile: string | null;
  region: string | null;
  displayName: string | null;
  color: string | null;
  credentials: CredentialState;
  /** RFC 3339, for valid and expired temporary keys. */
  expiration: string | null;
  secondsLeft: number | null;
  /** For stale keys: whose keys they are ("keys are for 111111111111/ADFS-ReadOnly"). */
  staleReason: string | null;
  /** Why the profile's chain cannot be used (cycle, missing source, ...), with the path. */
  problem: string | null;
}

export interface ListResult {
  configFile: string;
  credentialsFile: string;
  entries: ListEntry[];
  now: Date;
}

export async function list(_options: ListOptions, deps: Deps): Promise<ListResult> {
  const paths = resolveAwsPaths(deps.env, deps.homeDir);
  const config = (await deps.files.read(paths.configFile)) ?? parseIni('', paths.configFile);
  const credentials = (await deps.files.read(paths.credentialsFile)) ?? parseIni('', paths.credentialsFile);
  const now = deps.clock();
  const { knownAccountNames } = await import('../aliases/known-names.js');
  const names = await knownAccountNames(config, deps);
  const entries = listEntries(config, credentials, now).map((e) => ({ ...e, accountName: e.accountId === null ? null : (names.get(e.accountId) ?? null) }));
  return { configFile: paths.configFile, credentialsFile: paths.credentialsFile, entries, now };
}

/** Pure: the rows of `awsfed list`, in config file order. */
export function listEntries(config: IniDocument, credentials: IniDocument, now: Date): ListEntry[] {
  const profiles = listProfiles(config);
  const isDestination = (name: string) => Boolean(profileKeys(config, name)?.[DestinationKeys.roleArn]?.trim());
  // Roots shown: gateways, and any other root a destination chains from.
  const usedRoots = new Set<string>();
  const problems = new Map<string, string>();
  for (const name of profiles.filter(isDestination)) {
    try {
      const path = chainPath(config, name);
      usedRoots.add(path[path.length - 1] as string);
    } catch (error) {
      problems.set(name, isAppError(error) ? error.message : String(error));
    }
  }
  const entries: ListEntry[] = [];
  for (const name of profiles) {
    const gateway = isGatewayProfile(config, name);
    if (!isDestination(name) && !gateway && !usedRoots.has(name)) continue;
    const keys = profileKeys(config, name) ?? {};
    const entry: ListEntry = {
      profile: name,
      kind: isDestination(name) ? 'destination' : gateway ? 'gateway' : 'root',
      accountId: null,
      roleName: null,
      roleArn: null,
      sourceProfile: null,
      region: keys.region?.trim() || null,
      displayName: null,
      color: null,
      ...credentialState(credentials, name, now, isDestination(name) ? keys[DestinationKeys.roleArn]?.trim() : undefined),
      problem: problems.get(name) ?? null,
    };
    if (entry.kind === 'destination') {
      const d = readDestination(config, name);
      const roleArn = keys[DestinationKeys.roleArn]?.trim() ?? '';
      const parsed = parseRoleArn(roleArn);
      entry.roleArn = roleArn;
      entry.accountId = parsed?.accountId ?? null;
      entry.roleName = parsed?.roleName ?? null;
      entry.sourceProfile = keys[DestinationKeys.sourceProfile]?.trim() || null;
      entry.displayName = d?.displayName ?? null;
      entry.color = d?.color ?? null;
    } else {
      // A gateway's role is whatever its last sign-in chose: read it from the assumed-role ARN.
      const principal = credentials.get(name, CredentialKeys.principalArn)?.trim();
      const assumed = principal ? parseAssumedRoleArn(principal) : undefined;
      if (assumed) {
        entry.accountId = assumed.accountId;
        entry.roleName = assumed.roleName;
        entry.roleArn = `arn:${assumed.partition}:iam::${assumed.accountId}:role/${assumed.roleName}`;
      }
    }
    entries.push(entry);
  }
  return entries;
}

function credentialState(
  credentials: IniDocument,
  name: string,
  now: Date,
  roleArn: string | undefined,
): Pick<ListEntry, 'credentials' | 'expiration' | 'secondsLeft' | 'staleReason'> {
  const stored = readStoredCredentials(credentials, name);
  if (!stored) {
    const hasKeys = Boolean(credentials.get(name, CredentialKeys.accessKeyId)?.trim());
    return { credentials: hasKeys ? 'static' : 'none', expiration: null, secondsLeft: null, staleReason: null };
  }
  const secondsLeft = Math.round((stored.expiration.getTime() - now.getTime()) / 1000);
  // Another role's keys are not valid for this profile however long they last: switch/exec/console
  // assume the role again, and the list says so rather than "valid".
  const staleReason = roleArn ? (principalMismatch(stored, roleArn) ?? null) : null;
  return {
    credentials: staleReason !== null ? 'stale' : secondsLeft > 0 ? 'valid' : 'expired',
    expiration: formatTimestamp(stored.expiration),
    secondsLeft: Math.max(0, secondsLeft),
    staleReason,
  };
}

export function formatListJson(result: ListResult): string {
  return JSON.stringify(result.entries, null, 2);
}

export function formatListTable(result: ListResult): string {
  if (result.entries.length === 0) {
    // A destination chains from a gateway, so on a fresh setup the gateway comes first.
    return [
      `no destinations or gateways in ${result.configFile}`,
      'Set up the gateway first: awsfed configure --idp-url adfs.corp.example --username you@corp.example',
      'then sign in with awsfed login, and add destinations: awsfed add prod --account 123456789012 --role Admins',
    ].join('\n');
  }
  const rows = result.entries.map((e) => [
    e.profile,
    e.accountId === null ? '-' : e.accountName ? `${e.accountName} (${e.accountId})` : e.accountId,
    e.roleName ?? (e.roleArn || '-'),
    e.kind === 'destination' ? (e.sourceProfile ?? '-') : `(${e.kind})`,
    e.region ?? '-',
    describeCredentials(e, result.now),
  ]);
  const lines = [formatTable(['PROFILE', 'ACCOUNT', 'ROLE', 'SOURCE', 'REGION', 'CREDENTIALS'], rows)];
  const broken = result.entries.filter((e) => e.problem);
  if (broken.length > 0) {
    lines.push('');
    for (const e of broken) lines.push(`! ${e.profile}: ${e.problem ?? ''}`);
  }
  return lines.join('\n');
}

function describeCredentials(e: ListEntry, now: Date): string {
  if (e.credentials === 'valid' && e.expiration) return `valid, ${formatTimeLeft(new Date(e.expiration), now)}`;
  if (e.credentials === 'static') return 'static keys';
  if (e.credentials === 'stale') return `stale: ${e.staleReason ?? 'keys of another role'}`;
  return e.credentials;
}
