/**
 * The one place that knows what an AWS identifier looks like, and the one error code per rule. Every
 * command that takes one of these values (add, configure, login, policy) checks it here, so that a value
 * refused by one command is refused by all of them, with the same code and the same hint. Pure.
 *
 * Each check takes `from`: where the value came from, as the user would recognise it ("--region",
 * "AWS_REGION", "region of [profile saml] in ~/.aws/config"), and names it in the message.
 *
 * Rules, from the IAM User Guide ("IAM identifiers", "IAM and AWS STS quotas") and the AWS CLI:
 * - account id: 12 digits (leading zeros are part of it);
 * - role name: [\w+=,.@-]{1,64}, optionally after a path whose segments are printable ASCII except `/`,
 *   by the same rule as role ARNs in SAML assertions (ROLE_ARN), so a role awsfed signs in to can
 *   always be named;
 * - external id (sts:ExternalId): 2..1224 of [\w+=,.@:/-];
 * - region: two letters, one or more words, a number (us-east-1, eu-central-2, us-gov-west-1, cn-north-1);
 * - partition: aws, aws-cn, aws-us-gov;
 * - output: the formats the AWS CLI accepts (v1: json, text, table, yaml, yaml-stream); any other value
 *   makes every AWS CLI call of the profile fail with "Unknown output type";
 * - role chaining: AssumeRole with role-session credentials is capped at 3600 s, and STS refuses a
 *   DurationSeconds over it with a ValidationError
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining).
 */
import { UsageError } from '../errors.js';
import { PARTITIONS } from '../partition.js';
import { ROLE_ARN } from '../saml/roles.js';
import type { Partition } from '../saml/types.js';

export type IdentifierErrorCode =
  | 'BAD_ACCOUNT_ID'
  | 'BAD_ROLE_NAME'
  | 'BAD_ROLE_ARN'
  | 'BAD_EXTERNAL_ID'
  | 'BAD_REGION'
  | 'BAD_PARTITION'
  | 'BAD_OUTPUT'
  | 'BAD_MFA_SERIAL'
  | 'BAD_PROFILE_NAME'
  | 'CHAINED_DURATION_TOO_LONG';

/** Role chaining (AssumeRole with role-session credentials) caps a session at one hour. */
export const ROLE_CHAINING_MAX_SECONDS = 3600;

