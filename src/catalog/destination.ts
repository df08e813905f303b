/**
 * The destination catalog: profiles in ~/.aws/config that assume a role from another profile
 * (role_arn + source_profile), plus the display keys awsfed keeps beside them for console links.
 * Pure: works on an IniDocument of the config file; reading and writing the file is file-store's job.
 *
 * A profile's section is `[default]` or `[profile NAME]` (configSectionName). Other sections
 * (`[sso-session x]`, `[services x]`, a stray `[NAME]`) are not profiles and are ignored.
 */
import { configSectionName } from '../config/paths.js';
import type { IniDocument } from '../ini/document.js';
import type { Partition } from '../saml/types.js';
import type { ConsoleColor } from './colors.js';
import { isConsoleColor } from './colors.js';
import { parseRoleArn } from '../identifiers/identifiers.js';

export interface Destination {
  name: string;
  roleArn: string;
  accountId: string;
  roleName: string;
  partition: Partition;
  sourceProfile: string;
  region?: string;
  roleSessionName?: string;
  /** awsfed_display_name */
  displayName?: string;
  /** awsfed_color */
  color?: ConsoleColor;
  /** external_id */
  externalId?: string;
  /** mfa_serial */
  mfaSerial?: string;
  /** duration_seconds */
  durationSeconds?: number;
}

/** Config keys of a destination, in the order a new section gets them. */
export const DestinationKeys = {
  roleArn: 'role_arn',
  sourceProfile: 'source_profile',
  roleSessionName: 'role_session_name',
  region: 'region',
  durationSeconds: 'duration_seconds',
  externalId: 'external_id',
  mfaSerial: 'mfa_serial',
  displayName: 'awsfed_display_name',
  color: 'awsfed_color',
} as const;

/** Keys that mark a gateway profile: see isGatewayProfile. */
export const GATEWAY_KEYS = ['awsfed_idp_url', 'awsfed_role_session_name'] as const;

// One rule for role ARNs (src/identifiers); the catalog reads role_arn with it.
export { parseRoleArn } from '../identifiers/identifiers.js';
export type { ParsedRoleArn } from '../identifiers/identifiers.js';

/** `role/` + path + name, accepting a role given with a path ("team/Admins") or without. */
export function buildRoleArn(partition: Partition, accountId: string, role: string): string {
  return `arn:${partition}:iam::${accountId}:role/${role}`;
}

/** Profile name for a config section name, or undefined for sections that are not profiles. */
export function profileNameFromSection(section: string): string | undefined {
  if (section === 'default') return 'default';
  const m = /^profile (.+)$/.exec(section);
  return m?.[1];
}

/** Every profile with a section in the config file, in file order. */
export function listProfiles(config: IniDocument): string[] {
  const names: string[] = [];
  for (const section of config.sectionNames()) {
    const name = profileNameFromSection(section);
    if (name !== undefined && !names.includes(name)) names.push(name);
  }
  return names;
}

/** The profile's keys (merged, later wins), or undefined when it has no section. */
export function profileKeys(config: IniDocument, name: string): Record<string, string> | undefined {
  return config.getSection(configSectionName(name));
}

/**
 * Every profile with a role_arn (that parses as an IAM role ARN) and a source_profile, in file order.
 * A profile whose role_arn does not parse is left out here; the chain planner reports it when used.
 */
export function readDestinations(config: IniDocument): Destination[] {
  const out: Destination[] = [];
  for (const name of listProfiles(config)) {
    const d = readDestination(config, name);
    if (d) out.push(d);
  }
  return out;
}

