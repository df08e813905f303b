/**
 * awsfed policy trust | assume: IAM policy documents for role switching, pretty JSON on stdout.
 * - trust: the destination role's trust policy (who may assume it: the gateway account);
 * - assume: the gateway role's (or group's) identity policy allowing sts:AssumeRole on destination
 *   roles, one statement per account, from flags or from the catalog (--all).
 */
import { resolveAwsPaths } from '../config/paths.js';
import type { Deps } from '../deps.js';
import { UsageError } from '../errors.js';
import { parseIni } from '../ini/document.js';
import { buildRoleArn, readDestinations } from '../catalog/destination.js';
import type { AssumePolicyDocument, AssumeTarget } from '../policy/assume-policy.js';
import { buildAssumePolicy } from '../policy/assume-policy.js';
import { checkAccountId, checkPartition, checkRoleName, parseRoleArn } from '../identifiers/identifiers.js';
import type { TrustPolicyDocument } from '../policy/trust-policy.js';
import { buildTrustPolicy } from '../policy/trust-policy.js';

export interface PolicyTrustOptions {
  sourceAccount?: string;
  requireMfa?: boolean;
  externalId?: string;
  partition?: string;
}

export interface PolicyResult<T> {
  document: T;
  /** Sentences for stderr. */
  notes: string[];
}

export async function policyTrust(options: PolicyTrustOptions, _deps: Deps): Promise<PolicyResult<TrustPolicyDocument>> {
  if (options.sourceAccount === undefined) {
    throw new UsageError('POLICY_NO_SOURCE_ACCOUNT', 'policy trust needs --source-account', {
      hint: 'Give the gateway account (where you sign in with SAML): --source-account 111111111111.',
    });
  }
  const document = buildTrustPolicy({
    sourceAccount: options.sourceAccount,
    ...(options.requireMfa ? { requireMfa: true } : {}),
    ...(options.externalId !== undefined ? { externalId: options.externalId } : {}),
    ...(options.partition !== undefined ? { partition: options.partition } : {}),
  });
  const notes: string[] = [];
  if (options.requireMfa) {
    notes.push(
      'aws:MultiFactorAuthPresent is set only when MFA was presented to AWS STS (mfa_serial on the destination, `awsfed add --mfa-serial`); MFA done at AD FS does not set it.',
    );
  }
  return { document, notes };
}

export interface PolicyAssumeOptions {
  account?: string;
  role?: string[];
  all?: boolean;
  partition?: string;
}

export async function policyAssume(options: PolicyAssumeOptions, deps: Deps): Promise<PolicyResult<AssumePolicyDocument>> {
  const roles = options.role ?? [];
  if (options.all) {
    if (options.account !== undefined || roles.length > 0) {
      throw new UsageError('POLICY_ALL_WITH_ROLES', '--all cannot be combined with --account or --role', {
        hint: `Use --all for every destination in ${resolveAwsPaths(deps.env, deps.homeDir).configFile}, or --account ID --role NAME for specific roles.`,
      });
    }
    return fromCatalog(deps);
  }
  if (roles.length === 0) {
    throw new UsageError('POLICY_NO_ROLES', 'policy assume needs --role (with --account) or --all', {
      hint: 'Example: awsfed policy assume --account 222222222222 --role Admins; or --all for the catalog.',
    });
  }
  const partition = checkPartition(options.partition ?? 'aws', '--partition');
  const targets: AssumeTarget[] = roles.map((role) => {
    const arn = parseRoleArn(role);
    if (arn) {
      if (options.account !== undefined && checkAccountId(options.account, '--account') !== arn.accountId) {
        throw new UsageError('POLICY_ACCOUNT_MISMATCH', `--role ${role} is in account ${arn.accountId}, not --account ${options.account}`, {
          hint: 'Leave --account out when giving role ARNs, or give role names.',
        });
      }
      return { accountId: arn.accountId, roleArn: role.trim() };
    }
    if (options.account === undefined) {
      throw new UsageError('POLICY_NO_ACCOUNT', `--role ${role} needs --account`, {
        hint: 'Give the destination account: --account 222222222222 --role Admins (or a full role ARN).',
      });
    }
    const account = checkAccountId(options.account, '--account');
    return { accountId: account, roleArn: buildRoleArn(partition, account, checkRoleName(role, '--role')) };
  });
  return { document: buildAssumePolicy(targets), notes: [] };
}

/**
 * Destinations assumed with the gateway's own keys (source_profile is not itself a destination). A
 * destination reached through another one is assumed by that role, whose policy must allow it instead.
 */
async function fromCatalog(deps: Deps): Promise<PolicyResult<AssumePolicyDocument>> {
  const paths = resolveAwsPaths(deps.env, deps.homeDir);
  const config = (await deps.files.read(paths.configFile)) ?? parseIni('', paths.configFile);
  const destinations = readDestinations(config);
  const names = new Set(destinations.map((d) => d.name));
  const direct = destinations.filter((d) => !names.has(d.sourceProfile));
  const notes = destinations
    .filter((d) => names.has(d.sourceProfile))
    .map((d) => `${d.name} is left out: it is assumed by ${d.sourceProfile}'s role, whose policy must allow ${d.roleArn}.`);
  if (direct.length === 0) {
    throw new UsageError('POLICY_NO_ROLES', `no destinations assumed from a gateway in ${paths.configFile}`, {
      hint: 'Add destinations with `awsfed add NAME --account ID --role ROLE`, or pass --account and --role.',
    });
  }
  return { document: buildAssumePolicy(direct.map((d) => ({ accountId: d.accountId, roleArn: d.roleArn }))), notes };
}
