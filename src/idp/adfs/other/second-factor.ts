/**
 * Second-factor pages of SAML IdPs other than AD FS (pure): what the page asks for, as the same
 * MfaPageDetails the AD FS adapters produce, so the code handler (../adfs/mfa/code.ts), its code sources,
 * its retry rule and its typed errors serve every IdP. Checked in this order:
 *   1. WebAuthn / security key (Keycloak form#webauth / #kc-form-webauthn, any page calling
 *      navigator.credentials.get): cannot be answered from a terminal -> step 'security-key';
 *   2. Keycloak one-time code: form#kc-otp-login-form / #kc-totp-login-form, field otp or totp, and the
 *      selectedCredentialId radios (or select) when the user has several OTP devices;
 *   3. PingID: form#otp-form with field otp; the swipe/push wait page (div.numbermatching, a form posting
 *      to .../pingid/ppm/auth, script polling .../pingid/ppm/auth/status) -> step 'ping-push';
 *   4. F5 BIG-IP APM: an mfatoken input, with its mfamethod select;
 *   5. the generic rule: a form with ONE short visible code field and no password.
 * Markup facts: /work/shared/DESIGN.md ("Other IdPs") and fixtures/{keycloak,pingfed,f5,generic}/.
 */
import type { CheerioAPI } from 'cheerio/slim';
import { extractForm, findIn, type HtmlForm } from '../form.js';
import type { MfaDeviceChoice, MfaPageDetails } from '../mfa/page.js';
import { otherErrorText } from './error-text.js';

type Selection = ReturnType<CheerioAPI>;

export const KEYCLOAK = 'Keycloak';
export const PINGID = 'PingID';
export const F5_APM = 'F5 BIG-IP APM';
/** The generic rule's adapter name; reads well in "the one-time code" messages. */
export const GENERIC_CODE = 'one-time';

const VISIBLE_INPUT = 'input:not([type="hidden" i]):not([type="submit" i]):not([type="button" i]):not([type="checkbox" i]):not([type="radio" i]):not([type="image" i]):not([type="reset" i])';
const GENERIC_CODE_NAME = /otp|totp|passcode|token|code|pin$|mfa|2fa|verif/i;
const USER_OR_SEARCH_NAME = /user|e-?mail|login|account|search|^q$|query/i;
const MAX_CODE_LENGTH = 12;

export function classifyOtherMfaPage($: CheerioAPI, url: string): MfaPageDetails | undefined {
  return securityKeyPage($, url) ?? keycloakOtp($, url) ?? pingId($, url) ?? f5Apm($, url) ?? genericCode($, url);
}

