/**
 * The identity policy for the gateway role (or group) that lets it assume destination roles:
 * one statement per destination account, Sid "AssumeInto<account>", the account's role ARNs as Resource.
 * Order: accounts and roles in first-seen order, duplicates dropped. Pure.
 */
import { UsageError } from '../errors.js';

export interface AssumeTarget {
  /** Full role ARN (arn:PARTITION:iam::ACCOUNT:role/[path/]NAME). */
  roleArn: string;
  accountId: string;
}

export interface AssumePolicyDocument {
  Version: '2012-10-17';
  Statement: Array<{ Sid: string; Effect: 'Allow'; Action: 'sts:AssumeRole'; Resource: string[] }>;
}

export function buildAssumePolicy(targets: AssumeTarget[]): AssumePolicyDocument {
  if (targets.length === 0) {
    throw new UsageError('POLICY_NO_ROLES', 'no destination roles to put in the policy', {
      hint: 'Pass --account ID --role NAME, or add destinations with `awsfed add` and use --all.',
    });
  }
  const byAccount = new Map<string, string[]>();
  for (const t of targets) {
    const list = byAccount.get(t.accountId) ?? [];
    if (!list.includes(t.roleArn)) list.push(t.roleArn);
    byAccount.set(t.accountId, list);
  }
  return {
    Version: '2012-10-17',
    Statement: [...byAccount].map(([account, resources]) => ({
      Sid: `AssumeInto${account}`,
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: resources,
    })),
  };
}
