import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSectionName, expandHome, resolveAwsPaths } from './paths.js';

const home = '/home/ana';

describe('resolveAwsPaths', () => {
  it('defaults to ~/.aws/config and ~/.aws/credentials', () => {
    expect(resolveAwsPaths({}, home)).toEqual({
      configFile: join(home, '.aws', 'config'),
      credentialsFile: join(home, '.aws', 'credentials'),
      awsDir: join(home, '.aws'),
    });
  });

  it('honours AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, expanding a leading ~', () => {
    const paths = resolveAwsPaths({ AWS_CONFIG_FILE: '~/cfg/aws-config', AWS_SHARED_CREDENTIALS_FILE: '/etc/aws/creds' }, home);
    expect(paths.configFile).toBe(join(home, 'cfg', 'aws-config'));
    expect(paths.credentialsFile).toBe('/etc/aws/creds');
    expect(paths.awsDir).toBe(join(home, '.aws'));
  });

  it('ignores empty variables', () => {
    const paths = resolveAwsPaths({ AWS_CONFIG_FILE: '', AWS_SHARED_CREDENTIALS_FILE: '  ' }, home);
    expect(paths.configFile).toBe(join(home, '.aws', 'config'));
    expect(paths.credentialsFile).toBe(join(home, '.aws', 'credentials'));
  });
});

describe('expandHome', () => {
  it.each([
    ['~', home],
    ['~/x', join(home, 'x')],
    ['~\\x', join(home, 'x')],
    ['~bob/x', '~bob/x'],
    ['a/~/x', 'a/~/x'],
    ['relative/file', 'relative/file'],
  ])('%s -> %s', (input, expected) => {
    expect(expandHome(input, home)).toBe(expected);
  });
});

describe('configSectionName', () => {
  it.each([
    ['default', 'default'],
    ['saml', 'profile saml'],
    ['prod-admin', 'profile prod-admin'],
  ])('%s -> [%s]', (profile, section) => {
    expect(configSectionName(profile)).toBe(section);
  });
});
