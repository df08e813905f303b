/**
 * awsfed login --all-roles: one sign-in, then one profile per role in the assertion, named by a
 * template. AssumeRoleWithSAML calls run a few at a time; when they outlast the assertion's 5-minute
 * redemption window the assertion source signs in again (the password is kept for the run only).
 */
import type { Deps } from '../deps.js';
import { AppError, ExitCode, UsageError } from '../errors.js';
import { configSectionName } from '../config/paths.js';
import type { AwsPaths } from '../config/paths.js';
import type { IniDocument } from '../ini/document.js';
import { applyCredentials } from '../credentials/credentials.js';
import { matchRoles, sortRoles } from '../roles/match.js';
import type { Resolved } from '../config/settings.js';
import { parseAccountAliases, profileNameFor, validateProfileTemplate } from '../roles/profile-names.js';
import type { SamlRole } from '../saml/types.js';
import type { SamlCredentials } from '../sts/client.js';
import { formatExpiry } from '../ui/format.js';
import { accountNamesOf, createAssertionSource, markRememberedPassword, prepareLogin, redeemRole, rememberProfileConfig, requestedDuration } from './login.js';
import type { LoginOptions } from './login.js';

export type RoleOutcome =
  | { profile: string; role: SamlRole; ok: true; credentials: SamlCredentials; durationSeconds: number }
  | { profile: string; role: SamlRole; ok: false; error: AppError };

export interface AllRolesResult {
  gatewayProfile: string;
  outcomes: RoleOutcome[];
  /** How many times the IdP was signed in to (more than 1 when the assertion expired mid-run). */
  signIns: number;
  notes: string[];
  paths: AwsPaths;
}

/** Enough to overlap STS round trips without looking like a burst to STS or the IdP. */
const CONCURRENCY = 4;

export interface AllRolesOptions extends LoginOptions {
  /** login --chain: refused with --all-roles (see checkAllRolesOptions). */
  chain?: boolean;
}

/**
 * --chain refreshes the destinations chained from the one profile a login writes; --all-roles writes
 * many and none of them is the gateway profile, so the pair has no single meaning. Refused before the
 * sign-in rather than ignored (issue 6, item 6); `awsfed refresh --all` afterwards does what was meant.
 */
export function checkAllRolesOptions(options: AllRolesOptions): void {
  if (options.chain) {
    throw new UsageError('ALL_ROLES_WITH_CHAIN', '--all-roles cannot be combined with --chain', {
      hint: 'Run `awsfed login --all-roles`, then `awsfed refresh --all` to refresh the destinations chained from those profiles.',
    });
  }
}

/**
 * The roles that get a profile: all of them, or with --role given on the command line those it
 * matches (same patterns as login --role). AWSFED_ROLE and awsfed_role are a single login's preferred
 * role, not a filter: a stored preference must not shrink "all roles" to one.
 */
export function selectRoles(roles: readonly SamlRole[], role: Resolved<string | undefined>): SamlRole[] {
  const sorted = sortRoles(roles);
  if (role.source !== 'flag' || role.value === undefined) return sorted;
  const matched = matchRoles(sorted, role.value);
  if (matched.length === 0) {
    throw new UsageError('ALL_ROLES_NO_MATCH', `--role "${role.value}" matches none of your ${roles.length} roles:\n${sorted.map((r) => `  ${r.roleArn}`).join('\n')}`, {
      hint: 'With --all-roles, --role picks which roles get a profile: a role ARN, ACCOUNT/ROLE-NAME or a glob such as "*Admin*".',
    });
  }
  return matched;
}

