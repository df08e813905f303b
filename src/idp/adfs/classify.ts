/**
 * Classifies an IdP page (pure): what kind of page it is and the form to post next. The order of the
 * checks matters and is the documented precedence:
 *   1. a SAMLResponse input                         -> saml-response
 *   2. AD FS "IdP-initiated sign-on is disabled"      -> error (idp-initiated-disabled)
 *   3. an update-password page                         -> error (password-expired)
 *   4. a non-forms AuthMethod or a Context blob with a code input              -> mfa
 *      then other IdPs' second factors (Keycloak, PingID, F5 APM, WebAuthn, one code field; other/)
 *      (before error texts: an adapter re-shows its page with its own error, e.g. a wrong code, and
 *      the adapter's handler tells a retry from a denial; mfa/page.ts)
 *   5. a non-empty error text (AD FS, Keycloak, Shibboleth, AD FS error page; then PingFederate,
 *      SimpleSAMLphp and the generic role=alert rule, other/error-text.ts)         -> error
 *      (a login form WITH an error text is an error: re-posting it would loop)
 *   5b. form#options alone with one link per provider ("choose a method")      -> mfa-choice
 *   6. form#idpForm                                    -> site-selection
 *   7. form#loginFormPaginated without password        -> username-page
 *      form#loginForm with a hidden UserName holder    -> password-page
 *      form#loginForm, aspnetForm, any password form   -> login-form
 *   8. anything else                                   -> unknown (with the title)
 * Markup facts are in /work/shared/DESIGN.md ("Facts") and the fixtures in fixtures/adfs/.
 */
import { type CheerioAPI, load } from 'cheerio';
import { extractForm, type HtmlForm } from './form.js';
import { classifyMethodChoice, classifyMfaPage, type MfaMethodOption, type MfaStep } from './mfa/page.js';
import { otherErrorText } from './other/error-text.js';
import { classifyOtherMfaPage } from './other/second-factor.js';

export type ErrorReason = 'bad-credentials' | 'locked' | 'password-expired' | 'idp-initiated-disabled' | 'other';

export interface RelyingPartyOption {
  value: string;
  name: string;
}

export type Page =
  | { kind: 'saml-response'; samlResponse: string; action: string; relayState?: string }
  | { kind: 'login-form'; form: HtmlForm }
  | { kind: 'username-page'; form: HtmlForm }
  | { kind: 'password-page'; form: HtmlForm }
  | { kind: 'site-selection'; form: HtmlForm; relyingParties: RelyingPartyOption[] }
  | { kind: 'mfa'; adapter: string; form: HtmlForm; codeField?: string; step: MfaStep; instructions?: string; errorText?: string }
  | { kind: 'mfa-choice'; form: HtmlForm; methods: MfaMethodOption[] }
  | { kind: 'error'; message: string; reason: ErrorReason }
  | { kind: 'unknown'; title: string };

export type PageKind = Page['kind'];

// Error texts, most specific first. AD FS, Keycloak and Shibboleth wordings (English); anything else is 'other'.
const LOCKED = /locked|lockout|disabled account|account (?:is|has been) disabled/i;
const EXPIRED = /expired|must (?:be )?change|change your password|update (?:your )?password/i;
const BAD_CREDENTIALS = /incorrect|invalid (?:user|username|password|credentials)|wrong|not recognized|unknown user|could not be found|username or password|user name or password|user id or password|authentication failed|login failed/i;

