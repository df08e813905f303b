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
import type { CheerioAPI } from 'cheerio/slim';
import { loadPage } from '../load-page.js';
import { extractForm, findIn, type HtmlForm } from './form.js';
import { pageTooComplexError } from './page-error.js';
import { classifyMethodChoice, classifyMfaPage, type MfaChoicePage, type MfaPage } from './mfa/page.js';
import { otherErrorText } from './other/error-text.js';
import { classifyOtherMfaPage } from './other/second-factor.js';

// Where the callers of the classifier have always found it (it now lives in its own module, shared with Duo
// and the account-name reader).
export { loadPage } from '../load-page.js';

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
  | MfaPage
  | MfaChoicePage
  | { kind: 'error'; message: string; reason: ErrorReason }
  | { kind: 'unknown'; title: string };

export type PageKind = Page['kind'];

// Error texts, most specific first. AD FS, Keycloak and Shibboleth wordings (English); anything else is 'other'.
const LOCKED = /locked|lockout|disabled account|account (?:is|has been) disabled/i;
const EXPIRED = /expired|must (?:be )?change|change your password|update (?:your )?password/i;
const BAD_CREDENTIALS = /incorrect|invalid (?:user|username|password|credentials)|wrong|not recognized|unknown user|could not be found|username or password|user name or password|user id or password|authentication failed|login failed/i;

