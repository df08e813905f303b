import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scalingRatio, thrown } from '../../../test/helpers/scaling.js';
import { IdpError } from '../../errors.js';
import { MAX_PAGE_DEPTH, MAX_PAGE_ELEMENTS, classify, type Page } from './classify.js';

const fixture = (name: string): string => readFileSync(new URL(`../../../fixtures/adfs/${name}`, import.meta.url), 'utf8');

const ADFS = 'https://adfs.example.com/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices';

interface Row {
  file: string;
  url?: string;
  expect: (page: Page) => void;
}

const rows: Row[] = [
  {
    file: 'adfs3-login.html',
    expect: (page) => {
      expect(page.kind).toBe('login-form');
      if (page.kind !== 'login-form') return;
      expect(page.form.id).toBe('loginForm');
      expect(page.form.userNameField).toBe('UserName');
      expect(page.form.passwordField).toBe('Password');
      expect(page.form.action).toBe('https://adfs.example.com/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices&client-request-id=5c941109-3c35-428d-b672-0080010000d5');
    },
  },
  { file: 'adfs2016-login-error.html', expect: (p) => expect(p).toEqual({ kind: 'error', reason: 'bad-credentials', message: 'Incorrect user ID or password. Type the correct user ID and password, and try again.' }) },
  { file: 'adfs3-login-error.html', expect: (p) => expect(p).toMatchObject({ kind: 'error', reason: 'bad-credentials', message: expect.stringContaining('Incorrect user ID or password') }) },
  {
    file: 'adfs2019-username.html',
    expect: (page) => {
      expect(page.kind).toBe('username-page');
      if (page.kind !== 'username-page') return;
      expect(page.form.id).toBe('loginFormPaginated');
      expect(page.form.userNameField).toBe('UserName');
      expect(page.form.passwordField).toBeUndefined();
    },
  },
  {
    file: 'adfs2019-password.html',
    expect: (page) => {
      expect(page.kind).toBe('password-page');
      if (page.kind !== 'password-page') return;
      expect(page.form.passwordField).toBe('Password');
      expect(page.form.fields.filter((f) => f.name === 'UserName')).toHaveLength(2);
    },
  },
  {
    file: 'adfs2-login.html',
    url: 'https://adfs.example.com/adfs/ls/FormsSignIn.aspx?loginToRp=urn:amazon:webservices',
    expect: (page) => {
      expect(page.kind).toBe('login-form');
      if (page.kind !== 'login-form') return;
      expect(page.form.id).toBe('aspnetForm');
      expect(page.form.userNameField).toBe('ctl00$ContentPlaceHolder1$UsernameTextBox');
      expect(page.form.passwordField).toBe('ctl00$ContentPlaceHolder1$PasswordTextBox');
      expect(page.form.action).toBe('https://adfs.example.com/adfs/ls/FormsSignIn.aspx?loginToRp=urn%3aamazon%3awebservices&RedirectToIdentityProvider=AD+AUTHORITY');
    },
  },
  { file: 'adfs2-error.html', expect: (p) => expect(p).toEqual({ kind: 'error', reason: 'bad-credentials', message: 'The user name or password is incorrect.' }) },
  {
    file: 'generic-keycloak-login.html',
    url: 'https://sso.example.com/realms/corp/protocol/saml/clients/aws',
    expect: (page) => {
      expect(page.kind).toBe('login-form');
      if (page.kind !== 'login-form') return;
      expect(page.form.id).toBe('kc-form-login');
      expect(page.form.userNameField).toBe('username');
      expect(page.form.passwordField).toBe('password');
      expect(page.form.action).toMatch(/^https:\/\/sso\.example\.com\/realms\/corp\/login-actions\/authenticate\?session_code=/);
    },
  },
  {
    file: 'generic-shibboleth-login.html',
    url: 'https://idp.example.edu/idp/profile/SAML2/Unsolicited/SSO?providerId=urn:amazon:webservices',
    expect: (page) => {
      expect(page.kind).toBe('login-form');
      if (page.kind !== 'login-form') return;
      expect(page.form.userNameField).toBe('j_username');
      expect(page.form.passwordField).toBe('j_password');
      expect(page.form.submits).toEqual([{ name: '_eventId_proceed', value: '' }]);
      expect(page.form.action).toBe('https://idp.example.edu/idp/profile/SAML2/Unsolicited/SSO?execution=e1s1');
    },
  },
  {
    file: 'site-selection.html',
    url: 'https://adfs.example.com/adfs/ls/idpinitiatedsignon.aspx',
    expect: (page) => {
      expect(page.kind).toBe('site-selection');
      if (page.kind !== 'site-selection') return;
      expect(page.relyingParties.map((r) => r.name)).toEqual(['Contoso Intranet', 'Amazon Web Services', 'Salesforce']);
      expect(page.relyingParties[1]?.value).toBe('7d9c54b0-317b-e611-8126-005056840be4');
    },
  },
  { file: 'mfa-azure.html', expect: (p) => expect(p).toMatchObject({ kind: 'mfa', adapter: 'AzureMfaAuthentication' }) },
  { file: 'mfa-azure-server.html', expect: (p) => expect(p).toMatchObject({ kind: 'mfa', adapter: 'AzureMfaServerAuthentication' }) },
  { file: 'mfa-securid.html', expect: (p) => expect(p).toMatchObject({ kind: 'mfa', adapter: 'SecurIDAuthentication', codeField: 'passcode' }) },
  { file: 'mfa-duo.html', expect: (p) => expect(p).toMatchObject({ kind: 'mfa', adapter: 'DuoAdfsAdapter' }) },
  { file: 'mfa-duo-inputs.html', expect: (p) => expect(p).toMatchObject({ kind: 'mfa', adapter: 'DuoAdfsAdapter' }) },
  { file: 'mfa-duo-universal.html', expect: (p) => expect(p).toMatchObject({ kind: 'mfa', adapter: 'DuoAdfsAdapter' }) },
  { file: 'error-locked.html', expect: (p) => expect(p).toMatchObject({ kind: 'error', reason: 'locked', message: expect.stringContaining('locked out') }) },
  {
    file: 'error-password-expired.html',
    url: 'https://adfs.example.com/adfs/portal/updatepassword/',
    expect: (p) => expect(p).toEqual({ kind: 'error', reason: 'password-expired', message: 'Your password has expired. Update your password to sign in.' }),
  },
  {
    file: 'idp-initiated-disabled.html',
    url: 'https://adfs.example.com/adfs/ls/IdpInitiatedSignOn.aspx',
    expect: (p) => expect(p).toMatchObject({ kind: 'error', reason: 'idp-initiated-disabled', message: expect.stringContaining('not available') }),
  },
  {
    file: 'adfs-error-page.html',
    url: 'https://adfs.example.com/adfs/ls/?SAMLRequest=abc',
    expect: (p) => expect(p).toMatchObject({ kind: 'error', reason: 'other', message: expect.stringContaining('MSIS7042') }),
  },
  {
    file: 'saml-post.html',
    url: 'https://adfs.example.com/adfs/ls/',
    expect: (p) =>
      expect(p).toEqual({
        kind: 'saml-response',
        samlResponse: 'ZHVtbXkgU0FNTFJlc3BvbnNlIGZvciBjbGFzc2lmaWVyIHRlc3RzOyBub3QgYW4gYXNzZXJ0aW9u',
        action: 'https://signin.aws.amazon.com/saml',
      }),
  },
  { file: 'unknown.html', expect: (p) => expect(p).toEqual({ kind: 'unknown', title: 'Corporate Web Gateway - Notice' }) },
];

