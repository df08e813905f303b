import { describe, expect, it } from 'vitest';
import { parseDuration, parsePasswordCommandTimeout, parseTimeout, resolveProfileName, resolveSettings } from './settings.js';
import { UsageError } from '../errors.js';

const profile = { value: 'saml', source: 'default' as const };

describe('resolveSettings precedence: flag > env > profile > default', () => {
  const section = { awsfed_idp_url: 'https://profile.example/adfs', awsfed_username: 'profile-user', region: 'eu-west-1', awsfed_duration: '7200' };

  it('takes the flag over env and profile', () => {
    const s = resolveSettings({ username: 'flag-user', region: 'ap-south-1' }, { AWSFED_USERNAME: 'env-user', AWS_REGION: 'us-west-2' }, profile, section);
    expect(s.username).toEqual({ value: 'flag-user', source: 'flag' });
    expect(s.region).toEqual({ value: 'ap-south-1', source: 'flag' });
  });

  it('takes the environment over the profile', () => {
    const s = resolveSettings({}, { AWSFED_USERNAME: 'env-user', AWS_DEFAULT_REGION: 'us-west-2' }, profile, section);
    expect(s.username).toEqual({ value: 'env-user', source: 'env' });
    expect(s.region).toEqual({ value: 'us-west-2', source: 'env' });
  });

  it('prefers AWS_REGION over AWS_DEFAULT_REGION, AWSFED_CA_BUNDLE over AWS_CA_BUNDLE', () => {
    const s = resolveSettings({}, { AWS_REGION: 'a-1', AWS_DEFAULT_REGION: 'b-1', AWS_CA_BUNDLE: '/aws.pem', AWSFED_CA_BUNDLE: '/awsfed.pem' }, profile, section);
    expect(s.region.value).toBe('a-1');
    expect(s.caBundle).toEqual({ value: '/awsfed.pem', source: 'env' });
  });

  it('falls back to the profile, then to defaults', () => {
    const s = resolveSettings({}, {}, profile, section);
    expect(s.idpUrl).toEqual({ value: 'https://profile.example/adfs', source: 'profile' });
    expect(s.duration).toEqual({ value: 7200, source: 'profile' });
    const d = resolveSettings({}, {}, profile, undefined);
    expect(d.region).toEqual({ value: 'us-east-1', source: 'default' });
    expect(d.output).toEqual({ value: 'json', source: 'default' });
    expect(d.idpUrl.value).toBeUndefined();
    expect(d.duration.value).toBeUndefined();
  });

  it('treats empty strings as unset', () => {
    const s = resolveSettings({ username: '' }, { AWSFED_USERNAME: '  ' }, profile, section);
    expect(s.username).toEqual({ value: 'profile-user', source: 'profile' });
  });

  it('honours AWS_ENDPOINT_URL_STS before AWS_ENDPOINT_URL', () => {
    expect(resolveSettings({}, { AWS_ENDPOINT_URL: 'http://a', AWS_ENDPOINT_URL_STS: 'http://b' }, profile, {}).stsEndpoint.value).toBe('http://b');
    expect(resolveSettings({}, { AWS_ENDPOINT_URL: 'http://a' }, profile, {}).stsEndpoint.value).toBe('http://a');
  });

  it('names the source of a bad duration', () => {
    expect(() => resolveSettings({}, {}, profile, { awsfed_duration: 'soon' })).toThrow(/awsfed_duration in ~\/.aws\/config/);
    // The config file the user pointed AWS_CONFIG_FILE at, not the default one.
    expect(() => resolveSettings({}, { AWS_CONFIG_FILE: '/etc/aws/cfg' }, profile, { awsfed_duration: 'soon' })).toThrow(/awsfed_duration in \/etc\/aws\/cfg is/);
  });

  it('password command timeout: 60 s by default, flag > env > profile, seconds or minutes', () => {
    expect(resolveSettings({}, {}, profile, {}).passwordCommandTimeout).toEqual({ value: 60, source: 'default' });
    expect(resolveSettings({}, {}, profile, { awsfed_password_command_timeout: '2m' }).passwordCommandTimeout).toEqual({ value: 120, source: 'profile' });
    expect(resolveSettings({}, { AWSFED_PASSWORD_COMMAND_TIMEOUT: '15' }, profile, { awsfed_password_command_timeout: '2m' }).passwordCommandTimeout).toEqual({ value: 15, source: 'env' });
    expect(resolveSettings({ passwordCommandTimeout: '90s' }, { AWSFED_PASSWORD_COMMAND_TIMEOUT: '15' }, profile, {}).passwordCommandTimeout).toEqual({ value: 90, source: 'flag' });
  });

  it('refuses a bad password command timeout, naming where it was set', () => {
    for (const bad of ['0', 'soon', '3601', '-1', '1.5']) {
      expect(() => parsePasswordCommandTimeout(bad)).toThrow(UsageError);
    }
    expect(() => resolveSettings({}, { AWSFED_PASSWORD_COMMAND_TIMEOUT: 'x' }, profile, {})).toThrow(/^AWSFED_PASSWORD_COMMAND_TIMEOUT is "x"/);
    expect(() => resolveSettings({}, { AWS_CONFIG_FILE: '/c' }, profile, { awsfed_password_command_timeout: '0' })).toThrow(/^awsfed_password_command_timeout in \/c is "0"/);
    expect(() => resolveSettings({ passwordCommandTimeout: 'x' }, {}, profile, {})).toThrow(expect.objectContaining({ code: 'PASSWORD_COMMAND_TIMEOUT_INVALID', exitCode: 2 }));
  });
});

