import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { buildAssumePolicy } from './assume-policy.js';
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