export function classify(html: string, url: string): Page {
  const $ = load(html);

  const samlInput = $('input[name="SAMLResponse"]').first();
  if (samlInput.length > 0 && (samlInput.attr('value') ?? '') !== '') {
    const formEl = samlInput.closest('form');
    const action = formEl.length > 0 ? extractForm($, formEl.get(0), url).action : url;
    const relayState = formEl.find('input[name="RelayState"]').attr('value');
    return { kind: 'saml-response', samlResponse: samlInput.attr('value') ?? '', action, ...(relayState ? { relayState } : {}) };
  }

  const disabled = idpInitiatedDisabled($, url);
  if (disabled) return { kind: 'error', message: disabled, reason: 'idp-initiated-disabled' };

  if ($('form#updatePasswordForm').length > 0 || $('input[name="NewPassword"]').length > 0) {
    const text = errorText($) ?? (squash($('#expiredNotification, #updatePasswordMessage').first().text()) || 'Your password has expired and must be changed.');
    return { kind: 'error', message: text, reason: 'password-expired' };
  }

  // AD FS adapters first (AuthMethod + Context), then Keycloak, PingID, F5 APM, WebAuthn and the generic
  // one-code form (src/idp/adfs/other/second-factor.ts).
  const mfa = classifyMfaPage($, url) ?? classifyOtherMfaPage($, url);
  if (mfa) {
    const codeField = mfa.step.kind === 'code' ? mfa.step.codeField : undefined;
    return {
      kind: 'mfa',
      adapter: mfa.adapter,
      form: mfa.form,
      step: mfa.step,
      ...(codeField ? { codeField } : {}),
      ...(mfa.instructions ? { instructions: mfa.instructions } : {}),
      ...(mfa.errorText ? { errorText: mfa.errorText } : {}),
    };
  }

  const error = errorText($);
  if (error) return { kind: 'error', message: error, reason: errorReason(error) };

  const choice = classifyMethodChoice($, url);
  if (choice) return { kind: 'mfa-choice', ...choice };

  const idpForm = $('form#idpForm').first();
  if (idpForm.length > 0) {
    const form = extractForm($, idpForm.get(0), url);
    const relyingParties: RelyingPartyOption[] = [];
    idpForm.find('select[name="RelyingParty"] option').each((_, o) => {
      const option = $(o);
      const name = squash(option.text());
      relyingParties.push({ value: option.attr('value') ?? name, name });
    });
    return { kind: 'site-selection', form, relyingParties };
  }

  const paginated = $('form#loginFormPaginated').first();
  if (paginated.length > 0) {
    const form = extractForm($, paginated.get(0), url);
    return form.passwordField ? { kind: 'login-form', form } : { kind: 'username-page', form };
  }

  const loginForm = $('form#loginForm').first();
  if (loginForm.length > 0) {
    const form = extractForm($, loginForm.get(0), url);
    if (form.passwordField) {
      return hasUserNameHolder(form) ? { kind: 'password-page', form } : { kind: 'login-form', form };
    }
  }

  const aspnet = $('form#aspnetForm').first();
  if (aspnet.length > 0 && aspnet.find('input[name="ctl00$ContentPlaceHolder1$UsernameTextBox"]').length > 0) {
    return { kind: 'login-form', form: extractForm($, aspnet.get(0), url) };
  }

  // Generic IdPs (Keycloak, Shibboleth, ...): the form that holds a password input and a user-name input.
  const candidates = $('form').filter((_, f) => $(f).find('input[type="password" i]').length > 0);
  for (const el of candidates.toArray()) {
    const form = extractForm($, el, url);
    if (form.passwordField && form.userNameField) return { kind: 'login-form', form };
  }

  return { kind: 'unknown', title: squash($('title').first().text()) };
}

/** The visible error message of the page, when there is one. */
function errorText($: CheerioAPI): string | undefined {
  const selectors = [
    '#errorText', // AD FS 2012 R2 (label) and 2016+ (span)
    '.TextColorError', // AD FS 2.0 (ASP.NET)
    '#input-error', // Keycloak
    '.kc-feedback-text',
    '.alert-error',
    '.form-error', // Shibboleth IdP
  ];
  for (const selector of selectors) {
    for (const el of $(selector).toArray()) {
      const text = squash($(el).text());
      if (text) return text;
    }
  }
  // The AD FS error page: a generic #errorMessage, and an MSIS code in the diagnostic block when there is one.
  const message = squash($('#errorMessage').first().text());
  const msis = /MSIS\d{4}[^.]*\.?/.exec(squash($('#diagnosticInfo, #errorArea').text()))?.[0];
  if (message && msis) return `${message} (${msis})`;
  if (message || msis) return message || msis;
  // PingFederate, Shibboleth 4+, SimpleSAMLphp and the generic role=alert / error-class rule.
  return otherErrorText($);
}

function errorReason(message: string): ErrorReason {
  if (LOCKED.test(message)) return 'locked';
  if (EXPIRED.test(message)) return 'password-expired';
  if (BAD_CREDENTIALS.test(message)) return 'bad-credentials';
  return 'other';
}

/**
 * Since AD FS 2016 the IdP-initiated page is off by default (EnableIdpInitiatedSignonPage). The request then
 * lands on the generic error page; only the URL and the message tell it apart.
 */
function idpInitiatedDisabled($: CheerioAPI, url: string): string | undefined {
  const text = squash($('body').text());
  // Some AD FS builds name the exception in the diagnostic block.
  if (/IdPInitiatedSignonPageDisabled|EnableIdpInitiatedSignonPage/i.test($('#errorArea, #diagnosticInfo, #errorMessage').text())) {
    return squash($('#errorMessage').text()) || 'The IdP-initiated sign-on page is disabled.';
  }
  if (!/idpinitiatedsignon/i.test(pathOf(url))) return undefined;
  if ($('form#idpForm, form#loginForm, form#loginFormPaginated, form#aspnetForm').length > 0) return undefined;
  if ($('#errorArea, #errorMessage').length > 0 && /not available|not enabled|disabled/i.test(text)) {
    return squash($('#errorMessage').text()) || squash($('#errorArea').text());
  }
  return undefined;
}

/** 2019 paginated page 2 keeps the user name from page 1 in a hidden UserName input (userNameInputHolder). */
function hasUserNameHolder(form: HtmlForm): boolean {
  return form.fields.some((f) => f.type === 'hidden' && f.name === 'UserName' && f.value !== '');
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
