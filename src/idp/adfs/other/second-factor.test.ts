import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OTHER_IDP_SAMPLE_PAGES } from '../../../emulator/other-idp-samples.js';
import { OtherIdpText } from '../../../emulator/other-idp-pages.js';
import { classify, type Page } from '../classify.js';

const DIRS = ['keycloak', 'pingfed', 'f5', 'simplesamlphp', 'shibboleth', 'generic'];
const fixture = (dir: string, name: string): string => readFileSync(new URL(`../../../../fixtures/${dir}/${name}`, import.meta.url), 'utf8');
const urlOf = (dir: string, name: string): string => OTHER_IDP_SAMPLE_PAGES.find((s) => s.dir === dir && s.fixture === name)!.url;

interface Row {
  dir: string;
  file: string;
  expect: (page: Page) => void;
}

const code = (adapter: string, codeField: string, more: Record<string, unknown> = {}) => (p: Page) =>
  expect(p).toMatchObject({ kind: 'mfa', adapter, codeField, step: { kind: 'code', codeField, purpose: 'code' }, ...more });
const loginForm = (userNameField: string, passwordField: string) => (p: Page) =>
  expect(p).toMatchObject({ kind: 'login-form', form: { userNameField, passwordField, method: 'POST' } });
const refused = (message: string, reason = 'bad-credentials') => (p: Page) => expect(p).toEqual({ kind: 'error', reason, message });

const rows: Row[] = [
  { dir: 'keycloak', file: 'login.html', expect: loginForm('username', 'password') },
  { dir: 'keycloak', file: 'login-error.html', expect: refused(OtherIdpText.keycloakBadCredentials) },
  { dir: 'keycloak', file: 'otp.html', expect: code('Keycloak', 'otp', { instructions: 'One-time code' }) },
  { dir: 'keycloak', file: 'totp.html', expect: code('Keycloak', 'totp') },
  {
    dir: 'keycloak',
    file: 'otp-devices.html',
    expect: (p) => {
      code('Keycloak', 'otp')(p);
      expect(p.kind === 'mfa' && p.step.kind === 'code' && p.step.choice).toEqual({
        field: 'selectedCredentialId',
        options: [
          { value: '5b7c1d2e-phone', label: 'Work phone' },
          { value: '9a8b7c6d-tablet', label: 'Tablet' },
        ],
      });
    },
  },
  { dir: 'keycloak', file: 'otp-error.html', expect: code('Keycloak', 'otp', { errorText: OtherIdpText.keycloakBadOtp }) },
  {
    dir: 'keycloak',
    file: 'webauthn.html',
    expect: (p) => expect(p).toMatchObject({ kind: 'mfa', adapter: 'Keycloak', step: { kind: 'security-key', method: 'Keycloak WebAuthn security key / passkey', alternative: expect.stringContaining('Try another way') } }),
  },
  { dir: 'pingfed', file: 'login.html', expect: loginForm('pf.username', 'pf.pass') },
  { dir: 'pingfed', file: 'login-error.html', expect: refused(OtherIdpText.pingBadCredentials) },
  { dir: 'pingfed', file: 'pingid-otp.html', expect: code('PingID', 'otp') },
  { dir: 'pingfed', file: 'pingid-otp-error.html', expect: code('PingID', 'otp', { errorText: OtherIdpText.pingBadOtp }) },
  { dir: 'pingfed', file: 'pingid-swipe.html', expect: (p) => expect(p).toMatchObject({ kind: 'mfa', adapter: 'PingID', step: { kind: 'ping-push', statusUrl: 'https://authenticator.pingone.com/pingid/ppm/auth/status' } }) },
  { dir: 'pingfed', file: 'pingid-number-matching.html', expect: (p) => expect(p).toMatchObject({ kind: 'mfa', adapter: 'PingID', step: { kind: 'ping-push', numberToMatch: '47' } }) },
  { dir: 'f5', file: 'login.html', expect: loginForm('username', 'password') },
  { dir: 'f5', file: 'login-error.html', expect: refused(OtherIdpText.f5BadCredentials) },
  {
    dir: 'f5',
    file: 'mfa.html',
    expect: (p) => {
      code('F5 BIG-IP APM', 'mfatoken', { instructions: 'Passcode' })(p);
      expect(p.kind === 'mfa' && p.step.kind === 'code' && p.step.choice).toMatchObject({ field: 'mfamethod', options: [{ value: 'totp' }, { value: 'sms' }] });
    },
  },
  { dir: 'f5', file: 'mfa-error.html', expect: code('F5 BIG-IP APM', 'mfatoken', { errorText: OtherIdpText.f5BadOtp }) },
  { dir: 'simplesamlphp', file: 'login.html', expect: loginForm('username', 'password') },
  { dir: 'simplesamlphp', file: 'login-error.html', expect: refused(`${OtherIdpText.simpleSamlBadCredentialsTitle} ${OtherIdpText.simpleSamlBadCredentials}`) },
  { dir: 'simplesamlphp', file: 'error.html', expect: refused(`${OtherIdpText.simpleSamlErrorTitle} ${OtherIdpText.simpleSamlError}`, 'other') },
  { dir: 'shibboleth', file: 'login.html', expect: loginForm('j_username', 'j_password') },
  { dir: 'shibboleth', file: 'login-error.html', expect: refused(OtherIdpText.shibbolethBadCredentials) },
  { dir: 'generic', file: 'login.html', expect: loginForm('user', 'pass') },
  { dir: 'generic', file: 'login-error.html', expect: refused(OtherIdpText.genericBadCredentials) },
  { dir: 'generic', file: 'code.html', expect: code('one-time', 'code', { instructions: 'Enter the 6-digit code from your authenticator app' }) },
  { dir: 'generic', file: 'code-error.html', expect: code('one-time', 'code', { errorText: OtherIdpText.genericBadCode }) },
];

