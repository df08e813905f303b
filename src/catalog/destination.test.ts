import { describe, expect, it } from 'vitest';
import { parseIni } from '../ini/document.js';
import { CONSOLE_COLORS, isConsoleColor } from './colors.js';
import type { Destination } from './destination.js';
import {
  buildRoleArn,
  dependentsOf,
  isGatewayProfile,
  listProfiles,
  parseRoleArn,
  profileNameFromSection,
  readDestination,
  readDestinations,
  removeDestination,
  writeDestination,
} from './destination.js';

const CONFIG = `# my config
[default]
region = eu-west-1

[profile saml]
awsfed_idp_url = https://adfs.example.com/adfs/ls/IdpInitiatedSignOn.aspx
awsfed_role_session_name = ana@example.com

[sso-session corp]
sso_start_url = https://x.awsapps.com/start

[profile prod]
role_arn = arn:aws:iam::222222222222:role/team/Admins
source_profile = saml
region = us-east-2
role_session_name = ana@example.com
duration_seconds = 3600
external_id = ext-1
mfa_serial = arn:aws:iam::111111111111:mfa/ana
awsfed_display_name = Prod admin
awsfed_color = Red
output = json ; keep me

[profile lonely]
role_arn = arn:aws:iam::222222222222:role/X

[profile cn]
role_arn = arn:aws-cn:iam::333333333333:role/ReadOnly
source_profile = prod
awsfed_color = purple
duration_seconds = 1h
`;

describe('role ARNs', () => {
  it.each([
    ['arn:aws:iam::123456789012:role/Admins', { partition: 'aws', accountId: '123456789012', path: '', roleName: 'Admins' }],
    ['arn:aws-us-gov:iam::123456789012:role/a/b/R+=,.@-', { partition: 'aws-us-gov', accountId: '123456789012', path: 'a/b/', roleName: 'R+=,.@-' }],
    ['arn:aws-cn:iam::123456789012:role/x', { partition: 'aws-cn', accountId: '123456789012', path: '', roleName: 'x' }],
  ])('parses %s', (arn, expected) => {
    expect(parseRoleArn(arn)).toEqual(expected);
  });

  it.each(['arn:aws:iam::12345:role/X', 'arn:aws:iam::123456789012:user/X', 'arn:aws-xx:iam::123456789012:role/X', 'arn:aws:iam::123456789012:role/'])(
    'refuses %s',
    (arn) => {
      expect(parseRoleArn(arn)).toBeUndefined();
    },
  );

  it('builds an ARN from a role name with or without a path', () => {
    expect(buildRoleArn('aws', '123456789012', 'Admins')).toBe('arn:aws:iam::123456789012:role/Admins');
    expect(buildRoleArn('aws-cn', '123456789012', 'team/Admins')).toBe('arn:aws-cn:iam::123456789012:role/team/Admins');
  });
});

describe('profiles', () => {
  it('maps config sections to profile names', () => {
    expect(profileNameFromSection('default')).toBe('default');
    expect(profileNameFromSection('profile prod')).toBe('prod');
    expect(profileNameFromSection('sso-session corp')).toBeUndefined();
    expect(profileNameFromSection('prod')).toBeUndefined();
  });

  it('lists profiles in file order, skipping non-profile sections', () => {
    expect(listProfiles(parseIni(CONFIG))).toEqual(['default', 'saml', 'prod', 'lonely', 'cn']);
  });

  it('knows a gateway by awsfed_idp_url', () => {
    const config = parseIni(CONFIG);
    expect(isGatewayProfile(config, 'saml')).toBe(true);
    expect(isGatewayProfile(config, 'prod')).toBe(false);
    expect(isGatewayProfile(config, 'missing')).toBe(false);
  });

  it('finds the profiles that use one as their source', () => {
    const config = parseIni(CONFIG);
    expect(dependentsOf(config, 'saml')).toEqual(['prod']);
    expect(dependentsOf(config, 'prod')).toEqual(['cn']);
    expect(dependentsOf(config, 'cn')).toEqual([]);
  });
});

describe('readDestinations', () => {
  it('reads every key, in file order, skipping profiles without source_profile', () => {
    const all = readDestinations(parseIni(CONFIG));
    expect(all.map((d) => d.name)).toEqual(['prod', 'cn']);
    expect(all[0]).toEqual({
      name: 'prod',
      roleArn: 'arn:aws:iam::222222222222:role/team/Admins',
      accountId: '222222222222',
      roleName: 'Admins',
      partition: 'aws',
      sourceProfile: 'saml',
      region: 'us-east-2',
      roleSessionName: 'ana@example.com',
      durationSeconds: 3600,
      externalId: 'ext-1',
      mfaSerial: 'arn:aws:iam::111111111111:mfa/ana',
      displayName: 'Prod admin',
      color: 'red',
    });
  });

  it('drops an unknown colour and a duration that is not a number of seconds', () => {
    expect(readDestination(parseIni(CONFIG), 'cn')).toEqual({
      name: 'cn',
      roleArn: 'arn:aws-cn:iam::333333333333:role/ReadOnly',
      accountId: '333333333333',
      roleName: 'ReadOnly',
      partition: 'aws-cn',
      sourceProfile: 'prod',
    });
  });

  it('returns undefined for gateways, unknown profiles and role ARNs that do not parse', () => {
    const config = parseIni(CONFIG + '\n[profile bad]\nrole_arn = nope\nsource_profile = saml\n');
    expect(readDestination(config, 'saml')).toBeUndefined();
    expect(readDestination(config, 'nope')).toBeUndefined();
    expect(readDestination(config, 'bad')).toBeUndefined();
  });
});

