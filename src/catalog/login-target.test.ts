import { describe, expect, it } from 'vitest';
import type { AppError } from '../errors.js';
import { parseIni } from '../ini/document.js';
import { checkLoginTarget } from './login-target.js';

const CONFIG = parseIni(`[profile saml]
awsfed_idp_url = https://adfs.example.com

[profile prod]
role_arn = arn:aws:iam::333333333333:role/Admins
source_profile = saml

[profile audit]
role_arn = arn:aws:iam::444444444444:role/Audit
source_profile = prod

[profile keys]
region = us-east-1

[profile viakeys]
role_arn = arn:aws:iam::555555555555:role/R
source_profile = keys

[profile broken]
role_arn = arn:aws:iam::555555555555:role/R
source_profile = gone

[profile box]
role_arn = arn:aws:iam::666666666666:role/Box
credential_source = Ec2InstanceMetadata
`);

function refusal(profile: string, command: 'login' | 'configure' = 'login'): AppError | undefined {
  try {
    checkLoginTarget(CONFIG, profile, command);
    return undefined;
  } catch (error) {
    return error as AppError;
  }
}

describe('checkLoginTarget', () => {
  it.each(['saml', 'keys', 'new-profile', 'default'])('lets login and configure write %s', (profile) => {
    expect(refusal(profile)).toBeUndefined();
    expect(refusal(profile, 'configure')).toBeUndefined();
    expect(() => checkLoginTarget(undefined, profile, 'login')).not.toThrow();
  });

  it.each([
    ['prod', 'from gateway saml', 'awsfed login --profile saml, then awsfed refresh prod'],
    ['audit', 'from gateway saml', 'awsfed login --profile saml, then awsfed refresh audit'],
    ['viakeys', 'from root profile keys', 'awsfed login --profile keys, then awsfed refresh viakeys'],
    ['broken', 'from root profile gone', 'awsfed refresh broken'],
    ['box', 'with credentials from elsewhere', 'gateway profile instead'],
  ])('refuses destination %s, naming where its keys come from', (profile, where, hint) => {
    for (const command of ['login', 'configure'] as const) {
      const error = refusal(profile, command);
      expect(error?.code).toBe('LOGIN_TARGET_IS_DESTINATION');
      expect(error?.exitCode).toBe(2);
      expect(error?.message).toContain(`profile "${profile}" is a destination`);
      expect(error?.message).toContain(where);
      expect(error?.hint).toContain(hint);
      expect(error?.hint).not.toContain(`configure --profile ${profile}`);
    }
  });
});
