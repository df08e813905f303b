import { describe, expect, it } from 'vitest';
import type { SamlRole } from '../saml/types.js';
import { checkAllRolesOptions, selectRoles } from './login-all-roles.js';

const role = (accountId: string, roleName: string): SamlRole => ({
  roleArn: `arn:aws:iam::${accountId}:role/${roleName}`,
  principalArn: `arn:aws:iam::${accountId}:saml-provider/ADFS`,
  accountId,
  roleName,
  partition: 'aws',
});
const ROLES = [role('222222222222', 'Dev'), role('111111111111', 'ReadOnly'), role('111111111111', 'Admins')];

describe('selectRoles (login --all-roles)', () => {
  it('every role, sorted, without --role', () => {
    expect(selectRoles(ROLES, { value: undefined, source: 'default' }).map((r) => r.roleName)).toEqual(['Admins', 'ReadOnly', 'Dev']);
  });
  it('--role on the command line filters, with the login patterns', () => {
    expect(selectRoles(ROLES, { value: '111111111111/*', source: 'flag' }).map((r) => r.roleName)).toEqual(['Admins', 'ReadOnly']);
    expect(selectRoles(ROLES, { value: '*dev', source: 'flag' }).map((r) => r.roleName)).toEqual(['Dev']);
  });
  it('a preferred role from AWSFED_ROLE or awsfed_role does not shrink "all roles"', () => {
    expect(selectRoles(ROLES, { value: '*Admins', source: 'env' })).toHaveLength(3);
    expect(selectRoles(ROLES, { value: '*Admins', source: 'profile' })).toHaveLength(3);
  });
  it('a --role that matches nothing is a usage error listing the roles', () => {
    expect(() => selectRoles(ROLES, { value: 'Nope', source: 'flag' })).toThrow(
      expect.objectContaining({ code: 'ALL_ROLES_NO_MATCH', exitCode: 2, message: expect.stringContaining('arn:aws:iam::222222222222:role/Dev') }),
    );
  });
});

describe('checkAllRolesOptions', () => {
  it('refuses --chain', () => {
    expect(() => checkAllRolesOptions({ chain: true })).toThrow(expect.objectContaining({ code: 'ALL_ROLES_WITH_CHAIN', exitCode: 2 }));
    expect(() => checkAllRolesOptions({})).not.toThrow();
  });
});
