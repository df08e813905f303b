import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIni } from '../ini/document.js';
import type { AppError } from '../errors.js';
import type { AddOptions } from './plan-add.js';
import { planAdd } from './plan-add.js';

// One catalog for the planner and the summary tests: a gateway, a destination, a static profile, an
// instance-role profile and a gateway in aws-cn.
const BASE = readFileSync(new URL('../../fixtures/ini/catalog-config.ini', import.meta.url), 'utf8');

function failure(options: AddOptions, config = BASE): AppError {
  try {
    planAdd(parseIni(config), options);
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected planAdd to fail');
}

describe('planAdd', () => {
  it('builds a new destination with the gateway session name and the source region', () => {
    const plan = planAdd(parseIni(BASE), { name: 'dev', account: '444444444444', role: 'team/Dev' });
    expect(plan.action).toBe('added');
    expect(plan.chain).toEqual(['dev', 'saml']);
    expect(plan.notes).toEqual([]);
    expect(plan.destination).toEqual({
      name: 'dev',
      roleArn: 'arn:aws:iam::444444444444:role/team/Dev',
      accountId: '444444444444',
      roleName: 'Dev',
      partition: 'aws',
      sourceProfile: 'saml',
      region: 'eu-west-1',
      roleSessionName: 'ana@example.com',
    });
  });

  it('takes every option', () => {
    const plan = planAdd(parseIni(BASE), {
      name: 'gov',
      account: '555555555555',
      role: 'Admins',
      region: 'us-gov-west-1',
      source: 'prod',
      displayName: 'Gov admin',
      color: 'BLUE',
      externalId: 'ext-1',
      mfaSerial: 'arn:aws:iam::111111111111:mfa/ana',
      duration: '1h',
      partition: 'aws',
    });
    expect(plan.destination).toMatchObject({
      roleArn: 'arn:aws:iam::555555555555:role/Admins',
      sourceProfile: 'prod',
      region: 'us-gov-west-1',
      displayName: 'Gov admin',
      color: 'blue',
      externalId: 'ext-1',
      mfaSerial: 'arn:aws:iam::111111111111:mfa/ana',
      durationSeconds: 3600,
    });
    expect(plan.chain).toEqual(['gov', 'prod', 'saml']);
  });

  it('accepts a role ARN, and takes the partition from a cn-/us-gov- region', () => {
    expect(planAdd(parseIni(BASE), { name: 'a', role: 'arn:aws-us-gov:iam::666666666666:role/X' }).destination.partition).toBe('aws-us-gov');
    expect(planAdd(parseIni(BASE), { name: 'b', account: '666666666666', role: 'X', region: 'cn-north-1', source: 'cn-gw' }).destination.roleArn).toBe(
      'arn:aws-cn:iam::666666666666:role/X',
    );
  });

  it('updates by merging: options not given keep their value, empty ones clear it', () => {
    const plan = planAdd(parseIni(BASE), { name: 'prod', role: 'ReadOnly', color: '', displayName: 'Prod RO' });
    expect(plan.action).toBe('updated');
    expect(plan.destination).toEqual({
      name: 'prod',
      roleArn: 'arn:aws:iam::222222222222:role/ReadOnly',
      accountId: '222222222222',
      roleName: 'ReadOnly',
      partition: 'aws',
      sourceProfile: 'saml',
      region: 'eu-west-1',
      roleSessionName: 'ana@example.com',
      displayName: 'Prod RO',
    });
  });

  it('says unchanged when nothing changes', () => {
    expect(planAdd(parseIni(BASE), { name: 'prod', account: '222222222222' }).action).toBe('unchanged');
  });

  it('falls back to the user name without its domain for role_session_name, else notes its absence', () => {
    const noSession = BASE.replace('awsfed_role_session_name = ana@example.com\n', '');
    expect(planAdd(parseIni(noSession), { name: 'x', account: '444444444444', role: 'R' }).destination.roleSessionName).toBe('ana');
    const plan = planAdd(parseIni(BASE), { name: 'x', account: '444444444444', role: 'R', source: 'static' });
    expect(plan.destination.roleSessionName).toBeUndefined();
    expect(plan.destination.region).toBe('us-west-2');
    expect(plan.notes.join('\n')).toContain('no role_session_name');
    expect(plan.notes.join('\n')).toContain('"static", which is not an awsfed gateway');
  });

  it.each([
    ['from the gateway', 'saml'],
    ['through another destination', 'prod'],
  ])('refuses --duration over 1h for a chained hop (%s)', (_what, source) => {
    const error = failure({ name: 'x', account: '444444444444', role: 'R', duration: '5h', source });
    expect(error.code).toBe('CHAINED_DURATION_TOO_LONG');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('--duration is 18000 s');
    expect(error.hint).toContain('1h is the maximum for role chaining');
  });

  it('lets a destination of a plain root (keys from elsewhere, maybe an IAM user) ask for more than 1h, with a note', () => {
    const plan = planAdd(parseIni(BASE), { name: 'x', account: '444444444444', role: 'R', duration: '5h', source: 'static' });
    expect(plan.destination.durationSeconds).toBe(18000);
    expect(plan.notes.join('\n')).toContain('role chaining');
  });

  it('keeps an over-long duration_seconds written by hand on an unrelated update, and says how to fix it', () => {
    const config = BASE.replace('awsfed_color = red\n', 'awsfed_color = red\nduration_seconds = 7200\n');
    const plan = planAdd(parseIni(config), { name: 'prod', color: 'blue' });
    expect(plan.destination.durationSeconds).toBe(7200);
    expect(plan.notes.join('\n')).toContain('awsfed add prod --duration 1h');
    expect(failure({ name: 'prod', duration: '7200' }, config).code).toBe('CHAINED_DURATION_TOO_LONG');
    expect(planAdd(parseIni(config), { name: 'prod', duration: '1h' }).destination.durationSeconds).toBe(3600);
  });

  it('checks a region inherited from the source, unless --region replaces it', () => {
    const config = BASE.replace('region = us-west-2', 'region = mars');
    const error = failure({ name: 'x', account: '444444444444', role: 'R', source: 'static' }, config);
    expect(error.code).toBe('BAD_REGION');
    expect(error.message).toContain('region of [profile static] in ~/.aws/config is "mars"');
    expect(planAdd(parseIni(config), { name: 'x', account: '444444444444', role: 'R', source: 'static', region: 'us-west-2' }).destination.region).toBe('us-west-2');
  });

  it('names the config file the catalog was read from (AWS_CONFIG_FILE), not ~/.aws/config', () => {
    const path = '/home/ana/aws/work-config';
    const config = BASE.replace('region = us-west-2', 'region = mars');
    let error: AppError | undefined;
    try {
      planAdd(parseIni(config, path), { name: 'x', account: '444444444444', role: 'R', source: 'static' });
    } catch (e) {
      error = e as AppError;
    }
    expect(error?.code).toBe('BAD_REGION');
    expect(error?.message).toContain(`region of [profile static] in ${path} is "mars"`);
    expect(error?.message).not.toContain('~/.aws/config');
  });

  it.each([
    [{ name: 'x', account: '12345', role: 'R' }, 'BAD_ACCOUNT_ID', '--account is "12345"'],
    [{ name: 'x', account: '123456789012', role: 'bad role' }, 'BAD_ROLE_NAME', '--role is "bad role"'],
    [{ name: 'x', account: '123456789012', role: 'a'.repeat(65) }, 'BAD_ROLE_NAME', 'is not an IAM role name'],
    [{ name: 'x', account: '123456789012', role: 'arn:aws:iam::123456789012:user/u' }, 'BAD_ROLE_ARN', 'not an IAM role ARN'],
    [{ name: 'x', account: '111111111111', role: 'arn:aws:iam::123456789012:role/R' }, 'ADD_ACCOUNT_MISMATCH', 'does not match'],
    [{ name: 'x', role: 'R' }, 'ADD_MISSING_OPTION', 'needs --account'],
    [{ name: 'x' }, 'ADD_MISSING_OPTION', 'needs --account and --role'],
    [{ name: 'x', account: '123456789012', role: 'R', color: 'purple' }, 'BAD_COLOR', 'red, orange, yellow, green, blue'],
    [{ name: 'x', account: '123456789012', role: 'R', duration: '600' }, 'DURATION_OUT_OF_RANGE', '900 to 43200'],
    [{ name: 'x', account: '123456789012', role: 'R', duration: '50000' }, 'DURATION_OUT_OF_RANGE', '900 to 43200'],
    [{ name: 'x', account: '123456789012', role: 'R', region: 'Europe' }, 'BAD_REGION', '--region is "Europe"'],
    [{ name: 'x', account: '123456789012', role: 'R', partition: 'aws-eu' }, 'BAD_PARTITION', '--partition is "aws-eu"'],
    [{ name: 'x', account: '123456789012', role: 'R', mfaSerial: 'x y' }, 'BAD_MFA_SERIAL', 'MFA device'],
    [{ name: 'bad name', account: '123456789012', role: 'R' }, 'BAD_PROFILE_NAME', 'profile name "bad name"'],
    [{ name: 'x', account: '123456789012', role: 'R', source: 'gone' }, 'CHAIN_MISSING_SOURCE', 'x -> gone (no such profile)'],
    [{ name: 'x', account: '123456789012', role: 'R', source: 'x' }, 'CHAIN_CYCLE', 'x -> x'],
    [{ name: 'saml', account: '123456789012', role: 'R' }, 'ADD_WOULD_OVERWRITE_GATEWAY', 'is an awsfed gateway'],
    [{ name: 'static', account: '123456789012', role: 'R' }, 'ADD_WOULD_OVERWRITE_PROFILE', 'not a destination'],
    [{ name: 'ec2', account: '123456789012', role: 'R' }, 'ADD_WOULD_OVERWRITE_PROFILE', 'not a destination'],
    [{ name: 'x', account: '123456789012', role: 'R', source: 'ec2' }, 'CHAIN_UNSUPPORTED_SOURCE', 'x -> ec2'],
    [{ name: 'x', account: '123456789012', role: 'R', partition: 'aws-cn', source: 'prod' }, 'ADD_PARTITION_MISMATCH', 'across partitions'],
  ] as Array<[AddOptions, string, string]>)('refuses %j with %s', (options, code, message) => {
    const error = failure(options);
    expect(error.code).toBe(code);
    expect(error.message).toContain(message);
    expect(error.exitCode).toBe(2);
    expect(error.hint).toBeTruthy();
  });

  it('refuses an update that would close a cycle, naming the whole path', () => {
    const config = BASE + '\n[profile audit]\nrole_arn = arn:aws:iam::333333333333:role/A\nsource_profile = prod\n';
    const error = failure({ name: 'prod', source: 'audit' }, config);
    expect(error.code).toBe('CHAIN_CYCLE');
    expect(error.message).toBe('profile chain loops: prod -> audit -> prod');
  });

  it('does not change the document it checks', () => {
    const config = parseIni(BASE);
    planAdd(config, { name: 'dev', account: '444444444444', role: 'Dev' });
    expect(config.toString()).toBe(BASE);
  });
});

