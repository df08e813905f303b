import * as cheerio from 'cheerio/slim';
import { describe, expect, it } from 'vitest';
import {
  AdfsText,
  escapeHtml,
  mfaAdapterInfo,
  renderAdfsLoginPage,
  renderAdfsMfaPage,
  renderAdfsSamlPostPage,
  renderKeycloakLoginPage,
} from './adfs-pages.js';

describe('adfs page renderers (pure)', () => {
  it('escapes values in attributes and text', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const html = renderAdfsLoginPage({
      action: '/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices&client-request-id=1',
      optionsAction: 'https://adfs.example/adfs/ls/IdpInitiatedSignOn.aspx',
      errorStyle: 'span',
      userName: `"><script>`,
      errorText: AdfsText.badCredentials,
    });
    expect(html).toContain('action="/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices&amp;client-request-id=1"');
    const $ = cheerio.load(html);
    expect($('#userNameInput').attr('value')).toBe(`"><script>`);
    expect($('span#errorText').text()).toBe(AdfsText.badCredentials);
    expect($('label#errorText').length).toBe(0);
  });

  it('uses label#errorText for AD FS 2012 R2 and span#errorText for 2016+', () => {
    const base = { action: '/a', optionsAction: 'https://h/a' };
    expect(cheerio.load(renderAdfsLoginPage({ ...base, errorStyle: 'label' }))('label#errorText').length).toBe(1);
    expect(cheerio.load(renderAdfsLoginPage({ ...base, errorStyle: 'span' }))('span#errorText[role="alert"]').length).toBe(1);
    // 2016+ keeps a hidden UserName holder in form#options.
    const withHolder = cheerio.load(renderAdfsLoginPage({ ...base, errorStyle: 'span', optionsUserNameHolder: true }));
    expect(withHolder('form#options input[name="UserName"]').attr('type')).toBe('hidden');
  });

  it('MFA pages name the adapter and carry Context', () => {
    for (const adapter of ['SecurIDAuthentication', 'AzureMfaServerAuthentication', 'SymantecVipAdapter', 'AzureMfaAuthentication', 'DuoAdfsAdapter']) {
      const $ = cheerio.load(
        renderAdfsMfaPage({ adapter, context: 'CTX', action: '/a', optionsAction: 'https://h/a', userName: 'u@x', errorStyle: 'span' }),
      );
      expect($('input#authMethod[name="AuthMethod"]').attr('value')).toBe(adapter);
      expect($('input#context[name="Context"]').attr('value')).toBe('CTX');
      expect($('form#options').length).toBe(1);
      const info = mfaAdapterInfo(adapter);
      if (info.kind === 'code') expect($(`input[name="${info.codeField}"]`).length).toBe(1);
      else expect($('input[name="VerificationCode"]').length).toBe(0);
    }
  });

  it('auto-post pages: AD FS hiddenform and Keycloak login form', () => {
    const $ = cheerio.load(renderAdfsSamlPostPage({ action: 'https://signin.aws.amazon.com/saml', samlResponse: 'PHNhbWw+' }));
    expect($('form[name="hiddenform"] input[name="SAMLResponse"]').attr('value')).toBe('PHNhbWw+');
    const kc = cheerio.load(renderKeycloakLoginPage({ action: 'https://h/realms/corp/login-actions/authenticate?x=1', realm: 'corp', errorText: 'Invalid username or password.' }));
    expect(kc('form#kc-form-login input[name="username"]').length).toBe(1);
    expect(kc('span#input-error.kc-feedback-text').text()).toBe('Invalid username or password.');
  });
});
