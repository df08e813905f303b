import { describe, expect, it } from 'vitest';
import { DEFAULT_MFA_TIMEOUT_SECONDS, parseMfaTimeout, resolveSettings } from './settings.js';

const profile = { value: 'saml', source: 'default' as const };

describe('MFA settings', () => {
  it('--mfa-timeout > AWSFED_MFA_TIMEOUT > awsfed_mfa_timeout > 2 minutes', () => {
    const section = { awsfed_mfa_timeout: '5m', awsfed_mfa_method: 'SecurID', awsfed_mfa_command: 'otp-tool' };
    expect(resolveSettings({}, {}, profile, undefined).mfaTimeout).toEqual({ value: DEFAULT_MFA_TIMEOUT_SECONDS, source: 'default' });
    expect(resolveSettings({}, {}, profile, section).mfaTimeout).toEqual({ value: 300, source: 'profile' });
    expect(resolveSettings({}, { AWSFED_MFA_TIMEOUT: '90' }, profile, section).mfaTimeout).toEqual({ value: 90, source: 'env' });
    expect(resolveSettings({ mfaTimeout: '30s' }, { AWSFED_MFA_TIMEOUT: '90' }, profile, section).mfaTimeout).toEqual({ value: 30, source: 'flag' });
    const stored = resolveSettings({}, {}, profile, section);
    expect(stored.mfaMethod).toEqual({ value: 'SecurID', source: 'profile' });
    expect(stored.mfaCommand).toEqual({ value: 'otp-tool', source: 'profile' });
  });

  it('refuses a limit that is not 1 s to 1 h, naming where it came from', () => {
    expect(() => parseMfaTimeout('0')).toThrow(expect.objectContaining({ code: 'MFA_TIMEOUT_INVALID', message: expect.stringContaining('--mfa-timeout is "0"') }));
    expect(() => resolveSettings({}, {}, profile, { awsfed_mfa_timeout: 'soon' })).toThrow(expect.objectContaining({ code: 'MFA_TIMEOUT_INVALID', message: expect.stringContaining('awsfed_mfa_timeout in ~/.aws/config') }));
  });
});
