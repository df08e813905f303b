import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { buildAssumePolicy } from './assume-policy.js';
import { checkAccountId, checkExternalId, checkPartition, checkRoleName, roleArn } from './identifiers.js';
import { buildTrustPolicy, formatPolicy } from './trust-policy.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  return undefined;
}

describe('buildTrustPolicy', () => {
  const principal = (p = 'aws') => ({ AWS: `arn:${p}:iam::111111111111:root` });

  it('without conditions', () => {
    expect(buildTrustPolicy({ sourceAccount: '111111111111' })).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: principal(), Action: 'sts:AssumeRole' }],
    });
  });

  it.each([
    [{ requireMfa: true }, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }],
    [{ externalId: 'corp-42' }, { StringEquals: { 'sts:ExternalId': 'corp-42' } }],
    [
      { requireMfa: true, externalId: 'a:b/c=d' },
      { Bool: { 'aws:MultiFactorAuthPresent': 'true' }, StringEquals: { 'sts:ExternalId': 'a:b/c=d' } },
    ],
  ])('conditions %j', (extra, condition) => {
    expect(buildTrustPolicy({ sourceAccount: '111111111111', ...extra }).Statement[0]).toEqual({
      Effect: 'Allow',
      Principal: principal(),
      Action: 'sts:AssumeRole',
      Condition: condition,
    });
  });

  it.each(['aws-cn', 'aws-us-gov'])('partition %s', (p) => {
    expect(buildTrustPolicy({ sourceAccount: '111111111111', partition: p }).Statement[0]!.Principal).toEqual(principal(p));
  });

  it('prints pretty JSON with two spaces and a final newline', () => {
    expect(formatPolicy({ a: [1] })).toBe('{\n  "a": [\n    1\n  ]\n}\n');
  });
});

describe('buildAssumePolicy', () => {
  it('one statement per account, first-seen order, duplicates dropped', () => {
    const doc = buildAssumePolicy([
      { accountId: '222222222222', roleArn: 'arn:aws:iam::222222222222:role/Admins' },
      { accountId: '333333333333', roleArn: 'arn:aws:iam::333333333333:role/team/ReadOnly' },
      { accountId: '222222222222', roleArn: 'arn:aws:iam::222222222222:role/ReadOnly' },
      { accountId: '222222222222', roleArn: 'arn:aws:iam::222222222222:role/Admins' },
    ]);
    expect(doc).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AssumeInto222222222222',
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Resource: ['arn:aws:iam::222222222222:role/Admins', 'arn:aws:iam::222222222222:role/ReadOnly'],
        },
        { Sid: 'AssumeInto333333333333', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ['arn:aws:iam::333333333333:role/team/ReadOnly'] },
      ],
    });
  });

  it('refuses an empty list', () => {
    expect(codeOf(() => buildAssumePolicy([]))).toBe('POLICY_NO_ROLES');
  });
});

describe('identifiers', () => {
  it.each([
    ['111111111111', undefined],
    [' 111111111111 ', undefined],
    ['11111111111', 'POLICY_BAD_ACCOUNT'],
    ['1111111111111', 'POLICY_BAD_ACCOUNT'],
    ['my-alias', 'POLICY_BAD_ACCOUNT'],
  ])('account %j', (value, code) => {
    expect(codeOf(() => checkAccountId(value, '--account'))).toBe(code);
  });

  it.each([
    ['Admins', 'Admins'],
    ['team/Admins', 'team/Admins'],
    ['/team/sub/Admins', 'team/sub/Admins'],
    ['a+=,.@_-b', 'a+=,.@_-b'],
  ])('role name %j', (value, expected) => {
    expect(checkRoleName(value)).toBe(expected);
  });

  it.each(['', 'has space', 'x'.repeat(65), 'arn:aws:iam::222222222222:role/Admins', 'team//Admins', 'Admins/'])('bad role name %j', (value) => {
    expect(codeOf(() => checkRoleName(value))).toBe('POLICY_BAD_ROLE');
  });

  it.each([
    ['ab', undefined],
    ['x'.repeat(1224), undefined],
    ['a', 'POLICY_BAD_EXTERNAL_ID'],
    ['x'.repeat(1225), 'POLICY_BAD_EXTERNAL_ID'],
    ['has space', 'POLICY_BAD_EXTERNAL_ID'],
  ])('external id %#', (value, code) => {
    expect(codeOf(() => checkExternalId(value))).toBe(code);
  });

  it('partitions', () => {
    expect(checkPartition(undefined)).toBe('aws');
    expect(checkPartition('aws-us-gov')).toBe('aws-us-gov');
    expect(codeOf(() => checkPartition('aws-eu'))).toBe('POLICY_BAD_PARTITION');
  });

  it('role ARNs', () => {
    expect(roleArn('aws-cn', '222222222222', 'team/Admins')).toBe('arn:aws-cn:iam::222222222222:role/team/Admins');
  });
});