describe('classify (one row per fixture)', () => {
  it.each(rows)('$file', (row) => {
    row.expect(classify(fixture(row.file), row.url ?? ADFS));
  });

  it('covers every fixture in fixtures/adfs', async () => {
    const { readdirSync } = await import('node:fs');
    const { MFA_SAMPLE_PAGES } = await import('../../emulator/adfs-mfa-samples.js');
    const files = readdirSync(new URL('../../../fixtures/adfs/', import.meta.url)).filter((f) => f.endsWith('.html'));
    // The second-factor fixtures written from the emulator have their rows in mfa/page.test.ts.
    const covered = new Set([...rows.map((r) => r.file), ...MFA_SAMPLE_PAGES.map((p) => p.fixture)]);
    expect(files.sort()).toEqual([...covered].sort());
  });
});

describe('classify edge cases', () => {
  it('does not take the AD FS 2016 error page for the disabled IdP-initiated page when the URL is elsewhere', () => {
    expect(classify(fixture('idp-initiated-disabled.html'), 'https://adfs.example.com/adfs/ls/?SAMLRequest=x')).toMatchObject({ kind: 'error', reason: 'other' });
  });

  it('classifies an AD FS login form whose error text is empty as a login form, not an error', () => {
    expect(classify(fixture('adfs3-login.html'), ADFS).kind).toBe('login-form');
  });

  it('reports Keycloak and Shibboleth error texts', () => {
    const kc = fixture('generic-keycloak-login.html').replace(
      '<div id="kc-form">',
      '<div class="alert-error pf-c-alert pf-m-inline pf-m-danger"><span id="input-error" class="kc-feedback-text">Invalid username or password.</span></div><div id="kc-form">',
    );
    expect(classify(kc, 'https://sso.example.com/realms/corp/login-actions/authenticate')).toEqual({ kind: 'error', reason: 'bad-credentials', message: 'Invalid username or password.' });
    const shib = fixture('generic-shibboleth-login.html').replace('<legend>', '<section><p class="form-element form-error">The password you entered was incorrect.</p></section><legend>');
    expect(classify(shib, 'https://idp.example.edu/idp/profile/SAML2/Unsolicited/SSO')).toMatchObject({ kind: 'error', reason: 'bad-credentials' });
  });

  it('ignores an empty SAMLResponse input', () => {
    expect(classify('<html><title>t</title><form><input type="hidden" name="SAMLResponse" value=""></form></html>', ADFS)).toEqual({ kind: 'unknown', title: 't' });
  });

  it('recognises a Context + verification-code page as MFA even without a known adapter name', () => {
    const html = '<form method="post" id="loginForm" action="/adfs/ls/"><input type="hidden" name="Context" value="c"><input type="text" name="VerificationCode"></form>';
    expect(classify(html, ADFS)).toMatchObject({ kind: 'mfa', adapter: 'unknown', codeField: 'VerificationCode' });
  });

  it('recognises the VIP adapter', () => {
    const html = '<form method="post" id="loginForm" action="/adfs/ls/"><input type="hidden" name="AuthMethod" value="VIPAuthenticationProviderUPN"><input type="hidden" name="Context" value="c"><input type="text" name="security_code"></form>';
    expect(classify(html, ADFS)).toMatchObject({ kind: 'mfa', adapter: 'VIPAuthenticationProviderUPN', codeField: 'security_code' });
  });
});