const NEW: Destination = {
  name: 'dev',
  roleArn: 'arn:aws:iam::444444444444:role/Dev',
  accountId: '444444444444',
  roleName: 'Dev',
  partition: 'aws',
  sourceProfile: 'saml',
  region: 'eu-central-1',
  roleSessionName: 'ana@example.com',
  durationSeconds: 1800,
  externalId: 'x-9',
  mfaSerial: 'arn:aws:iam::111111111111:mfa/ana',
  displayName: 'Dev',
  color: 'green',
};

describe('writeDestination', () => {
  it('appends a new section with the keys in the documented order, leaving the rest byte-identical', () => {
    const config = parseIni(CONFIG);
    writeDestination(config, NEW);
    expect(config.toString()).toBe(
      CONFIG +
        `
[profile dev]
role_arn = arn:aws:iam::444444444444:role/Dev
source_profile = saml
role_session_name = ana@example.com
region = eu-central-1
duration_seconds = 1800
external_id = x-9
mfa_serial = arn:aws:iam::111111111111:mfa/ana
awsfed_display_name = Dev
awsfed_color = green
`,
    );
    expect(readDestination(config, 'dev')).toEqual(NEW);
  });

  it('writes only the keys that have values', () => {
    const config = parseIni('');
    writeDestination(config, { name: 'default', roleArn: 'arn:aws:iam::444444444444:role/Dev', accountId: '444444444444', roleName: 'Dev', partition: 'aws', sourceProfile: 'saml' });
    expect(config.toString()).toBe('[default]\nrole_arn = arn:aws:iam::444444444444:role/Dev\nsource_profile = saml\n');
  });

  it('updates in place, deletes optional keys now undefined, keeps foreign keys and never duplicates', () => {
    const config = parseIni(CONFIG);
    const prod = readDestination(config, 'prod');
    expect(prod).toBeDefined();
    const updated: Destination = { ...prod!, roleArn: 'arn:aws:iam::222222222222:role/ReadOnly', roleName: 'ReadOnly', color: 'blue' };
    delete updated.externalId;
    delete updated.mfaSerial;
    delete updated.displayName;
    writeDestination(config, updated);
    const before = CONFIG.split('[profile prod]');
    const after = config.toString().split('[profile prod]');
    expect(after[0]).toBe(before[0]);
    expect(config.toString()).toContain(`[profile prod]
role_arn = arn:aws:iam::222222222222:role/ReadOnly
source_profile = saml
region = us-east-2
role_session_name = ana@example.com
duration_seconds = 3600
awsfed_color = blue
output = json ; keep me
`);
    expect(config.toString().match(/role_arn/g)?.length).toBe(3);
    expect(readDestination(config, 'prod')).toEqual(updated);
  });
});

describe('removeDestination', () => {
  it('removes a destination section and nothing else', () => {
    const config = parseIni(CONFIG);
    writeDestination(config, NEW);
    expect(removeDestination(config, 'dev')).toBe(true);
    expect(config.toString()).toBe(CONFIG);
  });

  it('refuses gateways, broken destinations and unknown profiles', () => {
    const config = parseIni(CONFIG);
    expect(removeDestination(config, 'saml')).toBe(false);
    expect(removeDestination(config, 'lonely')).toBe(false);
    expect(removeDestination(config, 'nope')).toBe(false);
    expect(config.toString()).toBe(CONFIG);
  });
});

describe('colours', () => {
  it('has the five console colours', () => {
    expect(CONSOLE_COLORS).toEqual({ red: 'F2B0A9', orange: 'FBBF93', yellow: 'FAD791', green: 'B7CA9D', blue: '99BCE3' });
    expect(isConsoleColor('blue')).toBe(true);
    expect(isConsoleColor('toString')).toBe(false);
  });
});

describe('isGatewayProfile after a login with --idp-url only', () => {
  it('recognises the awsfed_role_session_name that login leaves', () => {
    const config = parseIni('[profile saml]\nregion = us-east-1\nawsfed_role_session_name = alice@corp.example\n\n[profile plain]\nregion = us-east-1\n');
    expect(isGatewayProfile(config, 'saml')).toBe(true);
    expect(isGatewayProfile(config, 'plain')).toBe(false);
  });
});
