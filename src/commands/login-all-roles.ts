/**
 * awsfed login --all-roles: one sign-in, then one profile per role in the assertion, named by a
 * template. AssumeRoleWithSAML calls run a few at a time; when they outlast the assertion's 5-minute
 * redemption window the assertion source signs in again (the password is kept for the run only).
 */
import type { Deps } from '../deps.js';
import { AppError, ExitCode, UsageError } from '../errors.js';
import { configSectionName } from '../config/paths.js';
import type { AwsPaths } from '../config/paths.js';
import { updateIniFile } from '../credentials/file-store.js';
import { applyCredentials } from '../credentials/credentials.js';
import { sortRoles } from '../roles/match.js';
import { parseAccountAliases, profileNameFor, validateProfileTemplate } from '../roles/profile-names.js';
import type { SamlRole } from '../saml/types.js';
import type { SamlCredentials } from '../sts/client.js';
import { formatExpiry } from '../ui/format.js';
import { createAssertionSource, prepareLogin, redeemRole, rememberProfileConfig, requestedDuration } from './login.js';
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

export async function loginAllRoles(options: LoginOptions, deps: Deps): Promise<AllRolesResult> {
  const ctx = await prepareLogin(options, deps);
  const template = ctx.settings.profileTemplate.value;
  validateProfileTemplate(template);
  const aliases = parseAccountAliases(ctx.settings.accountAliases.value);
  const source = await createAssertionSource(ctx);
  const { assertion } = await source.current();
  const roles = sortRoles(assertion.roles);

  const named = roles.map((role) => ({ role, profile: profileNameFor(role, template, aliases) }));
  const clash = firstDuplicate(named.map((n) => n.profile));
  if (clash !== undefined) {
    const roleArns = named.filter((n) => n.profile === clash).map((n) => `  ${n.role.roleArn}`);
    throw new UsageError('PROFILE_TEMPLATE_CLASH', `The profile template "${template}" gives the name ${clash} to several roles:\n${roleArns.join('\n')}`, {
      hint: 'Include {account} or {alias} in --profile-template (or awsfed_profile_template), e.g. "{account}-{role}".',
    });
  }

  // Never turn a destination (role_arn) or an IdP profile into a static-keys profile.
  const { config } = ctx;
  const reserved = (profile: string): string | undefined => {
    const section = configSectionName(profile);
    if (profile === ctx.profile.value || config?.get(section, 'awsfed_idp_url') !== undefined) return 'an awsfed sign-in profile';
    if (config?.get(section, 'role_arn') !== undefined) return 'a destination profile (role_arn)';
    return undefined;
  };

  const notes: string[] = [];
  const durationSeconds = requestedDuration(ctx, assertion);
  const outcomes = await mapWithConcurrency(named, CONCURRENCY, async ({ role, profile }): Promise<RoleOutcome> => {
    const kind = reserved(profile);
    if (kind) {
      const error = new UsageError('PROFILE_RESERVED', `Profile ${profile} is ${kind} in ${ctx.paths.configFile}; not overwritten.`, {
        hint: 'Pick another --profile-template, e.g. "saml-{alias}-{role}".',
      });
      return { profile, role, ok: false, error };
    }
    try {
      const redeemed = await redeemRole(ctx, source, role, durationSeconds, notes);
      return { profile, role, ok: true, ...redeemed };
    } catch (error) {
      if (error instanceof AppError) return { profile, role, ok: false, error };
      throw error;
    }
  });

  const succeeded = outcomes.filter((o): o is Extract<RoleOutcome, { ok: true }> => o.ok);
  if (succeeded.length > 0) {
    await updateIniFile(ctx.paths.credentialsFile, (doc) => {
      for (const o of succeeded) applyCredentials(doc, o.profile, { ...o.credentials, principalArn: o.credentials.assumedRoleArn });
    }, { onWait: deps.err });
  }
  await updateIniFile(ctx.paths.configFile, (doc) => {
    rememberProfileConfig(doc, ctx.settings, ctx.profile.value, assertion.roleSessionName);
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
