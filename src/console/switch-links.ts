/**
 * Console "Switch Role" links (IAM User Guide, "Provide information to switch roles (console)"):
 *
 *   https://signin.aws.amazon.com/switchrole?account=ACCOUNT&roleName=[PATH/]NAME&displayName=TEXT&color=HEX
 *
 * roleName is the role's path plus name without "role/" and without a leading slash: for
 * arn:aws:iam::123456789012:role/team/Admins it is "team/Admins" (the guide's form is
 * roleName=optionalPath/YourRoleName; giving only "Admins" sends the console to the wrong role or an
 * error). The slash is kept readable, every other reserved character is percent-encoded. color is one of
 * the console's five hex values and is left out when the destination has none. Pure.
 */
import { CONSOLE_COLORS } from '../catalog/colors.js';
import type { Destination } from '../catalog/destination.js';
import { parseRoleArn } from '../catalog/destination.js';
import { encodeQueryValue, PARTITION_HOSTS } from './federation.js';

export interface SwitchLink {
  profile: string;
  url: string;
}

/** "[path/]Name" of a role ARN; falls back to the destination's role name when the ARN does not parse. */
export function roleNameWithPath(d: Pick<Destination, 'roleArn' | 'roleName'>): string {
  const parsed = parseRoleArn(d.roleArn);
  return parsed ? `${parsed.path}${parsed.roleName}` : d.roleName;
}

export function switchRoleUrl(d: Destination): string {
  const host = PARTITION_HOSTS[d.partition].signin;
  const roleName = encodeQueryValue(roleNameWithPath(d)).replace(/%2F/g, '/');
  const color = d.color === undefined ? '' : `&color=${CONSOLE_COLORS[d.color]}`;
  return `https://${host}/switchrole?account=${d.accountId}&roleName=${roleName}&displayName=${encodeQueryValue(d.displayName ?? d.name)}${color}`;
}

export function switchLinks(destinations: Destination[]): SwitchLink[] {
  return destinations.map((d) => ({ profile: d.name, url: switchRoleUrl(d) }));
}

/** One line per destination: the profile name padded to a column, then the link. */
export function formatSwitchLinks(links: SwitchLink[]): string {
  const width = Math.max(0, ...links.map((l) => l.profile.length));
  return links.map((l) => `${l.profile.padEnd(width)}  ${l.url}\n`).join('');
}