export function readDestination(config: IniDocument, name: string): Destination | undefined {
  const keys = profileKeys(config, name);
  if (!keys) return undefined;
  const roleArn = nonEmpty(keys[DestinationKeys.roleArn]);
  const sourceProfile = nonEmpty(keys[DestinationKeys.sourceProfile]);
  if (roleArn === undefined || sourceProfile === undefined) return undefined;
  const parsed = parseRoleArn(roleArn);
  if (!parsed) return undefined;
  const d: Destination = {
    name,
    roleArn,
    accountId: parsed.accountId,
    roleName: parsed.roleName,
    partition: parsed.partition,
    sourceProfile,
  };
  const region = nonEmpty(keys[DestinationKeys.region]);
  if (region !== undefined) d.region = region;
  const roleSessionName = nonEmpty(keys[DestinationKeys.roleSessionName]);
  if (roleSessionName !== undefined) d.roleSessionName = roleSessionName;
  const displayName = nonEmpty(keys[DestinationKeys.displayName]);
  if (displayName !== undefined) d.displayName = displayName;
  const color = nonEmpty(keys[DestinationKeys.color])?.toLowerCase();
  if (color !== undefined && isConsoleColor(color)) d.color = color;
  const externalId = nonEmpty(keys[DestinationKeys.externalId]);
  if (externalId !== undefined) d.externalId = externalId;
  const mfaSerial = nonEmpty(keys[DestinationKeys.mfaSerial]);
  if (mfaSerial !== undefined) d.mfaSerial = mfaSerial;
  const duration = parseDurationSeconds(keys[DestinationKeys.durationSeconds]);
  if (duration !== undefined) d.durationSeconds = duration;
  return d;
}

/** A whole number of seconds, or undefined when absent or not a plain integer. */
export function parseDurationSeconds(value: string | undefined): number | undefined {
  const text = nonEmpty(value);
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}

/**
 * Writes a destination's keys into `[profile NAME]` (or `[default]`). Existing keys are edited in
 * place (IniDocument.set never duplicates), new ones are appended in DestinationKeys order, optional
 * keys the destination does not carry are deleted. accountId/roleName/partition are not keys: they
 * are read back from role_arn. Other keys in the section (output, cli_pager, ...) are kept.
 */
export function writeDestination(config: IniDocument, d: Destination): void {
  const section = configSectionName(d.name);
  const values: Array<[string, string | undefined]> = [
    [DestinationKeys.roleArn, d.roleArn],
    [DestinationKeys.sourceProfile, d.sourceProfile],
    [DestinationKeys.roleSessionName, d.roleSessionName],
    [DestinationKeys.region, d.region],
    [DestinationKeys.durationSeconds, d.durationSeconds === undefined ? undefined : String(d.durationSeconds)],
    [DestinationKeys.externalId, d.externalId],
    [DestinationKeys.mfaSerial, d.mfaSerial],
    [DestinationKeys.displayName, d.displayName],
    [DestinationKeys.color, d.color],
  ];
  for (const [key, value] of values) {
    if (value === undefined || value === '') config.delete(section, key);
    else config.set(section, key, value);
  }
}

/**
 * Deletes the whole section of a destination. Returns false (and changes nothing) when the profile
 * does not exist or is not a destination (no role_arn + source_profile): gateways are never removed here.
 */
export function removeDestination(config: IniDocument, name: string): boolean {
  const keys = profileKeys(config, name);
  if (!keys || nonEmpty(keys[DestinationKeys.roleArn]) === undefined || nonEmpty(keys[DestinationKeys.sourceProfile]) === undefined) {
    return false;
  }
  config.deleteSection(configSectionName(name));
  return true;
}

/**
 * A gateway is a profile that `awsfed login` signs in to: it carries awsfed_idp_url (written by
 * `awsfed configure`) or awsfed_role_session_name (written by every `awsfed login`, also one that got
 * the IdP URL from --idp-url or AWSFED_IDP_URL and so stored no awsfed_idp_url).
 */
export function isGatewayProfile(config: IniDocument, name: string): boolean {
  const section = configSectionName(name);
  return GATEWAY_KEYS.some((key) => nonEmpty(config.get(section, key)) !== undefined);
}

/** Destinations whose source_profile is `name` (the ones removing `name` would break). */
export function dependentsOf(config: IniDocument, name: string): string[] {
  const out: string[] = [];
  for (const profile of listProfiles(config)) {
    if (profile === name) continue;
    if (nonEmpty(profileKeys(config, profile)?.[DestinationKeys.sourceProfile]) === name) out.push(profile);
  }
  return out;
}

function nonEmpty(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}
