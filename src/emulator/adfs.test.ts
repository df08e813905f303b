import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import * as cheerio from 'cheerio/slim';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedIdentity, createTestCa, type KeyPair } from './certs.js';
import { AdfsText } from './adfs-pages.js';
import { relyingPartyGuid, startAdfsEmulator, type AdfsEmulator, type AdfsEmulatorOptions, type AdfsUser } from './adfs.js';

const ROLE = { roleArn: 'arn:aws:iam::111122223333:role/Admin', principalArn: 'arn:aws:iam::111122223333:saml-provider/ADFS' };
const ROLE2 = { roleArn: 'arn:aws:iam::444455556666:role/ReadOnly', principalArn: 'arn:aws:iam::444455556666:saml-provider/ADFS' };

const USERS: AdfsUser[] = [
  { username: 'alice', password: 'Correct-Horse-1', roles: [ROLE, ROLE2], sessionDuration: 7200 },
  { username: 'bob@corp.example', password: 'Bobs-Password-2', roles: [ROLE], locked: true },
  { username: 'carol', password: 'Carols-Password-3', roles: [ROLE], passwordExpired: true },
  { username: 'dave', password: 'Daves-Password-4', roles: [ROLE], mfaAdapter: 'SecurIDAuthentication' },
  { username: 'erin', password: 'Erins-Password-5', roles: [ROLE], mfaAdapter: 'AzureMfaAuthentication', mfaPushApproveAfterPolls: 2 },
  { username: 'frank', password: 'Franks-Password-6', roles: [ROLE], mfaAdapter: 'AzureMfaServerAuthentication' },
];

interface Page {
  status: number;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A tiny browser: cookie jar, manual redirects (POST 302 -> GET), optional CA for https. */
class Browser {
  readonly cookies = new Map<string, string>();
  readonly setCookieHeaders: string[] = [];
  constructor(private readonly ca?: string) {}

  private raw(method: string, url: string, body?: string): Promise<Page> {
    const u = new URL(url);
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const headers: Record<string, string> = {};
    if (cookie !== '') headers.cookie = cookie;
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    const doRequest = u.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = doRequest(u, { method, headers, ca: this.ca }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const setCookie = res.headers['set-cookie'] ?? [];
          for (const sc of setCookie) {
            this.setCookieHeaders.push(sc);
            const first = sc.split(';')[0] ?? '';
            const eq = first.indexOf('=');
            const name = first.slice(0, eq);
            const value = first.slice(eq + 1);
            if (/expires=Thu, 01 Jan 1970/i.test(sc) || value === '') this.cookies.delete(name);
            else this.cookies.set(name, value);
          }
          resolve({ status: res.statusCode ?? 0, url, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        });
      });
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  private async follow(page: Page): Promise<Page> {
    let current = page;
    for (let i = 0; i < 10 && current.status >= 300 && current.status < 400; i++) {
      const location = current.headers.location;
      if (typeof location !== 'string') break;
      current = await this.raw('GET', new URL(location, current.url).toString());
    }
    return current;
  }

  async get(url: string, followRedirects = true): Promise<Page> {
    const page = await this.raw('GET', url);
    return followRedirects ? this.follow(page) : page;
  }