export async function loginAllRoles(options: AllRolesOptions, deps: Deps): Promise<AllRolesResult> {
  checkAllRolesOptions(options);
  const ctx = await prepareLogin(options, deps);
  const template = ctx.settings.profileTemplate.value;
  validateProfileTemplate(template);
  const localAliases = parseAccountAliases(ctx.settings.accountAliases.value);
  const source = await createAssertionSource(ctx);
  const signed = await source.current();
  const { assertion } = signed;
  const roles = selectRoles(assertion.roles, ctx.settings.role);
  // The sign-in page is asked for names only when the template shows them.
  const aliases = template.includes('{alias}') ? await accountNamesOf(ctx, { ...signed, assertion: { ...assertion, roles } }) : localAliases;

  const named = roles.map((role) => ({ role, profile: profileNameFor(role, template, aliases) }));
  const clash = firstDuplicate(named.map((n) => n.profile));
  if (clash !== undefined) {
    const roleArns = named.filter((n) => n.profile === clash).map((n) => `  ${n.role.roleArn}`);
    throw new UsageError('PROFILE_TEMPLATE_CLASH', `The profile template "${template}" gives the name ${clash} to several roles:\n${roleArns.join('\n')}`, {
      hint: 'Include {account} or {alias} in --profile-template (or awsfed_profile_template), e.g. "{account}-{role}".',
    });
  }

  // Never turn a destination (role_arn) or an IdP profile into a static-keys profile.
  const reserved = (profile: string, config: IniDocument | undefined = ctx.config): string | undefined => {
    const section = configSectionName(profile);
    if (profile === ctx.profile.value || config?.get(section, 'awsfed_idp_url') !== undefined) return 'an awsfed sign-in profile';
    if (config?.get(section, 'role_arn') !== undefined) return 'a destination profile (role_arn)';
    return undefined;
  };
  const reservedError = (profile: string, kind: string) =>
    new UsageError('PROFILE_RESERVED', `Profile ${profile} is ${kind} in ${ctx.paths.configFile}; not overwritten.`, {
      hint: 'Pick another --profile-template, e.g. "saml-{alias}-{role}".',
    });

  const notes: string[] = [];
  const durationSeconds = requestedDuration(ctx, assertion);
  const outcomes = await mapWithConcurrency(named, CONCURRENCY, async ({ role, profile }): Promise<RoleOutcome> => {
    const kind = reserved(profile);
    if (kind) return { profile, role, ok: false, error: reservedError(profile, kind) };
    try {
      const redeemed = await redeemRole(ctx, source, role, durationSeconds, notes);
      return { profile, role, ok: true, ...redeemed };
    } catch (error) {
      if (error instanceof AppError) return { profile, role, ok: false, error };
      throw error;
    }
  });

  // The STS calls took a while: a profile made a destination meanwhile (awsfed add) is not written either.
  const latest = await ctx.deps.files.read(ctx.paths.configFile);
  for (const [i, o] of outcomes.entries()) {
    const kind = o.ok ? reserved(o.profile, latest) : undefined;
    if (kind) outcomes[i] = { profile: o.profile, role: o.role, ok: false, error: reservedError(o.profile, kind) };
  }
  const succeeded = outcomes.filter((o): o is Extract<RoleOutcome, { ok: true }> => o.ok);
  if (succeeded.length > 0) {
    await ctx.deps.files.update(ctx.paths.credentialsFile, (doc) => {
      for (const o of succeeded) applyCredentials(doc, o.profile, { ...o.credentials, principalArn: o.credentials.assumedRoleArn });
    }, { onWait: deps.err });
  }
  await ctx.deps.files.update(ctx.paths.configFile, (doc) => {
    rememberProfileConfig(doc, ctx.settings, ctx.profile.value, assertion.roleSessionName);
    if (source.rememberedPassword) markRememberedPassword(doc, ctx.profile.value);
    for (const o of succeeded) rememberProfileConfig(doc, ctx.settings, o.profile);
  }, { onWait: deps.err });
  return { gatewayProfile: ctx.profile.value, outcomes, signIns: source.signIns, notes, paths: ctx.paths };
}

export function allRolesExitCode(result: AllRolesResult): number {
  return result.outcomes.every((o) => o.ok) ? 0 : ExitCode.sts;
}

export function formatAllRolesSummary(result: AllRolesResult, now: Date): string {
  const rows = result.outcomes.map((o) => [o.profile, o.role.accountId, o.role.roleName, o.ok ? `ok, expires ${formatExpiry(o.credentials.expiration, now)}` : `FAILED: ${o.error.message}`]);
  const widths = [0, 1, 2].map((i) => Math.max(['PROFILE', 'ACCOUNT', 'ROLE'][i]!.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c)).join('  ').trimEnd();
  const ok = result.outcomes.filter((o) => o.ok).length;
  const failed = result.outcomes.filter((o): o is Extract<RoleOutcome, { ok: false }> => !o.ok);
  const out = [line(['PROFILE', 'ACCOUNT', 'ROLE', 'RESULT']), ...rows.map(line), ''];
  out.push(`${ok} of ${result.outcomes.length} roles written to ${result.paths.credentialsFile} from ${result.signIns} sign-in${result.signIns === 1 ? '' : 's'}.`);
  for (const f of failed) if (f.error.hint) out.push(`${f.profile}: ${f.error.hint}`);
  return out.join('\n');
}

function firstDuplicate(values: string[]): string | undefined {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) return v;
    seen.add(v);
  }
  return undefined;
}

async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
