import { describe, expect, it } from 'vitest';
import { matchRoles, sortRoles } from './match.js';
import type { SamlRole } from '../saml/types.js';

const role = (account: string, name: string, partition: SamlRole['partition'] = 'aws'): SamlRole => ({
  roleArn: `arn:${partition}:iam::${account}:role/${name}`,
  principalArn: `arn:${partition}:iam::${account}:saml-provider/ADFS`,
  accountId: account,
  roleName: name.split('/').pop()!,
  partition,
});

const roles = [role('222222222222', 'ADFS-Admins'), role('111111111111', 'ADFS-Admins'), role('111111111111', 'ADFS-ReadOnly'), role('333333333333', 'team/ADFS-Dev')];

describe('matchRoles', () => {
  it('matches a full ARN exactly', () => {
    expect(matchRoles(roles, 'arn:aws:iam::111111111111:role/ADFS-Admins')).toEqual([roles[1]]);
    expect(matchRoles(roles, 'arn:aws:iam::999999999999:role/ADFS-Admins')).toEqual([]);
  });
  it('matches ACCOUNT/ROLE-NAME', () => {
    expect(matchRoles(roles, '222222222222/ADFS-Admins')).toEqual([roles[0]]);
    expect(matchRoles(roles, '333333333333/team/ADFS-Dev')).toEqual([roles[3]]);
    expect(matchRoles(roles, '333333333333/ADFS-Dev')).toEqual([roles[3]]);
  });
  it('matches a glob on the role name, case-insensitively', () => {
    expect(matchRoles(roles, '*admins')).toHaveLength(2);
    expect(matchRoles(roles, '*ReadOnly')).toEqual([roles[2]]);
    expect(matchRoles(roles, 'ADFS-?ev')).toEqual([roles[3]]);
    expect(matchRoles(roles, '11*/*')).toHaveLength(2);
  });
  it('does not treat regex characters as special', () => {
    expect(matchRoles(roles, 'ADFS.Admins')).toEqual([]);
  });
});

describe('sortRoles', () => {
  it('orders by account then name', () => {
    expect(sortRoles(roles).map((r) => `${r.accountId}/${r.roleName}`)).toEqual([
      '111111111111/ADFS-Admins',
      '111111111111/ADFS-ReadOnly',
      '222222222222/ADFS-Admins',
      '333333333333/ADFS-Dev',
    ]);
  });
});