  async post(url: string, fields: Array<[string, string]>, followRedirects = true): Promise<Page> {
    const body = fields.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
    const page = await this.raw('POST', url, body);
    return followRedirects ? this.follow(page) : page;
  }
}

/** Fields a form would submit: named inputs (checked boxes only) and selects; no submit buttons unless asked. */
function formFields($: cheerio.CheerioAPI, formSelector: string, includeSubmit?: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  $(formSelector)
    .find('input, select')
    .each((_, el) => {
      const e = $(el);
      const name = e.attr('name');
      if (name === undefined) return;
      const type = (e.attr('type') ?? 'text').toLowerCase();
      if ((type === 'checkbox' || type === 'radio') && e.attr('checked') === undefined) return;
      if (type === 'submit' && name !== includeSubmit) return;
      if (el.tagName === 'select') {
        out.push([name, e.find('option').first().attr('value') ?? '']);
        return;
      }
      out.push([name, e.attr('value') ?? '']);
    });
  return out;
}

function setField(fields: Array<[string, string]>, name: string, value: string): Array<[string, string]> {
  let found = false;
  const out = fields.map(([k, v]): [string, string] => {
    if (k === name && !found) {
      found = true;
      return [k, value];
    }
    return [k, v];
  });
  if (!found) out.push([name, value]);
  return out;
}

function actionUrl(page: Page, $: cheerio.CheerioAPI, formSelector: string): string {
  const action = $(formSelector).attr('action');
  return new URL(action ?? page.url, page.url).toString();
}

function samlResponseOf(page: Page): string | undefined {
  return cheerio.load(page.body)('input[name="SAMLResponse"]').attr('value');
}

function decodeSaml(b64: string): string {
  return Buffer.from(b64, 'base64').toString('utf8');
}

let signer: KeyPair;
let emulator: AdfsEmulator | undefined;

beforeAll(() => {
  signer = createSelfSignedIdentity('adfs.emulator.test');
});

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(variant: AdfsEmulatorOptions['variant'], extra: Partial<AdfsEmulatorOptions> = {}): Promise<AdfsEmulator> {
  emulator = await startAdfsEmulator({ variant, users: USERS, signer, clock: () => new Date(), ...extra });
  return emulator;
}

/** Logs in on an AD FS 2012 R2/2016-style forms page the way a careful client does: form#loginForm only. */
async function adfsLogin(b: Browser, entryUrl: string, username: string, password: string): Promise<Page> {
  const page = await b.get(entryUrl);
  const $ = cheerio.load(page.body);
  let fields = formFields($, '#loginForm');
  fields = setField(fields, 'UserName', username);
  fields = setField(fields, 'Password', password);
  return b.post(actionUrl(page, $, '#loginForm'), fields);
}

describe('adfs3 (AD FS 2012 R2 forms page)', () => {
  it('serves the login page at the IdP-initiated URL with real ids and names', async () => {
    const emu = await start('adfs3');
    expect(emu.entryUrl).toBe(`${emu.origin}/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices`);
    const page = await new Browser().get(emu.entryUrl);
    expect(page.status).toBe(200);
    const $ = cheerio.load(page.body);
    const form = $('form#loginForm');
    expect(form.attr('method')).toBe('post');
    expect(form.attr('autocomplete')).toBe('off');
    expect(form.attr('novalidate')).toBe('novalidate');
    expect(form.attr('action')).toMatch(/^\/adfs\/ls\/IdpInitiatedSignOn\.aspx\?loginToRp=urn:amazon:webservices&client-request-id=[0-9a-f-]{36}$/);
    expect($('#userNameInput').attr('name')).toBe('UserName');
    expect($('#passwordInput').attr('name')).toBe('Password');
    expect($('#kmsiInput').attr('name')).toBe('Kmsi');
    expect($('#optionForms').attr('value')).toBe('FormsAuthentication');
    expect($('span#submitButton').length).toBe(1);
    expect($('label#errorText').length).toBe(1);
    expect($('form#options #optionSelection').attr('name')).toBe('AuthMethod');
    expect($('form#options #optionSelection').attr('value')).toBeUndefined();
    expect($('form#options').attr('action')).toBe(`${emu.origin}${form.attr('action')}`);
  });

  it('right credentials -> MSIS cookies, redirect to the same URL, then the auto-post SAML page', async () => {
    const emu = await start('adfs3');
    const b = new Browser();
    const page = await b.get(emu.entryUrl);
    const $ = cheerio.load(page.body);
    const action = actionUrl(page, $, '#loginForm');
    const fields = setField(setField(formFields($, '#loginForm'), 'UserName', 'CORP\\alice'), 'Password', 'Correct-Horse-1');
    const redirect = await b.post(action, fields, false);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.location).toBe(new URL(action).pathname + new URL(action).search);
    const rawSetCookie = redirect.headers['set-cookie'] ?? [];
    const setCookie = Array.isArray(rawSetCookie) ? rawSetCookie : [rawSetCookie];
    expect(setCookie.some((c) => /^MSISAuth=[^;]+; path=\/adfs; HttpOnly$/.test(c))).toBe(true);
    expect(setCookie.some((c) => c.startsWith('MSISAuthenticated='))).toBe(true);
    expect(setCookie.some((c) => c.startsWith('MSISLoopDetectionCookie='))).toBe(true);

    const final = await b.get(new URL(String(redirect.headers.location), action).toString());
    expect(final.status).toBe(200);
    const $f = cheerio.load(final.body);
    expect($f('form[name="hiddenform"]').attr('action')).toBe('https://signin.aws.amazon.com/saml');
    expect($f('form[name="hiddenform"]').attr('method')).toBe('POST');
    expect(final.body).toContain("window.setTimeout('document.forms[0].submit()', 0);");
    const xml = decodeSaml(samlResponseOf(final) ?? '');
    expect(xml).toContain(`${ROLE.roleArn},${ROLE.principalArn}`);
    expect(xml).toContain(`${ROLE2.roleArn},${ROLE2.principalArn}`);
    expect(xml).toContain('<Audience>urn:amazon:webservices</Audience>');
    expect(xml).toContain('alice@corp.example');
    expect(xml).toContain('<AttributeValue>7200</AttributeValue>');
    expect(xml).toContain(`<Issuer>http://${new URL(emu.origin).host}/adfs/services/trust</Issuer>`);
    expect(xml).toContain('<ds:Signature');
  });

  it('accepts UPN and down-level names case-insensitively', async () => {
    const emu = await start('adfs3');
    for (const name of ['ALICE@corp.example', 'corp\\Alice', 'alice']) {
      const page = await adfsLogin(new Browser(), emu.entryUrl, name, 'Correct-Horse-1');
      expect(samlResponseOf(page)).toBeTruthy();
    }
  });

  it('the SAML page needs the MSISAuth cookie', async () => {
    const emu = await start('adfs3');
    const b = new Browser();
    await adfsLogin(b, emu.entryUrl, 'alice', 'Correct-Horse-1');
    expect(samlResponseOf(await b.get(emu.entryUrl))).toBeTruthy();
    expect(samlResponseOf(await new Browser().get(emu.entryUrl))).toBeUndefined();
  });

  it('honours the MSISAuth session for its lifetime, counted from the sign-in, then asks again', async () => {
    let now = new Date('2026-12-01T08:00:00Z');
    const emu = await start('adfs3', { clock: () => now, sessionLifetimeSeconds: 3600 });
    const b = new Browser();
    await adfsLogin(b, emu.entryUrl, 'alice', 'Correct-Horse-1');
    now = new Date('2026-12-01T08:59:59Z');
    // A second IdP-initiated GET goes straight to the SAMLResponse, and does not extend the session.
    expect(samlResponseOf(await b.get(emu.entryUrl))).toBeTruthy();
    now = new Date('2026-12-01T09:00:00Z');
    const again = await b.get(emu.entryUrl);
    expect(samlResponseOf(again)).toBeUndefined();
    expect(cheerio.load(again.body)('form#loginForm').length).toBe(1);
  });

  it('Kmsi=true makes the cookies persistent and the session last the KMSI lifetime', async () => {
    let now = new Date('2026-12-01T08:00:00Z');
    const emu = await start('adfs3', { clock: () => now, sessionLifetimeSeconds: 3600, kmsiLifetimeSeconds: 7200 });
    const b = new Browser();
    const page = await b.get(emu.entryUrl);
    const $ = cheerio.load(page.body);
    const fields = setField(setField(setField(formFields($, '#loginForm'), 'UserName', 'alice'), 'Password', 'Correct-Horse-1'), 'Kmsi', 'true');
    await b.post(actionUrl(page, $, '#loginForm'), fields);
    const msisAuth = b.setCookieHeaders.find((c) => c.startsWith('MSISAuth='));
    expect(msisAuth).toMatch(/; expires=Tue, 01 Dec 2026 10:00:00 GMT;/);
    now = new Date('2026-12-01T09:30:00Z');
    expect(samlResponseOf(await b.get(emu.entryUrl))).toBeTruthy();
    now = new Date('2026-12-01T10:00:00Z');
    expect(samlResponseOf(await b.get(emu.entryUrl))).toBeUndefined();
  });

  it('endSessions ends every session: the cookies then get the login page', async () => {
    const emu = await start('adfs3');
    const b = new Browser();
    await adfsLogin(b, emu.entryUrl, 'alice', 'Correct-Horse-1');
    emu.endSessions();
    expect(cheerio.load((await b.get(emu.entryUrl)).body)('form#loginForm').length).toBe(1);
  });

  it('a session after MFA skips the MFA page too', async () => {
    const emu = await start('adfs3');
    const b = new Browser();
    const mfa = await adfsLogin(b, emu.entryUrl, 'dave', 'Daves-Password-4');
    const $ = cheerio.load(mfa.body);
    expect($('input[name="Context"]').length).toBe(1);
    const ok = await b.post(actionUrl(mfa, $, '#passcodeForm'), setField(formFields($, '#passcodeForm'), 'Passcode', '123456'));
    expect(samlResponseOf(ok)).toBeTruthy();
    const again = await b.get(emu.entryUrl);
    expect(samlResponseOf(again)).toBeTruthy();
    expect(again.body).not.toContain('SecurIDAuthentication');
  });

  it('accepts a direct POST to the entry URL, as aws-adfs does', async () => {
    const emu = await start('adfs3');
    const page = await new Browser().post(emu.entryUrl, [
      ['UserName', 'alice'],
      ['Password', 'Correct-Horse-1'],
      ['AuthMethod', 'FormsAuthentication'],
    ]);
    expect(samlResponseOf(page)).toBeTruthy();
  });

  it('wrong password -> login page with label#errorText and no session', async () => {
    const emu = await start('adfs3');
    const b = new Browser();
    const page = await adfsLogin(b, emu.entryUrl, 'alice', 'wrong');
    expect(page.status).toBe(200);
    const $ = cheerio.load(page.body);
    expect($('form#loginForm label#errorText').text()).toBe(AdfsText.badCredentials);
    expect($('#userNameInput').attr('value')).toBe('alice');
    expect(b.cookies.has('MSISAuth')).toBe(false);
    const unknown = cheerio.load((await adfsLogin(new Browser(), emu.entryUrl, 'mallory', 'x')).body);
    expect(unknown('#errorText').text()).toBe(AdfsText.badCredentials);
  });

  it('two UserName values -> "Duplicate post parameter" error page', async () => {
    const emu = await start('adfs3');
    const page = await new Browser().post(emu.entryUrl, [
      ['UserName', 'alice'],
      ['UserName', 'alice'],
      ['Password', 'Correct-Horse-1'],
      ['AuthMethod', 'FormsAuthentication'],
    ]);
    const $ = cheerio.load(page.body);
    expect($('#errorArea #openingMessage').text().trim()).toBe('An error occurred');
    expect($('#errorDetails').text()).toContain("Duplicate post parameter 'UserName'");
    expect(samlResponseOf(page)).toBeUndefined();
  });

  it('posting every input of the page (empty AuthMethod from form#options leaks in) fails with an error', async () => {
    const emu = await start('adfs3');
    const b = new Browser();
    const page = await b.get(emu.entryUrl);
    const $ = cheerio.load(page.body);
    // A naive client: all inputs of the document, valueless ones as "".
    let fields = formFields($, 'body');
    fields = setField(setField(fields, 'UserName', 'alice'), 'Password', 'Correct-Horse-1');
    expect(fields.filter(([k]) => k === 'AuthMethod')).toEqual([
      ['AuthMethod', 'FormsAuthentication'],
      ['AuthMethod', ''],
    ]);
    const result = await b.post(actionUrl(page, $, '#loginForm'), fields);
    expect(samlResponseOf(result)).toBeUndefined();
    expect(cheerio.load(result.body)('#errorText').text()).toBe(AdfsText.authMethodUnavailable('alice'));

    const onlyEmpty = await b.post(actionUrl(page, $, '#loginForm'), [
      ['UserName', 'alice'],
      ['Password', 'Correct-Horse-1'],
      ['AuthMethod', ''],
    ]);
    expect(cheerio.load(onlyEmpty.body)('form#loginForm #errorText').text()).toContain('The selected authentication method is not available');
  });

  it('locked account and expired password show their pages', async () => {
    const emu = await start('adfs3');
    const locked = await adfsLogin(new Browser(), emu.entryUrl, 'bob', 'Bobs-Password-2');
    expect(cheerio.load(locked.body)('#errorText').text()).toBe(AdfsText.accountLocked);
    const expired = await adfsLogin(new Browser(), emu.entryUrl, 'carol@corp.example', 'Carols-Password-3');
    const $ = cheerio.load(expired.body);
    expect($('form#updatePasswordForm').length).toBe(1);
    expect($('#expiredNotification').text()).toBe(AdfsText.passwordExpired);
    expect(samlResponseOf(expired)).toBeUndefined();
  });

  it('an unknown loginToRp gives the AD FS error page', async () => {
    const emu = await start('adfs3');
    const page = await new Browser().get(`${emu.origin}/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:nope`);
    expect(page.body).toContain('MSIS7007');
    expect(cheerio.load(page.body)('#errorMessage').text().trim()).toBe(AdfsText.genericError);
  });

  it('never records posted values', async () => {
    const emu = await start('adfs3');
    await adfsLogin(new Browser(), emu.entryUrl, 'alice', 'Correct-Horse-1');
    const post = emu.requests.find((r) => r.method === 'POST');
    expect(post?.fieldNames).toEqual(['UserName', 'Password', 'AuthMethod']);
    expect(post?.status).toBe(302);
    expect(JSON.stringify(emu.requests)).not.toContain('Correct-Horse-1');
    expect(emu.requests.map((r) => r.status)).toEqual([200, 302, 200]);
  });

  it('records the query key names of a path, never their values', async () => {
    const emu = await start('adfs3');
    await new Browser().get(`${emu.origin}/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:nope&session_code=SECRET-CODE-1`);
    expect(emu.requests.map((r) => r.path)).toEqual(['/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=…&session_code=…']);
    expect(JSON.stringify(emu.requests)).not.toContain('SECRET-CODE-1');
  });
});

