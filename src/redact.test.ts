import { describe, expect, it } from 'vitest';
import { isSecretFieldName, withoutSecretVariables } from './redact.js';

describe('redact', () => {
  it('keeps awsfed\'s own secrets (password, MFA code) from child processes', () => {
    expect(withoutSecretVariables({ AWSFED_PASSWORD: 'p', AWSFED_MFA_CODE: '123456', AWSFED_PROFILE: 'x', PATH: '/bin' })).toEqual({ AWSFED_PROFILE: 'x', PATH: '/bin' });
  });

  it("treats Duo's session id, transaction, anti-forgery token and signed values as secret fields", () => {
    for (const name of ['sid', 'tx', '_xsrf', 'sig_response', 'sig_request', 'duo_code', 'passcode']) expect(isSecretFieldName(name), name).toBe(true);
    for (const name of ['side', 'inside', 'txt', 'factor', 'device', 'loginToRp']) expect(isSecretFieldName(name), name).toBe(false);
  });
});
