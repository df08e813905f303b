/**
 * Temporary credentials in a credentials-file section, the way the AWS CLI reads them:
 * aws_access_key_id, aws_secret_access_key, aws_session_token, plus our own x_ keys
 * (unknown keys are ignored by the SDKs) recording when the token expires and which principal
 * issued it. Pure: works on an IniDocument, the disk is file-store's business.
 */
import { FileError } from '../errors.js';
import type { IniDocument } from '../ini/document.js';
import { parseAssumedRoleArn, parseRoleArn } from '../identifiers/identifiers.js';
import { formatTimestamp } from '../ui/format.js';

export interface StoredCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  principalArn?: string;
}

export const CredentialKeys = {
  accessKeyId: 'aws_access_key_id',
  secretAccessKey: 'aws_secret_access_key',
  sessionToken: 'aws_session_token',
  /** Legacy name (boto 2 era) that botocore still reads before aws_session_token. */
  securityToken: 'aws_security_token',
  expires: 'x_security_token_expires',
  principalArn: 'x_principal_arn',
} as const;

/** RFC 3339 in UTC without milliseconds: 2026-11-27T21:20:13Z. */
export function formatExpiration(date: Date): string {
  if (Number.isNaN(date.getTime())) {
    throw new FileError('FILE_INVALID_VALUE', 'credential expiration is not a valid date', {
      hint: 'This is a bug in awsfed; the credentials file was not changed.',
    });
  }
  return formatTimestamp(date);
}

export function applyCredentials(doc: IniDocument, section: string, creds: StoredCredentials): void {
  const expires = formatExpiration(creds.expiration);
  doc.set(section, CredentialKeys.accessKeyId, creds.accessKeyId);
  doc.set(section, CredentialKeys.secretAccessKey, creds.secretAccessKey);
  doc.set(section, CredentialKeys.sessionToken, creds.sessionToken);
  // botocore reads aws_security_token first; a stale one would shadow the new session token.
  if (doc.get(section, CredentialKeys.securityToken) !== undefined) {
    doc.set(section, CredentialKeys.securityToken, creds.sessionToken);
  }
  doc.set(section, CredentialKeys.expires, expires);
  if (creds.principalArn !== undefined) {
    doc.set(section, CredentialKeys.principalArn, creds.principalArn);
  } else {
    // A principal from an earlier sign-in would now describe the wrong credentials.
    doc.delete(section, CredentialKeys.principalArn);
  }
}

/**
 * The temporary credentials stored in a section, or undefined when any part is missing
 * (long-term keys have no session token or expiry) or the expiry cannot be read.
 */
export function readStoredCredentials(doc: IniDocument, section: string): StoredCredentials | undefined {
  const values = doc.getSection(section);
  if (!values) return undefined;
  const accessKeyId = values[CredentialKeys.accessKeyId];
  const secretAccessKey = values[CredentialKeys.secretAccessKey];
  // Same precedence as botocore's SharedCredentialProvider.
  const sessionToken = values[CredentialKeys.securityToken] || values[CredentialKeys.sessionToken];
  const expires = values[CredentialKeys.expires];
  if (!accessKeyId || !secretAccessKey || !sessionToken || !expires) return undefined;
  const expiration = new Date(expires);
  if (Number.isNaN(expiration.getTime())) return undefined;
  const principalArn = values[CredentialKeys.principalArn];
  return { accessKeyId, secretAccessKey, sessionToken, expiration, ...(principalArn ? { principalArn } : {}) };
}

/**
 * Why keys stored for a profile with `roleArn` are not that role's, or undefined when they are (or
 * cannot be told: keys without x_principal_arn were written by another tool and are taken as they are).
 * x_principal_arn is arn:P:sts::ACCOUNT:assumed-role/NAME/SESSION while role_arn is
 * arn:P:iam::ACCOUNT:role/PATH/NAME: partition, account and name are compared; the path is not in the
 * assumed-role ARN. Pure; the reason names the account and role of the keys, nothing secret.
 */
export function principalMismatch(stored: Pick<StoredCredentials, 'principalArn'>, roleArn: string): string | undefined {
  const principal = stored.principalArn?.trim();
  if (!principal) return undefined;
  const role = parseRoleArn(roleArn);
  if (!role) return undefined; // a role_arn that does not parse is the chain planner's to report
  const actual = parseAssumedRoleArn(principal);
  if (!actual) return `keys are for ${principal}`;
  // IAM role names are unique regardless of case, and the assumed-role ARN carries IAM's spelling, which
  // may differ from a hand-typed role_arn that STS accepted: an exact compare would refresh forever.
  const sameName = actual.roleName.toLowerCase() === role.roleName.toLowerCase();
  if (actual.partition === role.partition && actual.accountId === role.accountId && sameName) return undefined;
  const partition = actual.partition === role.partition ? '' : `${actual.partition} `;
  return `keys are for ${partition}${actual.accountId}/${actual.roleName}`;
}