describe('adfs2019 (paginated sign-in)', () => {
  it('user name page -> password page -> SAML', async () => {
    const emu = await start('adfs2019');
    const b = new Browser();
    const first = await b.get(emu.entryUrl);
    const $1 = cheerio.load(first.body);
    expect($1('form#loginFormPaginated').length).toBe(1);
    expect($1('form#loginFormPaginated #userNameInput').attr('name')).toBe('UserName');
    expect($1('#passwordInput').length).toBe(0);
    expect($1('span#nextButton').text()).toBe('Next');
    expect($1('form#loginFormPaginated input[name="AuthMethod"]').attr('value')).toBe('FormsAuthentication');
    expect($1('span#errorText').length).toBe(1);

    const second = await b.post(
      actionUrl(first, $1, '#loginFormPaginated'),
      setField(formFields($1, '#loginFormPaginated'), 'UserName', 'alice@corp.example'),
    );
    const $2 = cheerio.load(second.body);
    expect($2('form#loginForm #userNameInput').attr('value')).toBe('alice@corp.example');
    expect($2('form#loginForm #userNameInput').attr('readonly')).toBe('readonly');
    expect($2('form#loginForm #passwordInput').attr('name')).toBe('Password');
    expect($2('#userNameInputOptionsHolder').attr('name')).toBe('UserName');
    expect($2('#identityBannerDisplayName').text()).toBe('alice@corp.example');

    const final = await b.post(actionUrl(second, $2, '#loginForm'), setField(formFields($2, '#loginForm'), 'Password', 'Correct-Horse-1'));
    expect(samlResponseOf(final)).toBeTruthy();
  });

  it('a client that adds its own UserName to the password form posts two and is rejected', async () => {
    const emu = await start('adfs2019');
    const b = new Browser();
    const first = await b.get(emu.entryUrl);
    const $1 = cheerio.load(first.body);
    const second = await b.post(actionUrl(first, $1, '#loginFormPaginated'), [
      ['UserName', 'alice'],
      ['AuthMethod', 'FormsAuthentication'],
    ]);
    const $2 = cheerio.load(second.body);
    const fields: Array<[string, string]> = [...formFields($2, '#loginForm'), ['UserName', 'alice'], ['Password', 'Correct-Horse-1']];
    const result = await b.post(actionUrl(second, $2, '#loginForm'), fields);
    expect(cheerio.load(result.body)('#errorDetails').text()).toContain("Duplicate post parameter 'UserName'");
    expect(samlResponseOf(result)).toBeUndefined();
  });

  it('wrong password -> span#errorText on the password page', async () => {
    const emu = await start('adfs2019');
    const page = await new Browser().post(emu.entryUrl, [
      ['UserName', 'alice'],
      ['Password', 'nope'],
      ['AuthMethod', 'FormsAuthentication'],
    ]);
    const $ = cheerio.load(page.body);
    expect($('form#loginForm span#errorText').text()).toBe(AdfsText.badCredentials);
    expect($('span#errorText').attr('role')).toBe('alert');
  });
});

