import { SamlError } from '../errors.js';
import type { Partition, SamlRole } from './types.js';

/**
 * IAM role ARN. The path between `role/` and the name may contain any printable ASCII but `/`
 * inside a segment (IAM path rules), including commas; the name itself is [\w+=,.@-]{1,64}.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
 */
export const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/((?:[\x21-\x2e\x30-\x7e]+\/)*)([\w+=,.@-]{1,64})$/;

/** IAM SAML provider ARN; provider names are [\w._-]{1,128}. */
const PROVIDER_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):saml-provider\/([\w.-]{1,128})$/;

/**
 * Longest Role value accepted. IAM caps a role path at 512 characters and a name at 64, so a real role
 * ARN is under 640 characters (the API's 2048 is the hard ceiling) and a provider ARN under 200; 4096
 * leaves room for whitespace and never refuses a real value, while anything larger is refused before
 * any regex sees it.
 */
export const MAX_ROLE_VALUE_CHARS = 4096;

const BAD_ROLE_HINT =
  'Each value of the https://aws.amazon.com/SAML/Attributes/Role claim must be "arn:aws:iam::ACCOUNT:role/NAME,arn:aws:iam::ACCOUNT:saml-provider/NAME"; fix the AD FS claim rule that builds it.';

/**
 * Parses one Role attribute value: a role ARN and a SAML provider ARN separated by a comma, in either
 * order (AWS accepts both; AD FS setups in the wild use both). Role paths and names may contain commas,
 * but a provider ARN never does (its name is [\w.-]), so the separator can only be the first comma
 * (provider first) or the last one (role first). That gives exactly two candidate splits, each checked
 * once with anchored regexes: linear in the value, where trying every comma was quadratic (issue 6).
 */
export function parseRoleValue(value: string): SamlRole {
  if (value.length > MAX_ROLE_VALUE_CHARS) {
    throw new SamlError(
      'SAML_ATTRIBUTE_TOO_LARGE',
      `a Role attribute value is ${value.length} characters, starting ${quote(value.slice(0, 60))}; expected at most ${MAX_ROLE_VALUE_CHARS}`,
      { hint: BAD_ROLE_HINT },
    );
  }
  const trimmed = value.trim();
  const first = trimmed.indexOf(',');
  const last = trimmed.lastIndexOf(',');
  const candidates: Array<[rolePart: string, providerPart: string]> =
    first === -1
      ? []
      : [
          [trimmed.slice(first + 1).trim(), trimmed.slice(0, first).trim()],
          [trimmed.slice(0, last).trim(), trimmed.slice(last + 1).trim()],
        ];
  let sawBothKinds = false;
  for (const [rolePart, providerPart] of candidates) {
    const provider = PROVIDER_ARN.exec(providerPart);
    const role = provider && ROLE_ARN.exec(rolePart);
    if (!role || !provider) continue;
    sawBothKinds = true;
    const [, rolePartition, roleAccount, , roleName] = role;
    const [, providerPartition, providerAccount] = provider;
    // AWS only honours a provider in the role's own account and partition; catching it here turns
    // an opaque STS AccessDenied into a message that names the claim rule value at fault.
    if (rolePartition !== providerPartition || roleAccount !== providerAccount) continue;
    return {
      roleArn: rolePart,
      principalArn: providerPart,
      accountId: roleAccount as string,
      roleName: roleName as string,
      partition: rolePartition as Partition,
    };
  }
  const expected = sawBothKinds
    ? 'expected the role and the SAML provider to be in the same account and partition'
    : 'expected "role-arn,saml-provider-arn" (either order) with partition aws, aws-cn or aws-us-gov and a 12-digit account';
  throw new SamlError('SAML_BAD_ROLE', `invalid Role attribute value ${quote(trimmed)}: ${expected}`, { hint: BAD_ROLE_HINT });
}

/** A short label for lists and prompts: `team/Admin in 123456789012` (partition shown when not aws). */
export function describeRole(role: SamlRole): string {
  const path = role.roleArn.slice(role.roleArn.indexOf(':role/') + ':role/'.length);
  const partition = role.partition === 'aws' ? '' : ` (${role.partition})`;
  return `${path} in ${role.accountId}${partition}`;
}

/**
 * Role values are ARNs, not secrets, so quoting them is safe; still cap the length and drop control
 * characters so a hostile value cannot flood or repaint the terminal.
 */
function quote(value: string): string {
  // Clip before cleaning, so a huge value costs nothing here.
  // eslint-disable-next-line no-control-regex
  const clean = value.slice(0, 200).replace(/[\x00-\x1f\x7f-\x9f]/g, '?');
  return JSON.stringify(value.length > 200 ? `${clean}...` : clean);
}
