/**
 * The trust policy of a destination role: lets principals of the source (gateway) account assume it.
 * The account root principal delegates the decision to the source account's own IAM policies (the
 * gateway group's `awsfed policy assume` policy), as the IAM User Guide recommends for cross-account
 * roles. Conditions appear only when asked for. Pure.
 */
import type { Partition } from '../saml/types.js';
import { checkAccountId, checkExternalId, checkPartition } from '../identifiers/identifiers.js';

export interface TrustPolicyOptions {
  sourceAccount: string;
  requireMfa?: boolean;
  externalId?: string;
  partition?: string;
}

export interface TrustPolicyDocument {
  Version: '2012-10-17';
  Statement: Array<{
    Effect: 'Allow';
    Principal: { AWS: string };
    Action: 'sts:AssumeRole';
    Condition?: Record<string, Record<string, string>>;
  }>;
}

export function buildTrustPolicy(options: TrustPolicyOptions): TrustPolicyDocument {
  const account = checkAccountId(options.sourceAccount, '--source-account');
  const partition: Partition = checkPartition(options.partition ?? 'aws', '--partition');
  const condition: Record<string, Record<string, string>> = {};
  // IAM compares Bool conditions as strings; "true" is the form the IAM User Guide uses.
  if (options.requireMfa) condition.Bool = { 'aws:MultiFactorAuthPresent': 'true' };
  if (options.externalId !== undefined) condition.StringEquals = { 'sts:ExternalId': checkExternalId(options.externalId, '--external-id') };
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:${partition}:iam::${account}:root` },
        Action: 'sts:AssumeRole',
        ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
      },
    ],
  };
}

/** Pretty JSON (2 spaces) with a final newline, as printed on stdout. */
export function formatPolicy(doc: unknown): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
