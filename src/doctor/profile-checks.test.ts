import { describe, expect, it } from 'vitest';
import { parseIni } from '../ini/document.js';
import { checkProfiles } from './profile-checks.js';

const run = (config: string, credentials = '') => checkProfiles(parseIni(config, 'C'), parseIni(credentials, 'K'), 'C', 'K');
const ids = (config: string, credentials = '') => run(config, credentials).map((f) => f.id);

const GATEWAY = '[profile saml]\nawsfed_idp_url = adfs.example.com\n';
const DEST = (name: string, extra = '') => `[profile ${name}]\nrole_arn = arn:aws:iam::222222222222:role/Dev\nsource_profile = saml\n${extra}`;

describe('checkProfiles', () => {
  it('finds nothing in a healthy gateway + destination pair with its own keys cached', () => {
    const creds = '[prod]\naws_access_key_id = ASIA1\naws_secret_access_key = s\naws_session_token = t\nx_principal_arn = arn:aws:sts::222222222222:assumed-role/Dev/alice\n';
    expect(ids(GATEWAY + DEST('prod', 'duration_seconds = 3600\n'), creds)).toEqual([]);
  });

  it('a source_profile that exists nowhere', () => {
    expect(ids('[profile a]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = ghost\n')).toEqual(['profile.source-missing']);
  });

  it('a source_profile only in the credentials file is fine (the AWS CLI reads it there)', () => {
    expect(ids('[profile a]\nrole_arn = arn:aws:iam::222222222222:role/R\nsource_profile = keys\n', '[keys]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n')).toEqual([]);
  });

  it('a loop is reported once, with its path', () => {
    const f = run('[profile a]\nsource_profile = b\n[profile b]\nsource_profile = c\n[profile c]\nsource_profile = a\n');
    expect(f.map((x) => x.id)).toEqual(['profile.source-loop']);
    expect(f[0]?.title).toContain('a -> b -> c -> a');
  });

  it('a profile naming itself is a loop unless it has keys (botocore then uses them)', () => {
    expect(ids('[profile a]\nsource_profile = a\n')).toEqual(['profile.source-loop']);
    expect(ids('[profile a]\nsource_profile = a\n', '[a]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n')).toEqual([]);
  });

  it('duration_seconds over 3600 when chained from a gateway or another role, not from long-term keys', () => {
    expect(ids(GATEWAY + DEST('prod', 'duration_seconds = 7200\n'))).toEqual(['profile.chained-duration']);
    expect(ids(GATEWAY + DEST('mid') + '[profile top]\nrole_arn = arn:aws:iam::3:role/X\nsource_profile = mid\nduration_seconds = 3601\n')).toEqual(['profile.chained-duration']);
    expect(ids('[profile a]\nrole_arn = arn:aws:iam::222222222222:role/R\nsource_profile = user\nduration_seconds = 43200\n', '[user]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n')).toEqual([]);
  });

  it('keys in [dest] that shadow its role_arn: long-term keys, or the gateway role\'s keys', () => {
    expect(ids(GATEWAY + DEST('prod'), '[prod]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n')).toEqual(['profile.keys-shadow-role']);
    const gatewayKeys = '[prod]\naws_access_key_id = ASIA1\naws_secret_access_key = s\naws_session_token = t\nx_principal_arn = arn:aws:sts::111111111111:assumed-role/ADFS-Admin/alice\n';
    const f = run(GATEWAY + DEST('prod'), gatewayKeys);
    expect(f.map((x) => x.id)).toEqual(['profile.keys-shadow-role']);
    expect(f[0]?.detail).toContain('111111111111/ADFS-Admin');
  });

  it('aws_security_token that differs from aws_session_token; equal ones are fine; no value is shown', () => {
    const f = run('', '[saml]\naws_session_token = NEWTOKENSECRET\naws_security_token = OLDTOKENSECRET\n[ok]\naws_session_token = T\naws_security_token = T\n');
    expect(f.map((x) => x.id)).toEqual(['credentials.security-token-differs']);
    expect(JSON.stringify(f)).not.toMatch(/TOKENSECRET/);
  });
});
