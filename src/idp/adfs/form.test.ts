import { readFileSync } from 'node:fs';
import { load } from 'cheerio/slim';
import { describe, expect, it } from 'vitest';
import { IdpError } from '../../errors.js';
import { extractForm, formEntries, resolveAction } from './form.js';
import { passwordPageEntries, cacheCredentials } from './login.js';
import { siteSelectionEntries } from './site-selection.js';

const fixture = (name: string): string => readFileSync(new URL(`../../../fixtures/adfs/${name}`, import.meta.url), 'utf8');
const formOf = (html: string, selector: string, url: string) => {
  const $ = load(html);
  return extractForm($, $(selector).get(0), url);
};
const PAGE = 'https://adfs.example.com/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices';

describe('extractForm', () => {
  it('reads only form#loginForm: the options form\'s empty AuthMethod and UserName holder do not leak in', () => {
    const form = formOf(fixture('adfs3-login.html'), 'form#loginForm', PAGE);
    const entries = formEntries(form, { set: { UserName: 'alice@example.com', Password: 'pw' } });
    expect(entries).toEqual([
      ['UserName', 'alice@example.com'],
      ['Password', 'pw'],
      ['AuthMethod', 'FormsAuthentication'],
    ]);
  });

  it('does not post an unchecked checkbox (Kmsi) but posts it when checked', () => {
    const html = '<form id="f"><input type="checkbox" name="Kmsi" value="true"><input type="checkbox" name="Remember" checked></form>';
    expect(formEntries(formOf(html, '#f', PAGE))).toEqual([['Remember', 'on']]);
  });

  it('resolves empty, relative (with query) and absolute actions against the page URL', () => {
    expect(resolveAction(undefined, PAGE)).toBe(PAGE);
    expect(resolveAction('', `${PAGE}#frag`)).toBe(PAGE);
    expect(resolveAction('/adfs/ls/?client-request-id=1&pullStatus=0', PAGE)).toBe('https://adfs.example.com/adfs/ls/?client-request-id=1&pullStatus=0');
    expect(resolveAction('FormsSignIn.aspx?a=b', 'https://adfs.example.com/adfs/ls/x.aspx')).toBe('https://adfs.example.com/adfs/ls/FormsSignIn.aspx?a=b');
    expect(resolveAction('https://other.example.com:8443/post', PAGE)).toBe('https://other.example.com:8443/post');
  });

  it('posts exactly one UserName on the AD FS 2019 password page', async () => {
    const form = formOf(fixture('adfs2019-password.html'), 'form#loginForm', PAGE);
    const creds = cacheCredentials({ username: async () => 'never-asked', password: async () => 'pw' });
    const entries = await passwordPageEntries(form, creds);
    expect(entries.filter(([k]) => k === 'UserName')).toEqual([['UserName', 'alice@example.com']]);
    expect(entries).toContainEqual(['Password', 'pw']);
    expect(entries).toContainEqual(['AuthMethod', 'FormsAuthentication']);
  });

  it('keeps ASP.NET __VIEWSTATE/__EVENTVALIDATION and posts the SubmitButton (AD FS 2.0)', () => {
    const form = formOf(fixture('adfs2-login.html'), 'form#aspnetForm', 'https://adfs.example.com/adfs/ls/FormsSignIn.aspx');
    const entries = formEntries(form, { set: { [form.userNameField ?? '']: 'CONTOSO\\alice', [form.passwordField ?? '']: 'pw' } });
    expect(entries.map(([k]) => k)).toEqual([
      '__VIEWSTATE',
      '__EVENTVALIDATION',
      'ctl00$ContentPlaceHolder1$UsernameTextBox',
      'ctl00$ContentPlaceHolder1$PasswordTextBox',
      'ctl00$ContentPlaceHolder1$SubmitButton',
    ]);
    expect(entries[0]?.[1]).toBe('/wEPDwUKLTQ4NDIyMzQ2MGRk8kN3cW3sXyfAx0u7bVr9Z4J1YHQ=');
    expect(entries[4]).toEqual(['ctl00$ContentPlaceHolder1$SubmitButton', 'Sign In']);
  });

  it('does not take the Keycloak submit button named "login" for the user-name field', () => {
    const form = formOf(fixture('generic-keycloak-login.html'), '#kc-form-login', 'https://sso.example.com/realms/corp/protocol/saml');
    expect(form.userNameField).toBe('username');
    expect(formEntries(form, { set: { username: 'alice', password: 'pw' } })).toEqual([
      ['username', 'alice'],
      ['password', 'pw'],
      ['credentialId', ''],
      ['login', 'Sign In'],
    ]);
  });

  it('reads selects (selected option, else the first) and textareas, and skips disabled fields', () => {
    const html = `<form id="f" method="post"><select name="a"><option value="1">one</option><option value="2" selected>two</option></select>
      <select name="b"><option>x</option><option>y</option></select><textarea name="t">hello</textarea><input name="d" disabled value="z">
      <input type="radio" name="r" value="p"><input type="radio" name="r" value="q" checked></form>`;
    const form = formOf(html, '#f', PAGE);
    expect(form.method).toBe('POST');
    expect(formEntries(form)).toEqual([['a', '2'], ['b', 'x'], ['t', 'hello'], ['r', 'q']]);
  });

  it('selects "sign in to other site" and the relying party on form#idpForm', () => {
    const form = formOf(fixture('site-selection.html'), 'form#idpForm', 'https://adfs.example.com/adfs/ls/idpinitiatedsignon.aspx');
    const entries = siteSelectionEntries(form, { value: '7d9c54b0-317b-e611-8126-005056840be4', name: 'Amazon Web Services' });
    expect(entries).toEqual([
      ['SignInOtherSite', 'SignInOtherSite'],
      ['RelyingParty', '7d9c54b0-317b-e611-8126-005056840be4'],
      ['SingleSignOut', 'SingleSignOut'],
      ['SignInSubmit', 'Sign in'],
    ]);
  });
});

describe('resolveAction on hostile actions (issue 6, item 12: counterexample from classify.property.test.ts)', () => {
  it.each(['//', 'http://[::1', 'http://a b', 'https://'])('refuses %j as IDP_BAD_FORM_ACTION (was TypeError: Invalid URL)', (action) => {
    let error: unknown;
    try {
      resolveAction(action, PAGE);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IdpError);
    expect((error as IdpError).code).toBe('IDP_BAD_FORM_ACTION');
    expect((error as IdpError).exitCode).toBe(3);
  });

  it('extractForm names the form in the error', () => {
    expect(() => formOf('<form id="f" action="//"><input name="a"></form>', '#f', PAGE)).toThrow(/has a form \(#f\) whose action is not a valid URL/);
  });
});