export const OUTPUT_FORMATS = ['json', 'text', 'table', 'yaml', 'yaml-stream'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const ACCOUNT_ID = /^\d{12}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const MFA_DEVICE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:mfa\/[\w+=,.@/-]+$/;
const MFA_HARDWARE_SERIAL = /^[\w+=/:,.@-]{9,256}$/;
/** Profile names become section headers: no whitespace, brackets or comment characters. */
const PROFILE_NAME = /^[\w+=,.@:/-]{1,128}$/;

function fail(code: IdentifierErrorCode, message: string, hint: string): never {
  throw new UsageError(code, message, { hint });
}

export function checkAccountId(value: string, from: string): string {
  const v = value.trim();
  if (!ACCOUNT_ID.test(v)) {
    fail('BAD_ACCOUNT_ID', `${from} is "${value}"; an AWS account ID is 12 digits.`, 'Give the 12-digit account ID, e.g. 123456789012 (leading zeros included; not an alias).');
  }
  return v;
}

/** "Admins", "team/Admins" or "/team/Admins" -> "team/Admins" (path + name, no leading slash). */
export function checkRoleName(value: string, from: string): string {
  const v = value.trim().replace(/^\/+/, '');
  // The role ARN rule decides, so that the name and the ARN built from it can never disagree.
  if (v.startsWith('arn:') || !ROLE_ARN.test(`arn:aws:iam::000000000000:role/${v}`)) {
    fail(
      'BAD_ROLE_NAME',
      `${from} is "${value}", which is not an IAM role name.`,
      'A role name is 1..64 of letters, digits and +=,.@_- , optionally after a path: Admins or team/Admins.',
    );
  }
  return v;
}

export interface ParsedRoleArn {
  partition: Partition;
  accountId: string;
  /** '' or 'team/sub/' (with the trailing slash). */
  path: string;
  roleName: string;
}

/** The parts of an IAM role ARN, or undefined when it is not one. */
export function parseRoleArn(arn: string): ParsedRoleArn | undefined {
  const m = ROLE_ARN.exec(arn.trim());
  if (!m) return undefined;
  return { partition: m[1] as Partition, accountId: m[2] as string, path: m[3] ?? '', roleName: m[4] as string };
}

export interface ParsedAssumedRoleArn {
  partition: Partition;
  accountId: string;
  /** The role's name only: an assumed-role ARN carries no path. */
  roleName: string;
  sessionName: string;
}

/** arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE-NAME/SESSION, the principal of role-session keys. */
export function parseAssumedRoleArn(arn: string): ParsedAssumedRoleArn | undefined {
  const m = /^arn:(aws|aws-cn|aws-us-gov):sts::(\d{12}):assumed-role\/([\w+=,.@-]{1,64})\/([\w+=,.@-]{2,64})$/.exec(arn.trim());
  if (!m) return undefined;
  return { partition: m[1] as Partition, accountId: m[2] as string, roleName: m[3] as string, sessionName: m[4] as string };
}

export function checkRoleArn(value: string, from: string): ParsedRoleArn {
  const parsed = parseRoleArn(value);
  if (!parsed) {
    fail(
      'BAD_ROLE_ARN',
      `${from} is "${value}", which is not an IAM role ARN.`,
      'A role ARN looks like arn:aws:iam::123456789012:role/Admins (or role/team/Admins); or give a role name with the account separately.',
    );
  }
  return parsed;
}

export function checkExternalId(value: string, from: string): string {
  const v = value.trim();
  if (!EXTERNAL_ID.test(v)) {
    // The value itself is not quoted: an external id is a shared secret of sorts.
    fail('BAD_EXTERNAL_ID', `${from} is not a valid sts:ExternalId.`, 'Use 2..1224 characters of letters, digits and +=,.@:/-_ (no spaces), as the role trust policy expects.');
  }
  return v;
}

export function checkRegion(value: string, from: string): string {
  const v = value.trim();
  if (!REGION.test(v)) {
    fail('BAD_REGION', `${from} is "${value}", which is not an AWS region name.`, 'Give a region like us-east-1, eu-west-1, us-gov-west-1 or cn-north-1.');
  }
  return v;
}

export function checkPartition(value: string, from: string): Partition {
  const v = value.trim();
  if (!(PARTITIONS as readonly string[]).includes(v)) {
    fail('BAD_PARTITION', `${from} is "${value}", which is not an AWS partition.`, `Use one of ${PARTITIONS.join(', ')}; leave it out for the commercial partition (aws).`);
  }
  return v as Partition;
}

export function checkOutput(value: string, from: string): OutputFormat {
  const v = value.trim();
  if (!(OUTPUT_FORMATS as readonly string[]).includes(v)) {
    fail('BAD_OUTPUT', `${from} is "${value}", which is not an output format the AWS CLI knows.`, `Use one of ${OUTPUT_FORMATS.join(', ')}.`);
  }
  return v as OutputFormat;
}

export function checkMfaSerial(value: string, from: string): string {
  const v = value.trim();
  // Something that starts like an ARN must be a whole device ARN, not pass as a "serial number".
  if (!(v.startsWith('arn:') ? MFA_DEVICE_ARN : MFA_HARDWARE_SERIAL).test(v)) {
    fail('BAD_MFA_SERIAL', `${from} is "${value}", which is neither an MFA device ARN nor a hardware serial number.`, 'Give the device ARN, e.g. arn:aws:iam::111111111111:mfa/alice.');
  }
  return v;
}

export function checkProfileName(value: string, from: string): string {
  if (!PROFILE_NAME.test(value)) {
    fail('BAD_PROFILE_NAME', `${from} "${value}" has characters a profile name cannot have.`, 'Use letters, digits and -_.@+=,:/ only, e.g. prod or team-prod-admin.');
  }
  return value;
}

/** A DurationSeconds for a chained hop: refused over 3600 s, since STS would refuse it too. */
export function checkChainedDuration(seconds: number, from: string): number {
  if (seconds > ROLE_CHAINING_MAX_SECONDS) {
    fail(
      'CHAINED_DURATION_TOO_LONG',
      `${from} is ${seconds} s, but role chaining (AssumeRole from a role session) allows at most ${ROLE_CHAINING_MAX_SECONDS} s.`,
      'Use --duration 1h or less: 1h is the maximum for role chaining (the AWS CLI gets a ValidationError above it).',
    );
  }
  return seconds;
}
