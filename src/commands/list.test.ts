import { describe, expect, it } from 'vitest';
import { parseIni } from '../ini/document.js';
import { formatListJson, formatListTable, listEntries } from './list.js';

const NOW = new Date('2026-03-01T12:00:00Z');

const CONFIG = parseIni(`[default]
region = us-east-1

[profile saml]
awsfed_idp_url = https://adfs.example.com
region = eu-west-1

[profile prod]
role_arn = arn:aws:iam::222222222222:role/team/Admins
source_profile = saml
region = eu-west-2
awsfed_display_name = Prod
awsfed_color = red

[profile keys]
output = json

[profile viakeys]
role_arn = arn:aws:iam::333333333333:role/R
source_profile = keys

[profile loop]
role_arn = arn:aws:iam::444444444444:role/R
source_profile = loop
`);

const CREDENTIALS = parseIni(`[saml]
aws_access_key_id = ASIAGATEWAY
aws_secret_access_key = SECRETGATEWAY
aws_session_token = TOKENGATEWAY
x_security_token_expires = 2026-03-01T12:42:00Z
x_principal_arn = arn:aws:sts::111111111111:assumed-role/ADFS-Admins/ana@example.com

[prod]
aws_access_key_id = ASIAPROD
aws_secret_access_key = SECRETPROD
aws_session_token = TOKENPROD
x_security_token_expires = 2026-03-01T11:00:00Z

[keys]
aws_access_key_id = AKIASTATIC
aws_secret_access_key = SECRETSTATIC
`);

describe('listEntries', () => {
  it('lists destinations and the roots they use, in file order, with credential states', () => {
    const entries = listEntries(CONFIG, CREDENTIALS, NOW);
    expect(entries.map((e) => [e.profile, e.kind, e.credentials])).toEqual([
      ['saml', 'gateway', 'valid'],
      ['prod', 'destination', 'expired'],
      ['keys', 'root', 'static'],
      ['viakeys', 'destination', 'none'],
      ['loop', 'destination', 'none'],
    ]);
    expect(entries[0]).toMatchObject({ accountId: '111111111111', roleName: 'ADFS-Admins', secondsLeft: 2520, expiration: '2026-03-01T12:42:00Z' });
    expect(entries[1]).toMatchObject({ accountId: '222222222222', roleName: 'Admins', sourceProfile: 'saml', region: 'eu-west-2', displayName: 'Prod', color: 'red', secondsLeft: 0 });
    expect(entries[4]?.problem).toBe('profile chain loops: loop -> loop');
  });
});

describe('listEntries: keys of another role', () => {
  const withPrincipal = (principal: string, expires = '2026-03-01T12:30:00Z') =>
    parseIni(`[prod]
aws_access_key_id = ASIAPROD
aws_secret_access_key = SECRETPROD
aws_session_token = TOKENPROD
x_security_token_expires = ${expires}
x_principal_arn = ${principal}
`);
  const prod = (credentials: ReturnType<typeof parseIni>) => listEntries(CONFIG, credentials, NOW).find((e) => e.profile === 'prod')!;

  it('valid when x_principal_arn is the role_arn (its path is not in the assumed-role ARN)', () => {
    expect(prod(withPrincipal('arn:aws:sts::222222222222:assumed-role/Admins/ana'))).toMatchObject({ credentials: 'valid', staleReason: null });
  });

  it.each([
    ['arn:aws:sts::111111111111:assumed-role/ADFS-ReadOnly/ana', 'keys are for 111111111111/ADFS-ReadOnly'],
    ['arn:aws-cn:sts::222222222222:assumed-role/Admins/ana', 'keys are for aws-cn 222222222222/Admins'],
  ])('stale, with the reason, when it is %s', (principal, reason) => {
    const entry = prod(withPrincipal(principal));
    expect(entry).toMatchObject({ credentials: 'stale', staleReason: reason, secondsLeft: 1800 });
    const table = formatListTable({ configFile: '/c', credentialsFile: '/k', entries: [entry], now: NOW });
    expect(table).toMatch(new RegExp(`^prod .* stale: ${reason.replace(/[/.]/g, '\\$&')}$`, 'm'));
  });
});

describe('formatting', () => {
  const result = { configFile: '/c', credentialsFile: '/k', entries: listEntries(CONFIG, CREDENTIALS, NOW), now: NOW };

  it('prints a table with time left and the chain problems below it', () => {
    expect(formatListTable(result)).toBe(
      [
        'PROFILE  ACCOUNT       ROLE         SOURCE     REGION     CREDENTIALS',
        'saml     111111111111  ADFS-Admins  (gateway)  eu-west-1  valid, 42m left',
        'prod     222222222222  Admins       saml       eu-west-2  expired',
        'keys     -             -            (root)     -          static keys',
        'viakeys  333333333333  R            keys       -          none',
        'loop     444444444444  R            loop       -          none',
        '',
        '! loop: profile chain loops: loop -> loop',
      ].join('\n'),
    );
  });

  it('never prints keys, in the table or the JSON', () => {
    for (const text of [formatListTable(result), formatListJson(result)]) {
      for (const secret of ['ASIA', 'AKIA', 'SECRET', 'TOKEN']) expect(text).not.toContain(secret);
    }
    expect(JSON.parse(formatListJson(result))).toHaveLength(5);
  });

  it('says how to start when there is nothing to list', () => {
    expect(formatListTable({ ...result, entries: [] })).toContain('awsfed add prod');
  });
});
