import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configure } from '../src/commands/configure.js';
import { makeTempHome, type TempHome } from './helpers/cli.js';
import { fakeDeps } from './helpers/fake-deps.js';

let home: TempHome;
beforeEach(async () => {
  home = await makeTempHome();
});
afterEach(async () => home.cleanup());

describe('awsfed configure: second-factor settings', () => {
  it('stores --mfa-method, --mfa-timeout and --mfa-command as awsfed_mfa_* keys', async () => {
    await configure({ idpUrl: 'adfs.corp.example', mfaMethod: 'SecurIDAuthentication', mfaTimeout: '3m', mfaCommand: 'otp-tool corp' }, fakeDeps(home.home, home.env));
    const text = await home.read('config');
    expect(text).toContain('awsfed_mfa_method = SecurIDAuthentication');
    expect(text).toContain('awsfed_mfa_timeout = 3m');
    expect(text).toContain('awsfed_mfa_command = otp-tool corp');
  });

  it('refuses a bad --mfa-timeout before writing anything', async () => {
    await expect(configure({ idpUrl: 'adfs.corp.example', mfaTimeout: 'soon' }, fakeDeps(home.home, home.env))).rejects.toMatchObject({ code: 'MFA_TIMEOUT_INVALID' });
    await expect(home.read('config')).rejects.toThrow();
  });
});
