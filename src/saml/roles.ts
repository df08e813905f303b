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

const BAD_ROLE_HINT =
  'Each value of the https://aws.amazon.com/SAML/Attributes/Role claim must be "arn:aws:iam::ACCOUNT:role/NAME,arn:aws:iam::ACCOUNT:saml-provider/NAME"; fix the AD FS claim rule that builds it.';

/**
 * Parses one Role attribute value: a role ARN and a SAML provider ARN separated by a comma, in either
 * order (AWS accepts both; AD FS setups in the wild use both). Role names and paths may themselves
 * contain commas, so every comma is tried as the separator rather than splitting blindly.
 */
export function parseRoleValue(value: string): SamlRole {
  const trimmed = value.trim();
  let sawBothKinds = false;
  for (let i = trimmed.indexOf(','); i !== -1; i = trimmed.indexOf(',', i + 1)) {
    const left = trimmed.slice(0, i).trim();
    const right = trimmed.slice(i + 1).trim();
    for (const [rolePart, providerPart] of [
      [left, right],
      [right, left],
    ] as const) {
      const role = ROLE_ARN.exec(rolePart);
      const provider = PROVIDER_ARN.exec(providerPart);
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
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\x00-\x1f\x7f-\x9f]/g, '?');
  const capped = clean.length > 200 ? `${clean.slice(0, 200)}...` : clean;
  return JSON.stringify(capped);
}
