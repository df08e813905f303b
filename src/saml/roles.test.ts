import { describe, expect, it } from 'vitest';
import { scalingRatio, thrown } from '../../test/helpers/scaling.js';
import { SamlError } from '../errors.js';
import { MAX_ROLE_VALUE_CHARS, describeRole, parseRoleValue } from './roles.js';

describe('parseRoleValue', () => {
  it.each([
    [
      'provider first (the AWS AD FS blog claim rule)',
      'arn:aws:iam::123456789012:saml-provider/ADFS,arn:aws:iam::123456789012:role/ADFS-Dev',
      { roleArn: 'arn:aws:iam::123456789012:role/ADFS-Dev', principalArn: 'arn:aws:iam::123456789012:saml-provider/ADFS', accountId: '123456789012', roleName: 'ADFS-Dev', partition: 'aws' },
    ],
    [
      'role first',
      'arn:aws:iam::123456789012:role/ADFS-Dev,arn:aws:iam::123456789012:saml-provider/ADFS',
      { roleArn: 'arn:aws:iam::123456789012:role/ADFS-Dev', principalArn: 'arn:aws:iam::123456789012:saml-provider/ADFS', accountId: '123456789012', roleName: 'ADFS-Dev', partition: 'aws' },
    ],
    [
      'whitespace around both parts',
      '  arn:aws:iam::123456789012:role/ADFS-Dev \n,\t arn:aws:iam::123456789012:saml-provider/ADFS  ',
      { roleArn: 'arn:aws:iam::123456789012:role/ADFS-Dev', principalArn: 'arn:aws:iam::123456789012:saml-provider/ADFS', accountId: '123456789012', roleName: 'ADFS-Dev', partition: 'aws' },
    ],
    [
      'a role path',
      'arn:aws:iam::123456789012:saml-provider/ADFS,arn:aws:iam::123456789012:role/team-a/prod/Admin',
      { roleArn: 'arn:aws:iam::123456789012:role/team-a/prod/Admin', principalArn: 'arn:aws:iam::123456789012:saml-provider/ADFS', accountId: '123456789012', roleName: 'Admin', partition: 'aws' },
    ],
    [
      'commas inside the role path and name',
      'arn:aws:iam::123456789012:role/a,b/Read,Only,arn:aws:iam::123456789012:saml-provider/ADFS',
      { roleArn: 'arn:aws:iam::123456789012:role/a,b/Read,Only', principalArn: 'arn:aws:iam::123456789012:saml-provider/ADFS', accountId: '123456789012', roleName: 'Read,Only', partition: 'aws' },
    ],
    [
      'aws-cn',
      'arn:aws-cn:iam::123456789012:saml-provider/ADFS,arn:aws-cn:iam::123456789012:role/R',
      { roleArn: 'arn:aws-cn:iam::123456789012:role/R', principalArn: 'arn:aws-cn:iam::123456789012:saml-provider/ADFS', accountId: '123456789012', roleName: 'R', partition: 'aws-cn' },
    ],
    [
      'aws-us-gov',
      'arn:aws-us-gov:iam::123456789012:role/R+=,.@-x,arn:aws-us-gov:iam::123456789012:saml-provider/My.IdP_2-b',
      { roleArn: 'arn:aws-us-gov:iam::123456789012:role/R+=,.@-x', principalArn: 'arn:aws-us-gov:iam::123456789012:saml-provider/My.IdP_2-b', accountId: '123456789012', roleName: 'R+=,.@-x', partition: 'aws-us-gov' },
    ],
  ])('accepts %s', (_label, value, expected) => {
    expect(parseRoleValue(value)).toEqual(expected);
  });

  it.each([
    ['no comma', 'arn:aws:iam::123456789012:role/ADFS-Dev'],
    ['two roles', 'arn:aws:iam::123456789012:role/A,arn:aws:iam::123456789012:role/B'],
    ['two providers', 'arn:aws:iam::123456789012:saml-provider/A,arn:aws:iam::123456789012:saml-provider/B'],
    ['an 11-digit account', 'arn:aws:iam::12345678901:role/A,arn:aws:iam::12345678901:saml-provider/P'],
    ['an unknown partition', 'arn:aws-iso:iam::123456789012:role/A,arn:aws-iso:iam::123456789012:saml-provider/P'],
    ['a non-IAM service', 'arn:aws:sts::123456789012:role/A,arn:aws:iam::123456789012:saml-provider/P'],
    ['a region in the ARN', 'arn:aws:iam:us-east-1:123456789012:role/A,arn:aws:iam::123456789012:saml-provider/P'],
    ['an empty role name', 'arn:aws:iam::123456789012:role/,arn:aws:iam::123456789012:saml-provider/P'],
    ['a role name that is too long', `arn:aws:iam::123456789012:role/${'r'.repeat(65)},arn:aws:iam::123456789012:saml-provider/P`],
    ['an OIDC provider', 'arn:aws:iam::123456789012:role/A,arn:aws:iam::123456789012:oidc-provider/P'],
    ['a trailing third part', 'arn:aws:iam::123456789012:role/A,arn:aws:iam::123456789012:saml-provider/P,extra'],
    ['empty', ''],
  ])('rejects %s with SAML_BAD_ROLE', (_label, value) => {
    let error: unknown;
    try {
      parseRoleValue(value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SamlError);
    expect((error as SamlError).code).toBe('SAML_BAD_ROLE');
    expect((error as SamlError).message).toContain(JSON.stringify(value.trim()));
    expect((error as SamlError).message).toMatch(/expected "role-arn,saml-provider-arn"/);
    expect((error as SamlError).hint).toMatch(/claim rule/);
  });

  it.each([
    ['different accounts', 'arn:aws:iam::111122223333:role/A,arn:aws:iam::444455556666:saml-provider/P'],
    ['different partitions', 'arn:aws:iam::111122223333:role/A,arn:aws-cn:iam::111122223333:saml-provider/P'],
  ])('rejects %s', (_label, value) => {
    expect(() => parseRoleValue(value)).toThrow(/expected the role and the SAML provider to be in the same account and partition/);
  });

  it('quotes a hostile value without control characters and capped in length', () => {
    let message = '';
    try {
      parseRoleValue(`\u001b[2Jevil${'x'.repeat(500)}`);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).not.toContain('\u001b');
    expect(message).toContain('"?[2Jevil');
    expect(message.length).toBeLessThan(400);
  });
});

describe('describeRole', () => {
  it.each([
    ['arn:aws:iam::123456789012:saml-provider/ADFS,arn:aws:iam::123456789012:role/ADFS-Dev', 'ADFS-Dev in 123456789012'],
    ['arn:aws:iam::123456789012:saml-provider/ADFS,arn:aws:iam::123456789012:role/team/prod/Admin', 'team/prod/Admin in 123456789012'],
    ['arn:aws-us-gov:iam::123456789012:saml-provider/ADFS,arn:aws-us-gov:iam::123456789012:role/R', 'R in 123456789012 (aws-us-gov)'],
  ])('%s -> %s', (value, label) => {
    expect(describeRole(parseRoleValue(value))).toBe(label);
  });
});

describe('parseRoleValue on hostile sizes (issue 6, item 9)', () => {
  const ROLE = 'arn:aws:iam::111111111111:role/';
  const PROVIDER = 'arn:aws:iam::111111111111:saml-provider/ADFS';

  it('refuses a ~1 MB value as SAML_ATTRIBUTE_TOO_LARGE, saying how big, without quoting it', () => {
    const value = `${ROLE}${'a,'.repeat(500_000)}`;
    let error: unknown;
    try {
      parseRoleValue(value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SamlError);
    const samlError = error as SamlError;
    expect(samlError.code).toBe('SAML_ATTRIBUTE_TOO_LARGE');
    expect(samlError.message).toContain(`${value.length} characters`);
    expect(samlError.message).toContain(`at most ${MAX_ROLE_VALUE_CHARS}`);
    expect(samlError.message.length).toBeLessThan(400);
    expect(samlError.hint).toMatch(/claim rule/);
  });

  it('accepts a value at the cap: the longest legal role ARN fits with room to spare', () => {
    // IAM: path up to 512 characters, name up to 64; the cap must never refuse a real value.
    const role = `${ROLE}${'p'.repeat(510)}/${'n'.repeat(64)}`;
    const value = `${role},${PROVIDER}`;
    expect(value.length).toBeLessThan(MAX_ROLE_VALUE_CHARS);
    expect(parseRoleValue(`${value}${' '.repeat(MAX_ROLE_VALUE_CHARS - value.length)}`).roleArn).toBe(role);
  });

  it('splits unambiguously even when the role path contains ",arn:" (the provider ARN has no comma)', () => {
    const role = `${ROLE}x,${PROVIDER}/Name`;
    expect(parseRoleValue(`${role},${PROVIDER}`)).toMatchObject({ roleArn: role, principalArn: PROVIDER, roleName: 'Name' });
    expect(parseRoleValue(`${PROVIDER},${role}`)).toMatchObject({ roleArn: role, principalArn: PROVIDER, roleName: 'Name' });
  });

  it('does linear work below the cap: 8x the length costs well under quadratic', () => {
    // The old parser tried every comma as the separator and ran regexes over both halves; on these
    // values it measured a ratio of ~22 (~64 once the quadratic term dominates), the linear one ~1-8.
    const values = (commas: number): string[] => [`${ROLE}${','.repeat(commas)}`, `${PROVIDER}${','.repeat(commas)}`];
    const parseMany = (commas: number): void => {
      const batch = values(commas);
      for (let i = 0; i < 100; i++) for (const value of batch) thrown(() => parseRoleValue(value));
    };
    expect((values(4000)[0] as string).length).toBeLessThan(MAX_ROLE_VALUE_CHARS);
    expect(scalingRatio(parseMany, 500)).toBeLessThan(16);
  });
});
