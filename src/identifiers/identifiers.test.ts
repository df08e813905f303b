import { describe, expect, it } from 'vitest';
import type { AppError } from '../errors.js';
import {
  checkAccountId,
  checkChainedDuration,
  checkExternalId,
  checkMfaSerial,
  checkOutput,
  checkPartition,
  checkProfileName,
  checkRegion,
  checkRoleArn,
  checkRoleName,
} from './identifiers.js';

function failure(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected a refusal');
}

type Check = (value: string, from: string) => unknown;

const CASES: Array<{ name: string; check: Check; code: string; valid: Array<[string, unknown]>; invalid: string[] }> = [
  {
    name: 'account id',
    check: checkAccountId,
    code: 'BAD_ACCOUNT_ID',
    valid: [['123456789012', '123456789012'], ['000000000001', '000000000001'], [' 111111111111 ', '111111111111']],
    invalid: ['', '12345678901', '1234567890123', 'my-alias', '12345678901a', '１２３４５６７８９０１２'],
  },
  {
    name: 'role name',
    check: checkRoleName,
    code: 'BAD_ROLE_NAME',
    valid: [['Admins', 'Admins'], ['team/Admins', 'team/Admins'], ['/team/sub/Admins', 'team/sub/Admins'], ['a+=,.@_-b', 'a+=,.@_-b'], ['x'.repeat(64), 'x'.repeat(64)]],
    invalid: ['', 'Ad mins', 'x'.repeat(65), 'team/', 'arn:aws:iam::123456789012:role/Admins', 'Admins!', 'a//b'],
  },
  {
    name: 'external id',
    check: checkExternalId,
    code: 'BAD_EXTERNAL_ID',
    valid: [['ab', 'ab'], ['ext-42', 'ext-42'], ['a:b/c=d,e.f@g+h_i', 'a:b/c=d,e.f@g+h_i'], ['x'.repeat(1224), 'x'.repeat(1224)]],
    invalid: ['a', 'x'.repeat(1225), 'has space', 'semi;colon', ''],
  },
  {
    name: 'region',
    check: checkRegion,
    code: 'BAD_REGION',
    valid: [['us-east-1', 'us-east-1'], ['eu-central-2', 'eu-central-2'], ['us-gov-west-1', 'us-gov-west-1'], ['cn-north-1', 'cn-north-1'], ['ap-southeast-5', 'ap-southeast-5']],
    invalid: ['mars', 'Europe', 'US-EAST-1', 'us-east', 'useast1', 'us-east-1 ; x', ''],
  },
  {
    name: 'partition',
    check: checkPartition,
    code: 'BAD_PARTITION',
    valid: [['aws', 'aws'], ['aws-cn', 'aws-cn'], ['aws-us-gov', 'aws-us-gov']],
    invalid: ['aws-eu', 'AWS', '', 'aws-iso'],
  },
  {
    name: 'output format',
    check: checkOutput,
    code: 'BAD_OUTPUT',
    valid: [['json', 'json'], ['text', 'text'], ['table', 'table'], ['yaml', 'yaml'], ['yaml-stream', 'yaml-stream']],
    invalid: ['xml', 'JSON', 'csv', ''],
  },
  {
    name: 'MFA serial',
    check: checkMfaSerial,
    code: 'BAD_MFA_SERIAL',
    valid: [['arn:aws:iam::111111111111:mfa/alice', 'arn:aws:iam::111111111111:mfa/alice'], ['GAHT12345678', 'GAHT12345678']],
    invalid: ['x y', 'short', 'arn:aws:iam::1111:mfa/alice'],
  },
  {
    name: 'profile name',
    check: checkProfileName,
    code: 'BAD_PROFILE_NAME',
    valid: [['prod', 'prod'], ['team-prod.admin@x', 'team-prod.admin@x']],
    invalid: ['bad name', 'a]b', 'a;b', '', 'x'.repeat(129)],
  },
];

describe.each(CASES)('$name', ({ check, code, valid, invalid }) => {
  it.each(valid)('accepts %j', (value, expected) => {
    expect(check(value, '--flag')).toEqual(expected);
  });
  it.each(invalid.map((v) => [v]))('refuses %j with a usage error naming where it came from', (value) => {
    const error = failure(() => check(value, 'SOME_SETTING'));
    expect(error.code).toBe(code);
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('SOME_SETTING');
    expect(error.hint).toBeTruthy();
  });
});

describe('checkRoleArn', () => {
  it.each([
    ['arn:aws:iam::123456789012:role/Admins', { partition: 'aws', accountId: '123456789012', path: '', roleName: 'Admins' }],
    ['arn:aws-cn:iam::123456789012:role/team/R', { partition: 'aws-cn', accountId: '123456789012', path: 'team/', roleName: 'R' }],
    ['arn:aws-us-gov:iam::123456789012:role/a/b/R', { partition: 'aws-us-gov', accountId: '123456789012', path: 'a/b/', roleName: 'R' }],
  ])('parses %s', (arn, expected) => {
    expect(checkRoleArn(arn, '--role')).toEqual(expected);
  });
  it.each(['arn:aws:iam::123456789012:user/u', 'arn:aws-eu:iam::123456789012:role/R', 'arn:aws:iam::1234:role/R', 'arn:aws:sts::123456789012:assumed-role/R/s'])(
    'refuses %s with BAD_ROLE_ARN',
    (arn) => {
      const error = failure(() => checkRoleArn(arn, '--role'));
      expect(error.code).toBe('BAD_ROLE_ARN');
      expect(error.message).toContain('--role');
    },
  );
});

describe('checkChainedDuration', () => {
  it.each([900, 3599, 3600])('accepts %d s', (seconds) => {
    expect(checkChainedDuration(seconds, '--duration')).toBe(seconds);
  });
  it.each([3601, 7200, 18000, 43200])('refuses %d s: 1h is the maximum for role chaining', (seconds) => {
    const error = failure(() => checkChainedDuration(seconds, '--duration'));
    expect(error.code).toBe('CHAINED_DURATION_TOO_LONG');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(`--duration is ${seconds} s`);
    expect(error.hint).toContain('1h is the maximum for role chaining');
  });
});

describe('external ids are not echoed', () => {
  it('leaves the refused value out of the message', () => {
    expect(failure(() => checkExternalId('secret value', '--external-id')).message).not.toContain('secret value');
  });
});
