import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileError } from '../errors.js';
import { parseIni } from '../ini/document.js';
import { applyCredentials, formatExpiration, principalMismatch, readStoredCredentials, type StoredCredentials } from './credentials.js';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, '../../fixtures/ini', name), 'utf8');

const creds: StoredCredentials = {
  accessKeyId: 'ASIANEWEXAMPLE000001',
  secretAccessKey: 'newSecret/EXAMPLE+key0000000000000000000',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+token==',
  expiration: new Date('2026-11-27T21:20:13.456Z'),
  principalArn: 'arn:aws:iam::123456789012:saml-provider/ADFS',
};

describe('formatExpiration', () => {
  it('writes RFC 3339 UTC without milliseconds', () => {
    expect(formatExpiration(new Date('2026-11-27T21:20:13.456Z'))).toBe('2026-11-27T21:20:13Z');
  });
  it('refuses an invalid date', () => {
    expect(() => formatExpiration(new Date('nope'))).toThrow(FileError);
  });
});

describe('applyCredentials / readStoredCredentials', () => {
  it('round-trips through a new section in an empty file', () => {
    const doc = parseIni('');
    applyCredentials(doc, 'saml', creds);
    expect(doc.toString()).toBe(
      '[saml]\n' +
        `aws_access_key_id = ${creds.accessKeyId}\n` +
        `aws_secret_access_key = ${creds.secretAccessKey}\n` +
        `aws_session_token = ${creds.sessionToken}\n` +
        'x_security_token_expires = 2026-11-27T21:20:13Z\n' +
        `x_principal_arn = ${creds.principalArn}\n`,
    );
    const read = readStoredCredentials(parseIni(doc.toString()), 'saml');
    expect(read).toEqual({ ...creds, expiration: new Date('2026-11-27T21:20:13Z') });
  });

  it('updates an existing section in place, leaving other sections byte-identical', () => {
    const text = fixture('credentials-basic.ini');
    const doc = parseIni(text);
    applyCredentials(doc, 'saml', creds);
    const out = doc.toString();
    const start = text.indexOf('[saml]');
    const end = text.indexOf('# The next profile');
    expect(out.slice(0, start)).toBe(text.slice(0, start));
    expect(out.slice(out.indexOf('# The next profile'))).toBe(text.slice(end));
    expect(out).toContain(`aws_session_token=${creds.sessionToken}\n`);
    expect(out).toContain('x_security_token_expires=2026-11-27T21:20:13Z\n');
    expect(out).not.toContain('aws_security_token');
    expect(readStoredCredentials(doc, 'saml')?.accessKeyId).toBe(creds.accessKeyId);
  });

  it('keeps aws_security_token equal to the session token when the section has it', () => {
    const doc = parseIni(fixture('credentials-security-token.ini'));
    applyCredentials(doc, 'legacy', creds);
    expect(doc.get('legacy', 'aws_security_token')).toBe(creds.sessionToken);
    expect(doc.get('legacy', 'aws_session_token')).toBe(creds.sessionToken);
    expect(doc.toString().match(/aws_security_token/g)).toHaveLength(1);
    expect(readStoredCredentials(doc, 'legacy')?.sessionToken).toBe(creds.sessionToken);
  });

  it('removes a stale x_principal_arn when the new credentials have none', () => {
    const doc = parseIni(fixture('credentials-basic.ini'));
    const { principalArn: _unused, ...withoutPrincipal } = creds;
    applyCredentials(doc, 'saml', withoutPrincipal);
    expect(doc.get('saml', 'x_principal_arn')).toBeUndefined();
    expect(readStoredCredentials(doc, 'saml')).toEqual({ ...withoutPrincipal, expiration: new Date('2026-11-27T21:20:13Z') });
  });

  it('applying twice leaves one copy of every key', () => {
    const doc = parseIni('');
    applyCredentials(doc, 'p', creds);
    const once = doc.toString();
    applyCredentials(doc, 'p', creds);
    expect(doc.toString()).toBe(once);
  });

  it('reads the 40-profile fixture', () => {
    const doc = parseIni(fixture('credentials-many.ini'));
    const read = readStoredCredentials(doc, 'acct-39');
    expect(read?.accessKeyId).toBe('ASIA39EXAMPLEEXAMPLE');
    expect(read?.expiration.toISOString()).toBe('2025-06-12T12:00:00.000Z');
  });

  it('returns undefined for long-term keys, missing sections and unreadable expiry', () => {
    const doc = parseIni(fixture('credentials-basic.ini'));
    expect(readStoredCredentials(doc, 'default')).toBeUndefined();
    expect(readStoredCredentials(doc, 'nope')).toBeUndefined();
    const bad = parseIni('[p]\naws_access_key_id = A\naws_secret_access_key = S\naws_session_token = T\nx_security_token_expires = soon\n');
    expect(readStoredCredentials(bad, 'p')).toBeUndefined();
  });
});

describe('principalMismatch: are the cached keys the role_arn\'s?', () => {
  const ADMINS = 'arn:aws:iam::333333333333:role/Admins';
  it.each([
    ['the same account and role', ADMINS, 'arn:aws:sts::333333333333:assumed-role/Admins/alice@corp.example'],
    ['a role with a path (not in the assumed-role ARN)', 'arn:aws:iam::333333333333:role/team/sub/Admins', 'arn:aws:sts::333333333333:assumed-role/Admins/alice'],
    ['another partition, same on both sides', 'arn:aws-cn:iam::333333333333:role/Admins', 'arn:aws-cn:sts::333333333333:assumed-role/Admins/alice'],
    ['no principal recorded (another tool wrote the keys)', ADMINS, undefined],
    ['IAM spells the name in another case (role names are unique regardless of case)', ADMINS, 'arn:aws:sts::333333333333:assumed-role/ADMINS/alice'],
    ['an unreadable role_arn (the chain planner reports it)', 'not-an-arn', 'arn:aws:sts::111111111111:assumed-role/ADFS-ReadOnly/alice'],
  ])('matches: %s', (_what, roleArn, principalArn) => {
    expect(principalMismatch(principalArn === undefined ? {} : { principalArn }, roleArn)).toBeUndefined();
  });

  it.each([
    ['another role in another account', ADMINS, 'arn:aws:sts::111111111111:assumed-role/ADFS-ReadOnly/alice', 'keys are for 111111111111/ADFS-ReadOnly'],
    ['the same role name in another account', ADMINS, 'arn:aws:sts::444444444444:assumed-role/Admins/alice', 'keys are for 444444444444/Admins'],
    ['another role in the same account', ADMINS, 'arn:aws:sts::333333333333:assumed-role/ReadOnly/alice', 'keys are for 333333333333/ReadOnly'],
    ['the same account and name in another partition', ADMINS, 'arn:aws-us-gov:sts::333333333333:assumed-role/Admins/alice', 'keys are for aws-us-gov 333333333333/Admins'],
    ['an IAM user', ADMINS, 'arn:aws:iam::333333333333:user/bob', 'keys are for arn:aws:iam::333333333333:user/bob'],
    ['a SAML provider (an old awsfed wrote that)', ADMINS, 'arn:aws:iam::333333333333:saml-provider/ADFS', 'keys are for arn:aws:iam::333333333333:saml-provider/ADFS'],
  ])('stale: %s', (_what, roleArn, principalArn, reason) => {
    expect(principalMismatch({ principalArn }, roleArn)).toBe(reason);
  });
});
