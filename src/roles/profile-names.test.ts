import { describe, expect, it } from 'vitest';
import { parseAccountAliases, profileNameFor, validateProfileTemplate } from './profile-names.js';
import type { SamlRole } from '../saml/types.js';

const role: SamlRole = {
  roleArn: 'arn:aws:iam::111111111111:role/team/ADFS Admins',
  principalArn: 'arn:aws:iam::111111111111:saml-provider/ADFS',
  accountId: '111111111111',
  roleName: 'ADFS Admins',
  partition: 'aws',
};

describe('profile names for --all-roles', () => {
  it('fills the template, using the alias when one is known', () => {
    const aliases = parseAccountAliases('111111111111=gateway, 222222222222=prod');
    expect(profileNameFor(role, '{alias}-{role}', aliases)).toBe('gateway-ADFS-Admins');
    expect(profileNameFor(role, '{account}/{role}', aliases)).toBe('111111111111-ADFS-Admins');
    expect(profileNameFor(role, '{partition}-{alias}-{role}', new Map())).toBe('aws-111111111111-ADFS-Admins');
  });
  it('refuses templates without {role} or with unknown placeholders', () => {
    expect(() => validateProfileTemplate('{alias}')).toThrow(/no \{role\}/);
    expect(() => validateProfileTemplate('{acct}-{role}')).toThrow(/unknown placeholder \{acct\}/);
    expect(() => validateProfileTemplate('{alias}-{role}')).not.toThrow();
  });
  it('refuses malformed aliases', () => {
    expect(() => parseAccountAliases('111=gw')).toThrow(/ACCOUNT=ALIAS/);
    expect(parseAccountAliases(undefined).size).toBe(0);
  });
});