describe('adfs2 (AD FS 2.0 ASP.NET page)', () => {
  async function formsPage(b: Browser, emu: AdfsEmulator): Promise<{ page: Page; $: cheerio.CheerioAPI }> {
    const redirect = await b.get(emu.entryUrl, false);
    expect(redirect.status).toBe(302);
    expect(String(redirect.headers.location)).toMatch(/^\/adfs\/ls\/FormsSignIn\.aspx\?ReturnUrl=/);
    const page = await b.get(new URL(String(redirect.headers.location), emu.origin).toString());
    return { page, $: cheerio.load(page.body) };
  }

  it('FormsSignIn.aspx with view state -> SAML', async () => {
    const emu = await start('adfs2');
    const b = new Browser();
    const { page, $ } = await formsPage(b, emu);
    const form = $('form#aspnetForm');
    expect(form.attr('name')).toBe('aspnetForm');
    expect(form.attr('action')).toMatch(/^\.\/FormsSignIn\.aspx\?ReturnUrl=/);
    for (const hidden of ['__VIEWSTATE', '__VIEWSTATEGENERATOR', '__EVENTVALIDATION', '__db']) {
      expect($(`input[name="${hidden}"]`).attr('type')).toBe('hidden');
    }
    expect($('input[name="ctl00$ContentPlaceHolder1$SubmitButton"]').attr('value')).toBe('Sign In');
    let fields = formFields($, '#aspnetForm', 'ctl00$ContentPlaceHolder1$SubmitButton');
    fields = setField(fields, 'ctl00$ContentPlaceHolder1$UsernameTextBox', 'CORP\\alice');
    fields = setField(fields, 'ctl00$ContentPlaceHolder1$PasswordTextBox', 'Correct-Horse-1');
    const final = await b.post(actionUrl(page, $, '#aspnetForm'), fields);
    expect(samlResponseOf(final)).toBeTruthy();
  });

  it('wrong password -> ErrorTextLabel; missing __VIEWSTATE -> ASP.NET error; no button -> page again', async () => {
    const emu = await start('adfs2');
    const b = new Browser();
    const { page, $ } = await formsPage(b, emu);
    const url = actionUrl(page, $, '#aspnetForm');
    let fields = formFields($, '#aspnetForm', 'ctl00$ContentPlaceHolder1$SubmitButton');
    fields = setField(fields, 'ctl00$ContentPlaceHolder1$UsernameTextBox', 'alice');
    fields = setField(fields, 'ctl00$ContentPlaceHolder1$PasswordTextBox', 'wrong');
    const bad = cheerio.load((await b.post(url, fields)).body);
    expect(bad('span#ctl00_ContentPlaceHolder1_ErrorTextLabel').text()).toBe(AdfsText.badCredentialsAdfs2);

    const noViewState = await b.post(
      url,
      fields.filter(([k]) => k !== '__VIEWSTATE'),
    );
    expect(noViewState.status).toBe(500);
    expect(noViewState.body).toContain("Server Error in '/adfs/ls' Application.");

    const noButton = await b.post(
      url,
      setField(fields, 'ctl00$ContentPlaceHolder1$PasswordTextBox', 'Correct-Horse-1').filter(([k]) => !k.endsWith('SubmitButton')),
    );
    expect(cheerio.load(noButton.body)('form#aspnetForm').length).toBe(1);
    expect(samlResponseOf(noButton)).toBeUndefined();
  });
});

