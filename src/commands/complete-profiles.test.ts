import { describe, expect, it } from 'vitest';
import { memoryFiles, unreachableFiles } from '../../test/helpers/fake-deps.js';
import { completeProfiles } from './complete-profiles.js';

const HOME = '/home/ana';
const CONFIG = '/tmp/cfg';
const CREDENTIALS = '/tmp/creds';
const env = { AWS_CONFIG_FILE: CONFIG, AWS_SHARED_CREDENTIALS_FILE: CREDENTIALS };

const CONFIG_TEXT = `[default]
region = us-east-1
[profile saml]
awsfed_idp_url = https://adfs.example.com
[profile prod]
role_arn = arn:aws:iam::222222222222:role/Admins
source_profile = saml
[ profile  my prod ]
role_arn = arn:aws:iam::333333333333:role/Admins
source_profile = saml
[sso-session corp]
sso_region = us-east-1
`;
const CREDENTIALS_TEXT = `[saml]
aws_access_key_id = ASIA
[static keys]
aws_access_key_id = AKIA
`;

describe('completeProfiles (awsfed __complete KIND)', () => {
  const files = () => memoryFiles({ [CONFIG]: CONFIG_TEXT, [CREDENTIALS]: CREDENTIALS_TEXT });

  it('lists the profiles of the config file, then those only in the credentials file', async () => {
    expect(await completeProfiles('profiles', { env, homeDir: HOME, files: files() })).toEqual(['default', 'saml', 'prod', 'my prod', 'static keys']);
  });

  it('narrows to gateways (sign in at the IdP) and destinations (role_arn)', async () => {
    expect(await completeProfiles('gateways', { env, homeDir: HOME, files: files() })).toEqual(['saml']);
    expect(await completeProfiles('destinations', { env, homeDir: HOME, files: files() })).toEqual(['prod', 'my prod']);
  });

  it('reads ~/.aws when the variables are not set', async () => {
    const home = memoryFiles({ [`${HOME}/.aws/config`]: '[profile home]\n' });
    expect(await completeProfiles('profiles', { env: {}, homeDir: HOME, files: home })).toEqual(['home']);
  });

  it('gives no names, without throwing, when the files cannot be read or parsed', async () => {
    expect(await completeProfiles('profiles', { env, homeDir: HOME, files: unreachableFiles() })).toEqual([]);
    const broken = memoryFiles({ [CONFIG]: 'key_before_any_section = 1\n', [CREDENTIALS]: CREDENTIALS_TEXT });
    expect(await completeProfiles('profiles', { env, homeDir: HOME, files: broken })).toEqual(['saml', 'static keys']);
    expect(await completeProfiles('gateways', { env, homeDir: HOME, files: broken })).toEqual([]);
  });

  it('gives nothing for a kind it does not know', async () => {
    expect(await completeProfiles('nosuch', { env, homeDir: HOME, files: files() })).toEqual([]);
  });
});
