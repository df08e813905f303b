import { describe, expect, it } from 'vitest';
import { parseIni } from '../ini/document.js';
import type { AppError } from '../errors.js';
import { fakeDeps, memoryFiles } from '../../test/helpers/fake-deps.js';
import { checkRemovable, formatRemoveSummary, remove } from './remove.js';

const CONFIG = parseIni(`[profile saml]
awsfed_idp_url = https://adfs.example.com

[profile plain]
region = eu-west-1

[profile hub]
role_arn = arn:aws:iam::111111111111:role/Hub
source_profile = saml

[profile leaf]
role_arn = arn:aws:iam::222222222222:role/Leaf
source_profile = hub
`);

function failure(name: string, force = false): AppError {
  try {
    checkRemovable(CONFIG, name, force);
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected a refusal');
}

describe('checkRemovable', () => {
  it('allows a leaf destination', () => {
    expect(checkRemovable(CONFIG, 'leaf', false)).toEqual([]);
  });

  it.each([
    ['missing', 'CHAIN_NO_SUCH_PROFILE', 'no profile "missing"'],
    ['saml', 'CHAIN_NOT_A_DESTINATION', 'awsfed gateway'],
    ['plain', 'CHAIN_NOT_A_DESTINATION', 'no role_arn'],
    ['hub', 'REMOVE_HAS_DEPENDENTS', 'source_profile of "leaf"'],
  ])('refuses %s with %s', (name, code, message) => {
    const error = failure(name);
    expect(error.code).toBe(code);
    expect(error.message).toContain(message);
    expect(error.exitCode).toBe(2);
  });

  it('allows a destination others depend on with --force and reports them', () => {
    expect(checkRemovable(CONFIG, 'hub', true)).toEqual(['leaf']);
  });
});

describe('formatRemoveSummary', () => {
  it('reports the credentials and the orphans', () => {
    const text = formatRemoveSummary({ profile: 'hub', configFile: '/c', credentialsFile: '/k', removedCredentials: true, keptCredentials: false, orphaned: ['leaf'] });
    expect(text).toBe(
      'removed profile hub from /c\nremoved its cached credentials [hub] from /k\nwarning: leaf still names "hub" as source_profile and will fail until re-pointed',
    );
  });
});

describe('remove through Deps.files', () => {
  it('edits the config and the credentials only through the files port (no disk)', async () => {
    const files = memoryFiles({
      '/mem/config': CONFIG.toString(),
      '/mem/credentials': '[leaf]\naws_access_key_id = ASIALEAF000000000000\nx_security_token_expires = 2026-12-01T23:00:00Z\n\n[saml]\naws_access_key_id = ASIASAML000000000000\n',
    });
    const deps = { ...fakeDeps('/nonexistent-home', { AWS_CONFIG_FILE: '/mem/config', AWS_SHARED_CREDENTIALS_FILE: '/mem/credentials' }), files };
    const result = await remove({ name: 'leaf' }, deps);
    expect(result).toMatchObject({ profile: 'leaf', removedCredentials: true, keptCredentials: false, orphaned: [] });
    expect(files.updates).toEqual(['/mem/config', '/mem/credentials']);
    expect(files.texts.get('/mem/config')).not.toContain('[profile leaf]');
    expect(files.texts.get('/mem/config')).toContain('[profile hub]');
    expect(files.texts.get('/mem/credentials')).toBe('[saml]\naws_access_key_id = ASIASAML000000000000\n');
  });
});