describe('generic (Keycloak-like)', () => {
  it('kc-form-login -> wrong password error -> SAML', async () => {
    const emu = await start('generic');
    expect(emu.entryUrl).toBe(`${emu.origin}/realms/corp/protocol/saml/clients/amazon-aws`);
    const b = new Browser();
    const page = await b.get(emu.entryUrl);
    const $ = cheerio.load(page.body);
    const action = $('form#kc-form-login').attr('action') ?? '';
    expect(action).toMatch(new RegExp(`^${emu.origin}/realms/corp/login-actions/authenticate\\?session_code=.+&execution=.+&client_id=.+&tab_id=.+`));
    expect($('input[name="credentialId"]').attr('type')).toBe('hidden');
    expect($('input#rememberMe').attr('type')).toBe('checkbox');
    const base = formFields($, '#kc-form-login');

    const bad = await b.post(action, setField(setField(base, 'username', 'alice'), 'password', 'x'));
    expect(cheerio.load(bad.body)('span#input-error').text()).toBe(AdfsText.keycloakBadCredentials);

    const badAction = cheerio.load(bad.body)('form#kc-form-login').attr('action') ?? '';
    const good = await b.post(badAction, setField(setField(base, 'username', 'alice'), 'password', 'Correct-Horse-1'));
    const $g = cheerio.load(good.body);
    expect($g('form[name="saml-post-binding"]').attr('action')).toBe('https://signin.aws.amazon.com/saml');
    expect(decodeSaml(samlResponseOf(good) ?? '')).toContain(ROLE.roleArn);
  });

  it('without the AUTH_SESSION_ID cookie Keycloak says so', async () => {
    const emu = await start('generic');
    const page = await new Browser().get(emu.entryUrl);
    const action = cheerio.load(page.body)('form#kc-form-login').attr('action') ?? '';
    const result = await new Browser().post(action, [
      ['username', 'alice'],
      ['password', 'Correct-Horse-1'],
    ]);
    expect(result.status).toBe(400);
    expect(result.body).toContain(AdfsText.keycloakCookieNotFound);
  });
});