function securityKeyPage($: CheerioAPI, url: string): MfaPageDetails | undefined {
  const keycloak = $('form#webauth, #kc-form-webauthn').first();
  const scripted = $('script')
    .toArray()
    .some((s) => /navigator\.credentials\.get\s*\(/.test($(s).text()));
  if (keycloak.length === 0 && !scripted) return undefined;
  const formEl = keycloak.is('form') ? keycloak : keycloak.length > 0 ? keycloak.find('form').first() : $('form').first();
  const form = formEl.length > 0 ? extractForm($, formEl.get(0), url) : emptyForm(url);
  const isKeycloak = keycloak.length > 0 || $('[id^="kc-"]').length > 0;
  const isPing = /ping/i.test(`${$('title').text()} ${url}`) || $('[class*="ping"]').length > 0;
  const adapter = isKeycloak ? KEYCLOAK : isPing ? PINGID : 'IdP';
  const tryAnother = $('#try-another-way, #kc-select-try-another-way-form').length > 0;
  const alternative = tryAnother ? 'the "Try another way" link of the sign-in page' : undefined;
  const method = `${isKeycloak ? 'Keycloak WebAuthn' : isPing ? 'PingID' : 'WebAuthn'} security key / passkey`;
  return { adapter, form, step: { kind: 'security-key', method, ...(alternative ? { alternative } : {}) } };
}

function keycloakOtp($: CheerioAPI, url: string): MfaPageDetails | undefined {
  const formEl = $('form#kc-otp-login-form, form#kc-totp-login-form').first();
  if (formEl.length === 0) return undefined;
  const form = extractForm($, formEl.get(0), url);
  const codeField = ['otp', 'totp'].find((n) => form.fields.some((f) => f.name === n));
  if (codeField === undefined) return undefined;
  const choice = keycloakCredentials($, formEl);
  const errorText = firstText($, ['#input-error-otp-code', '#input-error', 'span.kc-feedback-text', '.kc-feedback-text', '.alert-error']) ?? otherErrorText($);
  const instructions = squash($(`label[for="${codeField}"]`).first().text()) || undefined;
  return details(KEYCLOAK, form, codeField, choice, instructions, errorText);
}

/** The OTP devices: radios (Keycloak 12+) or a select (some themes), each labelled with the device name. */
function keycloakCredentials($: CheerioAPI, formEl: Selection): MfaDeviceChoice | undefined {
  const options: MfaDeviceChoice['options'] = [];
  formEl.find('input[type="radio" i][name="selectedCredentialId"]').each((_, r) => {
    const radio = $(r);
    const id = radio.attr('id');
    const label = id ? squash($(`label[for="${id}"]`).first().text()) : '';
    const value = radio.attr('value') ?? '';
    options.push({ value, label: label || value });
  });
  formEl.find('select[name="selectedCredentialId"] option').each((_, o) => {
    const option = $(o);
    const value = option.attr('value') ?? squash(option.text());
    options.push({ value, label: squash(option.text()) || value });
  });
  return options.length > 1 ? { field: 'selectedCredentialId', options } : undefined;
}

function pingId($: CheerioAPI, url: string): MfaPageDetails | undefined {
  const otpForm = $('form#otp-form').first();
  if (otpForm.length > 0 && otpForm.find('input[name="otp"]').length > 0) {
    const form = extractForm($, otpForm.get(0), url);
    const errorText = firstText($, ['.ping-error', '#otp-error']) ?? otherErrorText($);
    const instructions = squash($('label[for="otp"]').first().text()) || undefined;
    return details(PINGID, form, 'otp', undefined, instructions, errorText);
  }
  const statusUrl = pingStatusUrl($, url);
  if (statusUrl === undefined) return undefined;
  const formEl = $('form[action*="pingid/ppm/auth" i]').first();
  const form = formEl.length > 0 ? extractForm($, formEl.get(0), url) : emptyForm(url);
  const number = squash($('div.numbermatching').first().text()).replace(/\D/g, '');
  const errorText = firstText($, ['.ping-error']);
  const instructions = firstText($, ['.ping-instructions', '#instructions', '.swipe-instructions']);
  return {
    adapter: PINGID,
    form,
    step: { kind: 'ping-push', statusUrl, ...(/^\d{1,4}$/.test(number) ? { numberToMatch: number } : {}) },
    ...(instructions ? { instructions } : {}),
    ...(errorText ? { errorText } : {}),
  };
}

/** The swipe page polls .../pingid/ppm/auth/status; it is named in a script, a data attribute, or is the form's action plus /status. */
function pingStatusUrl($: CheerioAPI, url: string): string | undefined {
  for (const s of $('script').toArray()) {
    const match = /["']([^"'\s]*pingid\/ppm\/auth\/status[^"'\s]*)["']/i.exec($(s).text());
    if (match?.[1]) return new URL(match[1], url).toString();
  }
  const data = $('[data-status-url*="pingid/ppm/auth/status" i]').first().attr('data-status-url');
  if (data) return new URL(data, url).toString();
  const action = $('form[action*="pingid/ppm/auth" i]').first().attr('action');
  if (action && ($('div.numbermatching').length > 0 || $('input[name="otp"]').length === 0)) {
    const base = new URL(action, url);
    if (/\/pingid\/ppm\/auth\/?$/i.test(base.pathname)) {
      base.pathname = `${base.pathname.replace(/\/$/, '')}/status`;
      base.search = '';
      return base.toString();
    }
  }
  return undefined;
}

function f5Apm($: CheerioAPI, url: string): MfaPageDetails | undefined {
  const input = $('input[name="mfatoken"]').first();
  if (input.length === 0) return undefined;
  const formEl = input.closest('form');
  if (formEl.length === 0) return undefined;
  const form = extractForm($, formEl.get(0), url);
  const options: MfaDeviceChoice['options'] = [];
  formEl.find('select[name="mfamethod"] option').each((_, o) => {
    const option = $(o);
    const value = option.attr('value') ?? squash(option.text());
    options.push({ value, label: squash(option.text()) || value });
  });
  const choice = options.length > 1 ? { field: 'mfamethod', options } : undefined;
  const instructions = squash($('label[for="input_mfatoken"], label[for="mfatoken"]').first().text()) || undefined;
  return details(F5_APM, form, 'mfatoken', choice, instructions, otherErrorText($));
}

function genericCode($: CheerioAPI, url: string): MfaPageDetails | undefined {
  for (const el of $('form').toArray()) {
    const formNode = $(el);
    if (formNode.is('#loginFormPaginated, #loginForm, #idpForm, #aspnetForm')) continue;
    const visible = findIn($, el, VISIBLE_INPUT).filter((_, i) => $(i).closest('form').get(0) === el && $(i).attr('disabled') === undefined);
    if (visible.length !== 1 || findIn($, el, 'select, textarea').length > 0) continue;
    const input = visible.first();
    const name = input.attr('name') ?? '';
    const type = (input.attr('type') ?? 'text').toLowerCase();
    const oneTime = /one-time-code/i.test(input.attr('autocomplete') ?? '');
    if (name === '' || (!oneTime && (!GENERIC_CODE_NAME.test(name) || USER_OR_SEARCH_NAME.test(name)))) continue;
    if (!['text', 'tel', 'number', 'password'].includes(type)) continue;
    const maxLength = Number(input.attr('maxlength') ?? '0');
    if (maxLength > MAX_CODE_LENGTH) continue;
    const form = extractForm($, el, url);
    if (form.method !== 'POST') continue;
    const id = input.attr('id');
    const instructions = (id ? squash($(`label[for="${id}"]`).first().text()) : '') || undefined;
    return details(GENERIC_CODE, form, name, undefined, instructions, otherErrorText($));
  }
  return undefined;
}

function details(adapter: string, form: HtmlForm, codeField: string, choice: MfaDeviceChoice | undefined, instructions: string | undefined, errorText: string | undefined): MfaPageDetails {
  return {
    adapter,
    form,
    step: { kind: 'code', codeField, purpose: 'code', ...(choice ? { choice } : {}) },
    ...(instructions ? { instructions } : {}),
    ...(errorText ? { errorText } : {}),
  };
}

function firstText($: CheerioAPI, selectors: string[]): string | undefined {
  for (const selector of selectors) {
    for (const el of $(selector).toArray()) {
      const node = $(el);
      if (node.attr('hidden') !== undefined || /display\s*:\s*none/i.test(node.attr('style') ?? '')) continue;
      const text = squash(node.text());
      if (text) return text;
    }
  }
  return undefined;
}

function emptyForm(url: string): HtmlForm {
  return { action: url, method: 'GET', fields: [], submits: [] };
}

function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