describe('hostile page shapes (issue 6, item 12: counterexamples from classify.property.test.ts)', () => {
  const errorPage = fixture('adfs-error-page.html');

  it('thousands of inputs beside the form cost linear time (the generic error-text rule once searched per child)', () => {
    const page = fixture('adfs2-login.html');
    const work = (n: number): void => void thrown(() => classify('<input name="UserName">'.repeat(n) + page, ADFS));
    // 600 -> 4800 inputs (just under the element cap): near 5 was measured; the old pairwise search, 34 to 40.
    expect(scalingRatio(work, 600)).toBeLessThan(20);
  });

  function classifyError(html: string): IdpError {
    let error: unknown;
    try {
      classify(html, ADFS);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IdpError);
    return error as IdpError;
  }

  it('refuses deeply nested tables (was RangeError: Maximum call stack size exceeded) as IDP_PAGE_TOO_COMPLEX', () => {
    const error = classifyError(`${'<table><tr><td>'.repeat(2000)}${errorPage}`);
    expect(error.code).toBe('IDP_PAGE_TOO_COMPLEX');
    expect(error.message).toBe(`The IdP page at https://adfs.example.com/adfs/ls/IdpInitiatedSignOn.aspx nests HTML elements more than ${MAX_PAGE_DEPTH} deep; expected a sign-in page`);
    expect(error.hint).toMatch(/IdP URL/);
  });

  it.each([
    ['nested divs', (n: number) => `<body>${'<div>'.repeat(n)}</body>`],
    ['nested templates holding forms', (n: number) => `<body>${'<template><form>'.repeat(n)}</body>`],
    ['misnested formatting elements', (n: number) => `<body>${'<b><p>x</b>'.repeat(n)}</body>`],
    ['unclosed formatting elements with distinct attributes', (n: number) => `<body>${Array.from({ length: n }, (_, i) => `<i id="${i}">`).join('')}x</body>`],
    // htmlparser2 nests these like any element (an HTML5 parser would read plaintext's rest as text, and
    // the others' content as text): found by the classifier property test, 2.5 s on one such page.
    ['nested plaintext elements', (n: number) => `<body>${'<plaintext>'.repeat(n)}</body>`],
    ['divs inside an unclosed noscript', (n: number) => `<body><noscript>${'<div>'.repeat(n)}</body>`],
    ['divs inside an unclosed iframe', (n: number) => `<body><iframe>${'<div>'.repeat(n)}</body>`],
  ])('refuses %s before the HTML parser sees them', (_label, page) => {
    expect(classifyError(page(MAX_PAGE_DEPTH + 1)).code).toBe('IDP_PAGE_TOO_COMPLEX');
  });

  it(`refuses a page with more than ${MAX_PAGE_ELEMENTS} elements`, () => {
    const error = classifyError(`<body>${'<br>'.repeat(MAX_PAGE_ELEMENTS + 1)}</body>`);
    expect(error.code).toBe('IDP_PAGE_TOO_COMPLEX');
    expect(error.message).toMatch(new RegExp(`has more than ${MAX_PAGE_ELEMENTS} HTML elements`));
  });

  it('refuses 6,000 sibling options: cheerio lookups sort by document position, quadratic in siblings', () => {
    const page = `<form id="idpForm"><select name="RelyingParty">${'<option>rp'.repeat(6000)}</select></form>`;
    expect(classifyError(page).code).toBe('IDP_PAGE_TOO_COMPLEX');
  });

  it.each([
    ['unclosed list items', (n: number) => `<ul>${'<li>item'.repeat(n)}</ul>`],
    ['unclosed options', (n: number) => `<form id="idpForm"><select name="RelyingParty">${'<option>rp'.repeat(n)}</select></form>`],
    ['unclosed table rows and cells', (n: number) => `<table>${'<tr><td>a<td>b'.repeat(n)}</table>`],
    ['unclosed paragraphs between blocks', (n: number) => `<body>${'<p>text<div>block</div>'.repeat(n)}</body>`],
    ['self-closed SVG children', (n: number) => `<body><svg>${'<path d="M0"/>'.repeat(n)}</svg></body>`],
    ['markup inside scripts and comments', (n: number) => `<body><script>${'if (a<b) { x = "<div>"; }'.repeat(n)}</script><!--${'<div>'.repeat(n)}--></body>`],
  ])('still classifies ordinary pages with many %s', (_label, page) => {
    expect(() => classify(page(2 * MAX_PAGE_DEPTH), ADFS)).not.toThrow();
  });

  it('costs linear time on nested divs: 8x the size, well under 30x the time', () => {
    const pages = new Map<number, string>();
    const work = (n: number): void => {
      if (!pages.has(n)) pages.set(n, `<body>${'<div>'.repeat(n)}</body>`);
      thrown(() => classify(pages.get(n) as string, ADFS));
    };
    expect(scalingRatio(work, 2000)).toBeLessThan(30);
  });

  it('classifies a page with lone surrogates after < (was RangeError: Invalid code point from the HTML tokenizer)', () => {
    expect(classify(`<\udc00\udc00${errorPage}`, ADFS)).toMatchObject({ kind: 'error', reason: 'other' });
    expect(classify(`<p>\ud800<\udfff</p>${errorPage}`, ADFS).kind).toBe('error');
  });

  it('refuses a form whose action cannot be resolved (was TypeError: Invalid URL) as IDP_BAD_FORM_ACTION', () => {
    const error = classifyError(fixture('adfs3-login.html').replace('<form method="post" id="loginForm"', '<form method="post" action="http://[::1" id="loginForm"'));
    expect(error.code).toBe('IDP_BAD_FORM_ACTION');
    expect(error.message).toBe('The IdP page at https://adfs.example.com/adfs/ls/IdpInitiatedSignOn.aspx has a form (#loginForm) whose action is not a valid URL');
    expect(error.message).not.toContain('[::1');
  });
});