describe('site-selection', () => {
  async function choose(b: Browser, emu: AdfsEmulator, rpName: string): Promise<Page> {
    const page = await b.get(emu.entryUrl);
    const $ = cheerio.load(page.body);
    const value = $('#idp_RelyingPartyDropDownList option')
      .filter((_, o) => $(o).text() === rpName)
      .attr('value');
    return b.post(actionUrl(page, $, '#idpForm'), [
      ['SignInOtherSite', 'SignInOtherSite'],
      ['RelyingParty', value ?? ''],
      ['SignInSubmit', 'Sign in'],
    ]);
  }

  it('shows form#idpForm with opaque relying-party values', async () => {
    const emu = await start('site-selection');
    expect(emu.entryUrl).toBe(`${emu.origin}/adfs/ls/IdpInitiatedSignOn.aspx`);
    const page = await new Browser().get(emu.entryUrl);
    const $ = cheerio.load(page.body);
    expect($('form#idpForm').length).toBe(1);
    expect($('#idp_ThisRpRadioButton').attr('checked')).toBe('checked');
    expect($('#idp_OtherRpRadioButton').attr('value')).toBe('SignInOtherSite');
    const options = $('select#idp_RelyingPartyDropDownList[name="RelyingParty"] option')
      .map((_, o) => [[$(o).attr('value'), $(o).text()]])
      .get();
    expect(options).toEqual([
      [relyingPartyGuid('urn:amazon:webservices'), 'Amazon Web Services'],
      [relyingPartyGuid('urn:federation:MicrosoftOnline'), 'Microsoft Office 365 Identity Platform'],
      [relyingPartyGuid('https://saml.salesforce.com'), 'Salesforce'],
    ]);
    expect(relyingPartyGuid('x')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('choosing Amazon Web Services leads to the login form and SAML for AWS', async () => {
    const emu = await start('site-selection');
    const b = new Browser();
    const login = await choose(b, emu, 'Amazon Web Services');
    const $ = cheerio.load(login.body);
    expect($('form#loginForm').attr('action')).toContain('loginToRp=urn%3Aamazon%3Awebservices');
    const fields = setField(setField(formFields($, '#loginForm'), 'UserName', 'alice'), 'Password', 'Correct-Horse-1');
    const final = await b.post(actionUrl(login, $, '#loginForm'), fields);
    expect(cheerio.load(final.body)('form[name="hiddenform"]').attr('action')).toBe('https://signin.aws.amazon.com/saml');
  });

  it('other relying parties post elsewhere (Salesforce SAML, Office 365 WS-Fed)', async () => {
    const emu = await start('site-selection');
    const b = new Browser();
    const login = await choose(b, emu, 'Salesforce');
    const $ = cheerio.load(login.body);
    const fields = setField(setField(formFields($, '#loginForm'), 'UserName', 'alice'), 'Password', 'Correct-Horse-1');
    const sf = await b.post(actionUrl(login, $, '#loginForm'), fields);
    expect(cheerio.load(sf.body)('form[name="hiddenform"]').attr('action')).toBe('https://login.salesforce.com/');
    const xml = decodeSaml(samlResponseOf(sf) ?? '');
    expect(xml).toContain('<Audience>https://saml.salesforce.com</Audience>');
    expect(xml).not.toContain('https://aws.amazon.com/SAML/Attributes/Role');

    // Already signed in: choosing Office 365 goes straight to the WS-Fed post.
    const o365 = await choose(b, emu, 'Microsoft Office 365 Identity Platform');
    const $o = cheerio.load(o365.body);
    expect($o('form[name="hiddenform"]').attr('action')).toBe('https://login.microsoftonline.com/login.srf');
    expect($o('input[name="wresult"]').length).toBe(1);
    expect(samlResponseOf(o365)).toBeUndefined();
  });
});

describe('disabled (IdP-initiated sign-on page off)', () => {
  it('answers with the AD FS error page', async () => {
    const emu = await start('disabled');
    const page = await new Browser().get(emu.entryUrl);
    expect(page.status).toBe(200);
    const $ = cheerio.load(page.body);
    expect($('#errorArea #openingMessage').text().trim()).toBe('An error occurred');
    expect($('#errorMessage').text().trim()).toBe(AdfsText.genericError);
    expect(page.body).toContain('MSIS7012');
    expect($('form#loginForm').length).toBe(0);
    expect($('#errorDetails').text()).toContain('Activity ID:');
  });
});

describe('MFA adapters', () => {
  it('SecurID: passcode page with AuthMethod and Context; wrong code errors; 123456 completes', async () => {
    const emu = await start('adfs3');
    const b = new Browser();
    const mfa = await adfsLogin(b, emu.entryUrl, 'dave', 'Daves-Password-4');
    const $ = cheerio.load(mfa.body);
    expect($('title').text()).toBe('RSA SecurID Authentication');
    expect($('form#passcodeForm').attr('action')).toBeUndefined();
    expect($('input#authMethod').attr('value')).toBe('SecurIDAuthentication');
    expect(($('input#context').attr('value') ?? '').length).toBeGreaterThan(1000);
    expect($('input#passcodeInput').attr('name')).toBe('Passcode');
    expect(b.cookies.has('MSISAuth')).toBe(false);

    const url = actionUrl(mfa, $, '#passcodeForm');
    const wrong = await b.post(url, setField(formFields($, '#passcodeForm'), 'Passcode', '000000'));
    const $wrong = cheerio.load(wrong.body);
    expect($wrong('#errorText').text()).toBe(AdfsText.mfaCodeRejected);
    // Every round has a new Context; the spent one is refused.
    expect($wrong('input#context').attr('value')).not.toBe($('input#context').attr('value'));
    const stale = await b.post(url, setField(formFields($, '#passcodeForm'), 'Passcode', '123456'));
    expect(samlResponseOf(stale)).toBeUndefined();
    const ok = await b.post(url, setField(formFields($wrong, '#passcodeForm'), 'Passcode', '123456'));
    expect(samlResponseOf(ok)).toBeTruthy();
  });

  it('Azure MFA push: waiting page, polls with the latest Context, approval after N polls', async () => {
    const emu = await start('adfs2019');
    const b = new Browser();
    const mfa = await b.post(emu.entryUrl, [
      ['UserName', 'erin'],
      ['Password', 'Erins-Password-5'],
      ['AuthMethod', 'FormsAuthentication'],
    ]);
    const $ = cheerio.load(mfa.body);
    expect($('input#authMethod').attr('value')).toBe('AzureMfaAuthentication');
    expect($('p#instructions').text()).toBe(AdfsText.azureMfaPush);
    const optionsAction = actionUrl(mfa, $, '#options');
    const poll = (context: string): Array<[string, string]> => [
      ['AuthMethod', 'AzureMfaAuthentication'],
      ['Context', context],
    ];
    const first = await b.post(optionsAction, poll($('input#context').attr('value') ?? ''));
    const $first = cheerio.load(first.body);
    expect($first('p#instructions').length).toBe(1);
    expect(samlResponseOf(first)).toBeUndefined();
    const second = await b.post(optionsAction, poll($first('input#context').attr('value') ?? ''));
    expect(samlResponseOf(second)).toBeTruthy();
  });

  it('Azure MFA Server: one POST of AuthMethod + Context that answers when the phone does', async () => {
    const emu = await start('adfs3');
    const b = new Browser();
    const mfa = await adfsLogin(b, emu.entryUrl, 'frank', 'Franks-Password-6');
    const $ = cheerio.load(mfa.body);
    expect($('form#loginForm input[name="AuthMethod"]').attr('value')).toBe('AzureMfaServerAuthentication');
    expect($('input#verificationCodeInput').length).toBe(0);
    const ok = await b.post(actionUrl(mfa, $, '#loginForm'), formFields($, '#loginForm'));
    expect(samlResponseOf(ok)).toBeTruthy();
  });
});

describe('https', () => {
  it('serves TLS with a test CA and marks cookies Secure', async () => {
    const ca = createTestCa();
    const emu = await start('adfs3', { https: ca.issueServerCert(['127.0.0.1', 'localhost']) });
    expect(emu.origin).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const b = new Browser(ca.ca.certPem);
    const page = await adfsLogin(b, emu.entryUrl, 'alice', 'Correct-Horse-1');
    expect(samlResponseOf(page)).toBeTruthy();
    expect(b.setCookieHeaders.find((c) => c.startsWith('MSISAuth='))).toMatch(/; HttpOnly; Secure$/);
    await expect(new Browser().get(emu.entryUrl)).rejects.toThrow();
  });
});

describe('latencyMs', () => {
  it('holds every answer back (a slow emulator answers after a prompt one), and close() does not wait for it', async () => {
    const slow = await start('adfs3', { latencyMs: 600_000 });
    const prompt = await start('adfs3');
    let answered = false;
    const pending = new Browser().get(slow.entryUrl).then(
      () => (answered = true),
      () => 'closed',
    );
    // The prompt emulator's whole page arrives while the slow one still holds its answer (10 minutes).
    expect((await new Browser().get(prompt.entryUrl)).status).toBe(200);
    expect(answered).toBe(false);
    expect(slow.requests).toEqual([]);
    await slow.close();
    expect(await pending).toBe('closed');
  });
});

describe('Windows integrated sign-in (wia)', () => {
  const IE11 = 'Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko';
  const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
  const get = (url: string, ua: string) => fetch(url, { headers: { 'user-agent': ua }, redirect: 'manual' });

  it('sends a WIA user agent to /adfs/ls/wia, which offers Negotiate and NTLM', async () => {
    const emu = await start('adfs3', { wia: {} });
    const first = await get(emu.entryUrl, IE11);
    expect(first.status).toBe(302);
    expect(first.headers.get('location')).toBe('/adfs/ls/wia?loginToRp=urn:amazon:webservices');
    const wia = await get(`${emu.origin}/adfs/ls/wia?loginToRp=urn:amazon:webservices`, IE11);
    expect(wia.status).toBe(401);
    expect(wia.headers.get('www-authenticate')).toBe('Negotiate, NTLM');
  });

  it('a user agent outside WIASupportedUserAgents gets the forms page, as AD FS does', async () => {
    const emu = await start('adfs3', { wia: {} });
    const page = await get(emu.entryUrl, CHROME);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('id="loginForm"');
    const wia = await get(`${emu.origin}/adfs/ls/wia?loginToRp=urn:amazon:webservices`, CHROME);
    expect(wia.status).toBe(302);
    expect(wia.headers.get('location')).toBe('/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices');
  });
});
