import { describe, expect, it } from 'vitest';
import { parseIni } from '../ini/document.js';
import { adoptSessionName, roleSessionNameFrom } from './session-name.js';

const config = () =>
  parseIni(
    [
      '[profile saml]',
      'awsfed_idp_url = https://adfs.corp.example/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices',
      'awsfed_username = CORP\\alice',
      '',
      '[profile dev]',
      'role_arn = arn:aws:iam::222222222222:role/Dev',
      'source_profile = saml',
      'role_session_name = alice',
      '',
      '[profile prod]',
      'role_arn = arn:aws:iam::333333333333:role/Prod',
      'source_profile = dev',
      '',
      '[profile mine]',
      'role_arn = arn:aws:iam::444444444444:role/Mine',
      'source_profile = saml',
      'role_session_name = chosen-by-me',
      '',
      '[profile other]',
      'role_arn = arn:aws:iam::555555555555:role/Other',
      'source_profile = elsewhere',
      '',
      '[profile elsewhere]',
      'region = eu-west-1',
      '',
    ].join('\n'),
  );

describe('role_session_name for destinations', () => {
  it('is provisional (the bare user name) before the first sign-in, the SAML name after', () => {
    const doc = config();
    expect(roleSessionNameFrom(doc, 'saml')).toBe('alice');
    doc.set('profile saml', 'awsfed_role_session_name', 'alice@corp.example');
    expect(roleSessionNameFrom(doc, 'saml')).toBe('alice@corp.example');
  });

  it('a sign-in replaces provisional names under that gateway, and nothing else', () => {
    const doc = config();
    expect(adoptSessionName(doc, 'saml', 'alice@corp.example')).toEqual(['dev']);
    expect(doc.get('profile dev', 'role_session_name')).toBe('alice@corp.example');
    // Without a name (hand-written, perhaps) the profile is left as it is.
    expect(doc.get('profile prod', 'role_session_name')).toBeUndefined();
    expect(doc.get('profile mine', 'role_session_name')).toBe('chosen-by-me');
    expect(doc.get('profile other', 'role_session_name')).toBeUndefined();
    // Idempotent: a second sign-in changes nothing.
    expect(adoptSessionName(doc, 'saml', 'alice@corp.example')).toEqual([]);
  });

  it('ignores a name STS would refuse', () => {
    expect(adoptSessionName(config(), 'saml', 'alice with spaces')).toEqual([]);
  });
});