describe('resolveProfileName', () => {
  const isAwsfed = (name: string) => name === 'corp';
  it('uses --profile, then AWSFED_PROFILE, then an awsfed AWS_PROFILE, then saml', () => {
    expect(resolveProfileName('x', { AWSFED_PROFILE: 'y' }, isAwsfed).value).toBe('x');
    expect(resolveProfileName(undefined, { AWSFED_PROFILE: 'y', AWS_PROFILE: 'corp' }, isAwsfed).value).toBe('y');
    expect(resolveProfileName(undefined, { AWS_PROFILE: 'corp' }, isAwsfed)).toEqual({ value: 'corp', source: 'env' });
    // AWS_PROFILE naming a destination profile (not an awsfed one) is not where gateway keys go.
    expect(resolveProfileName(undefined, { AWS_PROFILE: 'prod' }, isAwsfed)).toEqual({ value: 'saml', source: 'default' });
  });
});

describe('parseDuration', () => {
  it.each([
    ['3600', 3600],
    ['1h', 3600],
    ['90m', 5400],
    ['12h', 43200],
    ['900s', 900],
  ])('%s -> %d', (text, seconds) => expect(parseDuration(text)).toBe(seconds));

  it.each(['0', '899', '13h', 'abc', '1.5h', ''])('rejects %s', (text) => {
    expect(() => parseDuration(text)).toThrow(UsageError);
  });
});

describe('timeout (--timeout / AWSFED_TIMEOUT / awsfed_timeout)', () => {
  it.each([
    ['90', 90],
    ['90s', 90],
    ['2m', 120],
    ['1h', 3600],
    [' 5 M ', 300],
  ])('%s -> %d s', (text, seconds) => expect(parseTimeout(text)).toBe(seconds));

  it.each(['0', '3601', '2h', 'soon', '1.5m', '-5', ''])('rejects %s with TIMEOUT_INVALID', (text) => {
    expect(() => parseTimeout(text)).toThrow(expect.objectContaining({ code: 'TIMEOUT_INVALID', exitCode: 2 }));
  });

  it('resolves flag > env > profile > 2m default, and names the source of a bad value', () => {
    expect(resolveSettings({ timeout: '10s' }, { AWSFED_TIMEOUT: '20' }, profile, { awsfed_timeout: '30' }).timeout).toEqual({ value: 10, source: 'flag' });
    expect(resolveSettings({}, { AWSFED_TIMEOUT: '20' }, profile, { awsfed_timeout: '30' }).timeout).toEqual({ value: 20, source: 'env' });
    expect(resolveSettings({}, {}, profile, { awsfed_timeout: '3m' }).timeout).toEqual({ value: 180, source: 'profile' });
    expect(resolveSettings({}, {}, profile, undefined).timeout).toEqual({ value: 120, source: 'default' });
    expect(() => resolveSettings({}, { AWSFED_TIMEOUT: 'later' }, profile, undefined)).toThrow(/AWSFED_TIMEOUT/);
  });
});
