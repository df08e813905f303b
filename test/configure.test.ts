import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configure } from '../src/commands/configure.js';
import { makeTempHome, type TempHome } from './helpers/cli.js';
import { fakeDeps, scriptedPrompter } from './helpers/fake-deps.js';

let home: TempHome;
beforeEach(async () => {
  home = await makeTempHome();
});
afterEach(async () => home.cleanup());

describe('awsfed configure', () => {
  it('the wizard stores its answers, expanding a host name, keeping other profiles byte-identical', async () => {
    const { writeFile } = await import('node:fs/promises');
    const other = '# my settings\n[profile prod]\nrole_arn = arn:aws:iam::222222222222:role/Admins\nsource_profile = saml\n';
    await writeFile(home.configFile, other);
    const prompter = scriptedPrompter([
      { expect: 'AD FS host', answer: 'adfs.corp.example' },
      { expect: 'User name', answer: 'alice@corp.example' },
      { expect: 'Preferred role', answer: '*ReadOnly' },
      { expect: 'Session duration', answer: '8h' },
      { expect: 'Region', answer: 'eu-west-1' },
      { expect: 'Output', answer: '' },
      { expect: 'CA bundle', answer: '' },
      { expect: 'Relying party', answer: '' },
      { expect: 'Password command', answer: '' },
    ]);
    const result = await configure({}, fakeDeps(home.home, home.env, prompter));
    expect(result.profile).toBe('saml');
    const text = await home.read('config');
    expect(text.startsWith(other)).toBe(true);
    expect(text.slice(other.length)).toBe(
      [
        '',
        '[profile saml]',
        'awsfed_idp_url = https://adfs.corp.example/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices',
        'awsfed_username = alice@corp.example',
        'awsfed_role = *ReadOnly',
        'awsfed_duration = 28800',
        'region = eu-west-1',
        'output = json',
        '',
      ].join('\n'),
    );
  });

  it('the wizard offers stored values as defaults and an empty answer removes an optional key', async () => {
    await configure({ idpUrl: 'adfs.corp.example', username: 'alice', role: '*Admin*' }, fakeDeps(home.home, home.env));
    const prompter = scriptedPrompter([
      { expect: 'AD FS host', answer: '' },
      { expect: 'User name', answer: '' },
      { expect: 'Preferred role', answer: ' ' },
      { expect: 'Session duration', answer: '' },
      { expect: 'Region', answer: '' },
      { expect: 'Output', answer: '' },
      { expect: 'CA bundle', answer: '' },
      { expect: 'Relying party', answer: '' },
      { expect: 'Password command', answer: '' },
    ]);
    await configure({}, fakeDeps(home.home, home.env, prompter));
    const text = await home.read('config');
    expect(text).toContain('awsfed_idp_url = https://adfs.corp.example/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices');
    expect(text).toContain('awsfed_username = alice');
    expect(text).not.toContain('awsfed_role');
  });

  it('the wizard rejects a bad URL or duration at the question, not at the end', async () => {
    const prompter = scriptedPrompter([{ expect: 'AD FS host', answer: 'ftp://adfs.corp.example' }]);
    await expect(configure({}, fakeDeps(home.home, home.env, prompter))).rejects.toThrow(/answer rejected by validation/);
    const bad = scriptedPrompter([
      { expect: 'AD FS host', answer: 'adfs.corp.example' },
      { expect: 'User name', answer: 'a' },
      { expect: 'Preferred role', answer: '' },
      { expect: 'Session duration', answer: '20h' },
    ]);
    await expect(configure({}, fakeDeps(home.home, home.env, bad))).rejects.toThrow(/900 to 43200/);
  });

  it('flags write without asking; without flags and without a terminal it fails with a hint', async () => {
    const result = await configure({ profile: 'corp', idpUrl: 'https://idp.corp.example/idp/profile/SAML2/Unsolicited/SSO?providerId=urn:amazon:webservices', output: 'yaml' }, fakeDeps(home.home, home.env));
    expect(result.written).toEqual({
      awsfed_idp_url: 'https://idp.corp.example/idp/profile/SAML2/Unsolicited/SSO?providerId=urn:amazon:webservices',
      output: 'yaml',
    });
    expect(await home.read('config')).toContain('[profile corp]');
    await expect(configure({}, fakeDeps(home.home, home.env))).rejects.toMatchObject({ code: 'PROMPT_UNAVAILABLE', hint: expect.stringContaining('--idp-url') });
    await expect(configure({ output: 'xml' }, fakeDeps(home.home, home.env))).rejects.toMatchObject({ code: 'BAD_OUTPUT', message: expect.stringContaining('--output is "xml"') });
    await expect(configure({ region: 'mars' }, fakeDeps(home.home, home.env))).rejects.toMatchObject({ code: 'BAD_REGION', message: expect.stringContaining('--region is "mars"') });
  });
});

describe('awsfed configure: which profile', () => {
  it('follows the same rule as login: an empty AWSFED_PROFILE is unset, AWS_PROFILE counts only for an awsfed profile', async () => {
    const home = await makeTempHome();
    try {
      await configure({ profile: 'corp', idpUrl: 'adfs.corp.example' }, fakeDeps(home.home, home.env));
      const viaAwsProfile = await configure({ username: 'bob' }, fakeDeps(home.home, { ...home.env, AWS_PROFILE: 'corp', AWSFED_PROFILE: '' }));
      expect(viaAwsProfile.profile).toBe('corp');
      const destination = await configure({ username: 'bob' }, fakeDeps(home.home, { ...home.env, AWS_PROFILE: 'prod' }));
      expect(destination.profile).toBe('saml');
      expect(await home.read('config')).not.toMatch(/^\[profile \]$/m);
    } finally {
      await home.cleanup();
    }
  });

  it('stores --timeout as awsfed_timeout (a flag only, never a wizard question) and refuses a bad one', async () => {
    await configure({ idpUrl: 'adfs.corp.example', timeout: '3m' }, fakeDeps(home.home, home.env));
    expect(await home.read('config')).toContain('awsfed_timeout = 3m\n');
    await expect(configure({ timeout: 'forever' }, fakeDeps(home.home, home.env))).rejects.toMatchObject({ code: 'TIMEOUT_INVALID' });
    expect(await home.read('config')).toContain('awsfed_timeout = 3m\n');
  });
});

