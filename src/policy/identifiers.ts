/**
 * Checks of the identifiers that go into IAM policy documents, with errors that say what was expected.
 * Rules from the IAM User Guide, "IAM identifiers" and "IAM and AWS STS quotas":
 * - account id: 12 digits;
 * - role name: [\w+=,.@-]{1,64}; an optional path of segments of printable ASCII except `/`
 *   ("team/sub/Admins" or "/team/sub/Admins");
 * - external id (sts:ExternalId): 2..1224 characters of [\w+=,.@:/-].
 * Pure.
 */
import { UsageError } from '../errors.js';
import type { Partition } from '../saml/types.js';

import { PARTITIONS } from '../partition.js';

export function checkAccountId(value: string, flag: string): string {
  const v = value.trim();
  if (!/^\d{12}$/.test(v)) {
    throw new UsageError('POLICY_BAD_ACCOUNT', `${flag} "${value}" is not an AWS account id (12 digits)`, {
      hint: 'Give the 12-digit account number, e.g. 111111111111 (not an alias).',
    });
  }
  return v;
}

export function checkPartition(value: string | undefined): Partition {
  const v = (value ?? 'aws').trim();
  if (!(PARTITIONS as readonly string[]).includes(v)) {
    throw new UsageError('POLICY_BAD_PARTITION', `--partition "${value}" is not an AWS partition`, {
      hint: `Use one of ${PARTITIONS.join(', ')}.`,
    });
  }
  return v as Partition;
}

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const PATH_SEGMENT = /^[\x21-\x2e\x30-\x7e]+$/;

/** "Admins", "team/Admins" or "/team/Admins" -> "team/Admins" (path + name, no leading slash). */
export function checkRoleName(value: string): string {
  const v = value.trim().replace(/^\//, '');
  const parts = v.split('/');
  const name = parts.pop() ?? '';
  if (v.startsWith('arn:') || !ROLE_NAME.test(name) || !parts.every((p) => PATH_SEGMENT.test(p))) {
    throw new UsageError('POLICY_BAD_ROLE', `--role "${value}" is not an IAM role name`, {
      hint: 'A role name is 1-64 of letters, digits and +=,.@_- , optionally after a path: Admins or team/Admins (not an ARN).',
    });
  }
  return v;
}

export function checkExternalId(value: string): string {
  if (!/^[\w+=,.@:/-]{2,1224}$/.test(value)) {
    throw new UsageError('POLICY_BAD_EXTERNAL_ID', 'the external id is not valid for sts:ExternalId', {
      hint: 'Use 2-1224 characters of letters, digits and +=,.@:/-_ (no spaces).',
    });
  }
  return value;
}

export function roleArn(partition: Partition, accountId: string, roleNameWithPath: string): string {
  return `arn:${partition}:iam::${accountId}:role/${roleNameWithPath}`;
}