describe('classify: other IdPs (one row per fixture)', () => {
  it.each(rows)('$dir/$file', (row) => {
    row.expect(classify(fixture(row.dir, row.file), urlOf(row.dir, row.file)));
  });

  it('covers every fixture of those IdPs', () => {
    const files = DIRS.flatMap((dir) => readdirSync(new URL(`../../../../fixtures/${dir}/`, import.meta.url)).map((f) => `${dir}/${f}`));
    expect(files.sort()).toEqual(rows.map((r) => `${r.dir}/${r.file}`).sort());
  });

  it.each(OTHER_IDP_SAMPLE_PAGES.map((s) => ({ ...s, name: `${s.dir}/${s.fixture}` })))('the emulator page $name classifies as its fixture does', (sample) => {
    expect(classify(sample.html(), sample.url)).toEqual(classify(fixture(sample.dir, sample.fixture), sample.url));
  });
});

describe('classify: other IdPs, edge cases', () => {
  const URL_ = 'https://login.corp.example/verify';

  it('a WebAuthn call in any page is a security-key step, never an unknown page', () => {
    const html = '<html><title>PingID</title><body><div class="ping-body"><p>Use your security key</p></div><script>navigator.credentials.get({publicKey:{}})</script></body></html>';
    expect(classify(html, 'https://authenticator.pingone.com/pingid/ppm/auth')).toMatchObject({ kind: 'mfa', adapter: 'PingID', step: { kind: 'security-key', method: 'PingID security key / passkey' } });
  });

  it('the generic rule takes one short code field, not a search box, a user-name page or a long field', () => {
    const form = (input: string) => `<html><title>t</title><form method="post" action="/x">${input}<button type="submit">Go</button></form></html>`;
    expect(classify(form('<input name="q" type="text">'), URL_).kind).toBe('unknown');
    expect(classify(form('<input name="username" type="text">'), URL_).kind).toBe('unknown');
    expect(classify(form('<input name="token" type="text" maxlength="64">'), URL_).kind).toBe('unknown');
    expect(classify(form('<input name="otp" type="text"><input name="password" type="password">'), URL_).kind).not.toBe('mfa');
    expect(classify(form('<input name="answer" autocomplete="one-time-code">'), URL_)).toMatchObject({ kind: 'mfa', adapter: 'one-time', codeField: 'answer' });
  });

  it('hidden, empty or script-filled error placeholders are not errors', () => {
    const login = (extra: string) => `<html><title>Sign in</title><div>${extra}<form method="post" action="/l"><input name="user"><input name="pass" type="password"></form></div></html>`;
    expect(classify(login('<div class="error" style="display:none">Wrong password</div>'), URL_).kind).toBe('login-form');
    expect(classify(login('<div role="alert" hidden>Wrong password</div>'), URL_).kind).toBe('login-form');
    expect(classify(login('<div class="alert alert-danger"></div>'), URL_).kind).toBe('login-form');
    expect(classify(login('<div class="alert alert-danger">Your account has been locked.</div>'), URL_)).toEqual({ kind: 'error', reason: 'locked', message: 'Your account has been locked.' });
  });

  it('PingFederate .ping-error and Shibboleth .output--failure anywhere on the page', () => {
    expect(classify('<html><body><div class="ping-error">Account disabled</div><form method="post"><input name="pf.username"><input name="pf.pass" type="password"></form></body></html>', URL_)).toMatchObject({ kind: 'error', message: 'Account disabled' });
    expect(classify('<html><body><p class="output--failure">Unknown user</p></body></html>', URL_)).toMatchObject({ kind: 'error', message: 'Unknown user' });
  });
});

describe('--debug page copies of other IdPs', () => {
  it("blank PingID's number to match and the code fields", async () => {
    const { redactPage } = await import('../debug-page.js');
    const swipe = redactPage(fixture('pingfed', 'pingid-number-matching.html'));
    expect(swipe).not.toMatch(/numbermatching">\s*47/);
    const f5 = redactPage(fixture('f5', 'mfa.html').replace('name="mfatoken" class="credentials_input_text" value=""', 'name="mfatoken" class="credentials_input_text" value="314159"'));
    expect(f5).not.toContain('314159');
  });
});