export function classify(html: string, url: string): Page {
  assertPageShape(html, url);
  const $ = loadPage(html);

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
  const candidates = $('form').filter((_, f) => findIn($, f, 'input[type="password" i]').length > 0);
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

/**
 * Page-shape limits (issue 6). The HTML parser's tree building is quadratic in the nesting depth (it
 * scans its stack of open elements for most tags; 16,000 nested divs took seconds) and cheerio's text()
 * recurses, so a deep page ended in "Maximum call stack size exceeded". cheerio's find() also sorts its
 * results by document position, which is quadratic in the number of siblings (16,000 options: close to
 * a second per lookup). Real sign-in pages nest about 20 deep and hold a few hundred elements; these
 * caps are far above that and keep every lookup well under a second.
 */
export const MAX_PAGE_DEPTH = 256;
export const MAX_PAGE_ELEMENTS = 5000;
/** Formatting elements closed out of order are re-created by the parser at every text run: few allowed. */
const MAX_UNCLOSED_FORMATTING = 40;

const VOID_ELEMENTS = new Set(['area', 'base', 'basefont', 'bgsound', 'br', 'col', 'embed', 'frame', 'hr', 'img', 'input', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
/**
 * Their content is text up to the matching end tag, as htmlparser2 (cheerio/slim, the parser of these
 * pages) reads it: script, style, title and textarea. Unlike an HTML5 parser it reads tags inside xmp,
 * iframe, noembed, noframes and noscript (and nests plaintext like any element), so skipping those here
 * would under-count the depth.
 */
const RAW_TEXT_ELEMENTS = new Set(['script', 'style', 'title', 'textarea']);
const FORMATTING_ELEMENTS = new Set(['a', 'b', 'big', 'code', 'em', 'font', 'i', 'nobr', 's', 'small', 'strike', 'strong', 'tt', 'u']);
/** An end tag does not close an element beyond these (the parser's "in scope" boundaries). */
const SCOPE_BOUNDARIES = new Set(['applet', 'caption', 'html', 'marquee', 'object', 'table', 'td', 'th', 'template', 'svg', 'math']);
const CLOSES_P = ['p'];
const BLOCKS_CLOSING_P = ['address', 'article', 'aside', 'blockquote', 'center', 'details', 'dialog', 'dir', 'div', 'dl', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'main', 'menu', 'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'ul'];
/** Start tags that end open elements without an end tag (HTML's optional end tags), as the parser does. */
const IMPLIED_ENDS = new Map<string, ReadonlySet<string>>([
  ...BLOCKS_CLOSING_P.map((tag) => [tag, new Set(CLOSES_P)] as const),
  ['li', new Set(['li', 'p'])],
  ['dt', new Set(['dt', 'dd', 'p'])],
  ['dd', new Set(['dt', 'dd', 'p'])],
  ['option', new Set(['option'])],
  ['optgroup', new Set(['option', 'optgroup'])],
  ['td', new Set(['td', 'th'])],
  ['th', new Set(['td', 'th'])],
  ['tr', new Set(['td', 'th', 'tr'])],
  ...['tbody', 'thead', 'tfoot'].map((tag) => [tag, new Set(['td', 'th', 'tr', 'tbody', 'thead', 'tfoot'])] as const),
  ...['rb', 'rp', 'rt', 'rtc'].map((tag) => [tag, new Set(['rb', 'rp', 'rt', 'rtc'])] as const),
]);

/**
 * One linear pass over the markup that estimates the depth the parser will build, erring towards
 * deeper: it follows the optional-end-tag rules real pages rely on (unclosed li, option, td, p) but
 * never lets an end tag close past a scope boundary, and counts formatting elements left open out of
 * order (the parser re-creates those) as still open. Every step advances with indexOf, and a closing
 * end tag looks at most MAX_PAGE_DEPTH entries down, so the cost is linear in the page.
 */
function assertPageShape(html: string, url: string): void {
  const stack: string[] = [];
  let unclosedFormatting = 0;
  let foreign = 0; // open svg/math elements: there `<x/>` really is self-closing
  let elements = 0;
  const tooDeep = (): never => {
    throw pageTooComplexError(`nests HTML elements more than ${MAX_PAGE_DEPTH} deep`, url);
  };
  const pop = (): void => {
    const name = stack.pop();
    if (name === 'svg' || name === 'math') foreign -= 1;
  };
  const tagName = /[^\s/>]*/y;
  let pos = 0;
  for (;;) {
    const lt = html.indexOf('<', pos);
    if (lt === -1) return;
    const next = html[lt + 1] ?? '';
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      if (end === -1) return;
      pos = end + 3;
      continue;
    }
    if (next === '!' || next === '?') {
      const end = html.indexOf('>', lt + 2);
      if (end === -1) return;
      pos = end + 1;
      continue;
    }
    const isEnd = next === '/';
    const nameStart = isEnd ? lt + 2 : lt + 1;
    if (!/[A-Za-z]/.test(html[nameStart] ?? '')) {
      // `</ x>` and `</>` are bogus comments (to the next `>`); a `<` before anything else is text.
      if (isEnd) {
        const end = html.indexOf('>', lt + 2);
        if (end === -1) return;
        pos = end + 1;
      } else {
        pos = lt + 1;
      }
      continue;
    }
    tagName.lastIndex = nameStart;
    const name = (tagName.exec(html)?.[0] ?? '').toLowerCase();
    const end = tagEnd(html, nameStart + name.length);
    if (end === -1) return;
    pos = end;
    if (isEnd) {
      closeElement(name);
      continue;
    }
    elements += 1;
    if (elements > MAX_PAGE_ELEMENTS) throw pageTooComplexError(`has more than ${MAX_PAGE_ELEMENTS} HTML elements`, url);
    if (VOID_ELEMENTS.has(name) || (foreign > 0 && html[end - 2] === '/')) continue;
    const closes = IMPLIED_ENDS.get(name);
    while (closes && stack.length > 0 && closes.has(stack[stack.length - 1] as string)) pop();
    stack.push(name);
    if (name === 'svg' || name === 'math') foreign += 1;
    if (stack.length + unclosedFormatting > MAX_PAGE_DEPTH) tooDeep();
    if (RAW_TEXT_ELEMENTS.has(name)) {
      const close = indexOfEndTag(html, name, end);
      if (close === -1) return;
      pos = close;
    }
  }

  function closeElement(name: string): void {
    const top = stack.length - 1;
    if (FORMATTING_ELEMENTS.has(name)) {
      // Only a properly nested one closes; out of order the parser's adoption agency keeps the depth.
      if (stack[top] === name) pop();
      else if (!stack.includes(name) && unclosedFormatting > 0) unclosedFormatting -= 1;
      return;
    }
    for (let i = top; i >= 0 && i >= top - MAX_PAGE_DEPTH; i--) {
      const open = stack[i] as string;
      if (open === name) {
        for (let j = top; j > i; j--) if (FORMATTING_ELEMENTS.has(stack[j] as string)) unclosedFormatting += 1;
        while (stack.length > i) pop();
        if (unclosedFormatting > MAX_UNCLOSED_FORMATTING || stack.length + unclosedFormatting > MAX_PAGE_DEPTH) tooDeep();
        return;
      }
      if (SCOPE_BOUNDARIES.has(open)) return;
    }
  }
}

/** Index just past the `>` that ends the tag whose name ends at `from`; quotes count only after `=`. */
function tagEnd(html: string, from: number): number {
  let i = from;
  while (i < html.length) {
    const c = html[i];
    if (c === '>') return i + 1;
    i += 1;
    if (c === '=') {
      while (i < html.length && /\s/.test(html[i] as string)) i += 1;
      const quote = html[i];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, i + 1);
        if (close === -1) return -1;
        i = close + 1;
      }
    }
  }
  return -1;
}

/** Start of `</name` (any case) at or after `from`, or -1. */
function indexOfEndTag(html: string, name: string, from: number): number {
  const pattern = new RegExp(`</${name}(?=[\\s/>])`, 'gi');
  pattern.lastIndex = from;
  return pattern.exec(html)?.index ?? -1;
}
