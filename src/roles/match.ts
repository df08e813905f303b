/**
 * Role choice from a user's pattern, pure. A pattern is a full role ARN, "ACCOUNT/ROLE-NAME", or a glob
 * on the role name ("*Admin*"). Globs on "ACCOUNT/ROLE" also work ("1111*\/Read*").
 */
import type { SamlRole } from '../saml/types.js';

export function matchRoles(roles: readonly SamlRole[], pattern: string): SamlRole[] {
  const p = pattern.trim();
  if (p.startsWith('arn:')) return roles.filter((r) => r.roleArn === p);
  const re = globToRegExp(p);
  if (p.includes('/')) return roles.filter((r) => re.test(`${r.accountId}/${r.roleName}`) || re.test(`${r.accountId}/${roleNameWithPath(r)}`));
  return roles.filter((r) => re.test(r.roleName) || re.test(roleNameWithPath(r)));
}

/** Orders roles by account, then role name, which is how the interactive list groups them. */
export function sortRoles(roles: readonly SamlRole[]): SamlRole[] {
  return [...roles].sort((a, b) => a.accountId.localeCompare(b.accountId) || a.roleName.localeCompare(b.roleName));
}

export function roleLabel(role: SamlRole): string {
  return `${role.accountId}/${role.roleName}`;
}

function roleNameWithPath(role: SamlRole): string {
  const i = role.roleArn.indexOf(':role/');
  return i < 0 ? role.roleName : role.roleArn.slice(i + ':role/'.length);
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'i');
}
