/**
 * Extraction of ONE HTML form as a browser would submit it (pure). AD FS pages carry several forms
 * (form#loginForm beside form#options, whose empty AuthMethod must not leak into the sign-in post), so
 * fields are always read from the form element itself, never from the whole page.
 */
import type { CheerioAPI } from 'cheerio/slim';
import { badFormActionError } from './page-error.js';

/** An element as the DOM sees it; `Cheerio<Element>` without depending on domhandler's types. */
type Node = Parameters<CheerioAPI>[0];

/**
 * `$(form).find(selector)`, without its cost on big forms: cheerio's find takes the form's children as its
 * context and de-duplicates them pairwise, which is quadratic on a form with thousands of children. One
 * query over the page (loadPage gives its root one child), kept when inside the form, is linear; the classifier
 * caps nesting, so each ancestor walk is short.
 */
export function findIn($: CheerioAPI, formElement: Node, selector: string): ReturnType<CheerioAPI> {
  return $(selector).filter((_, el) => {
    for (let n = (el as { parent?: unknown }).parent; n; n = (n as { parent?: unknown }).parent) if (n === formElement) return true;
    return false;
  });
}

export interface FormField {
  name: string;
  value: string;
  /** Lower-case input type; 'select' and 'textarea' for those elements. */
  type: string;
  /** For checkboxes and radios: posted only when checked. Always true for other fields. */
  checked: boolean;
}

export interface SubmitButton {
  name: string;
  value: string;
  id?: string;
}

export interface HtmlForm {
  id?: string;
  name?: string;
  /** Absolute URL: the action resolved against the page URL (an empty action posts to the page itself). */
  action: string;
  method: 'GET' | 'POST';
  fields: FormField[];
  /** Named submit buttons, in document order; at most one is posted (see formEntries). */
  submits: SubmitButton[];
  /** Name of the visible user-name input, when the form has one. */
  userNameField?: string;
  /** Name of the password input, when the form has one. */
  passwordField?: string;
}

// Checked in this order: AD FS, AD FS 2.0 (ASP.NET), then common IdP field names (Keycloak, Shibboleth, generic).
const USER_NAME_NAMES = [
  'username',
  'ctl00$contentplaceholder1$usernametextbox',
  'j_username',
  'email',
  'login',
  'user',
  'userid',
  'user_id',
  'loginfmt',
  'uid',
  'pf.username',
];
const USER_NAME_PATTERN = /user|e-?mail|login|logon|account/i;
const TEXT_TYPES = new Set(['text', 'email', 'tel', 'number', 'search', 'url', '']);
const SKIPPED_TYPES = new Set(['file', 'image', 'reset', 'button']);

export function extractForm($: CheerioAPI, formElement: Node, pageUrl: string): HtmlForm {
  const form = $(formElement);
  const fields: FormField[] = [];
  const submits: SubmitButton[] = [];
  let userNameField: string | undefined;
  let passwordField: string | undefined;
  let userNameRank = Number.POSITIVE_INFINITY;

  findIn($, formElement, 'input, select, textarea, button').each((_, el) => {
    const node = $(el);
    // A nested form is invalid HTML but parsers keep it; its fields belong to it, not to us.
    if (node.closest('form').get(0) !== form.get(0)) return;
    const name = node.attr('name');
    if (!name || node.attr('disabled') !== undefined) return;
    const tag = (el as { tagName?: string }).tagName?.toLowerCase();
    if (tag === 'select') {
      const options = node.find('option');
      const selected = options.filter((__, o) => $(o).attr('selected') !== undefined).first();
      const chosen = selected.length > 0 ? selected : options.first();
      const value = chosen.length > 0 ? (chosen.attr('value') ?? chosen.text().trim()) : '';
      fields.push({ name, value, type: 'select', checked: true });
      return;
    }
    if (tag === 'textarea') {
      fields.push({ name, value: node.text(), type: 'textarea', checked: true });
      return;
    }
    const type = (node.attr('type') ?? (tag === 'button' ? 'submit' : 'text')).toLowerCase();
    if (type === 'submit') {
      const id = node.attr('id');
      submits.push({ name, value: node.attr('value') ?? '', ...(id ? { id } : {}) });
      return;
    }
    if (SKIPPED_TYPES.has(type)) return;
    const value = node.attr('value') ?? (type === 'checkbox' || type === 'radio' ? 'on' : '');
    const checked = type === 'checkbox' || type === 'radio' ? node.attr('checked') !== undefined : true;
    fields.push({ name, value, type, checked });
    if (type === 'password' && passwordField === undefined) passwordField = name;
    if (TEXT_TYPES.has(type)) {
      const rank = userNameRankOf(name);
      if (rank < userNameRank) {
        userNameRank = rank;
        userNameField = name;
      }
    }
  });

  const id = form.attr('id');
  const formName = form.attr('name');
  return {
    ...(id ? { id } : {}),
    ...(formName ? { name: formName } : {}),
    action: resolveAction(form.attr('action'), pageUrl, formLabel(id, formName)),
    method: (form.attr('method') ?? 'get').toUpperCase() === 'POST' ? 'POST' : 'GET',
    fields,
    submits,
    ...(userNameField !== undefined ? { userNameField } : {}),
    ...(passwordField !== undefined ? { passwordField } : {}),
  };
}

function userNameRankOf(name: string): number {
  const exact = USER_NAME_NAMES.indexOf(name.toLowerCase());
  if (exact !== -1) return exact;
  return USER_NAME_PATTERN.test(name) ? USER_NAME_NAMES.length : Number.POSITIVE_INFINITY;
}

/**
 * Resolves a form action like a browser: empty or missing -> the page URL (with its query). An action
 * that does not parse (`//`, `http://[::1`) is an IdpError, as a browser would not submit the form.
 */
export function resolveAction(action: string | undefined, pageUrl: string, formLabel?: string): string {
  const trimmed = action?.trim() ?? '';
  try {
    if (trimmed === '') return new URL(pageUrl).toString().replace(/#.*$/, '');
    return new URL(trimmed, pageUrl).toString();
  } catch {
    throw badFormActionError(pageUrl, formLabel);
  }
}

/** `#id` or `name=...` for messages; the page chose it, so clip it and keep only plain characters. */
function formLabel(id: string | undefined, name: string | undefined): string | undefined {
  const label = id ? `#${id}` : name ? `name=${name}` : undefined;
  return label && label.slice(0, 60).replace(/[^\w.:=#-]/g, '?');
}

export interface FormEntriesOptions {
  /** Values to set; each key ends up posted exactly once (first occurrence replaced, later ones dropped). */
  set?: Record<string, string>;
  /** Name of the submit button that is "clicked"; default the first named one. null posts none. */
  submit?: string | null;
}

/**
 * The name/value pairs a browser would post for this form. A key in `set` is posted once: AD FS 2019
 * rejects two UserName values ("Duplicate post parameter") and its password page carries a hidden
 * UserName holder beside the input.
 */
export function formEntries(form: HtmlForm, options: FormEntriesOptions = {}): Array<[string, string]> {
  const set = options.set ?? {};
  const done = new Set<string>();
  const out: Array<[string, string]> = [];
  for (const field of form.fields) {
    if (!field.checked) continue;
    if (Object.hasOwn(set, field.name)) {
      if (done.has(field.name)) continue;
      done.add(field.name);
      out.push([field.name, set[field.name] ?? '']);
      continue;
    }
    out.push([field.name, field.value]);
  }
  for (const [name, value] of Object.entries(set)) {
    if (!done.has(name)) out.push([name, value]);
  }
  const submit =
    options.submit === null
      ? undefined
      : options.submit === undefined
        ? form.submits[0]
        : form.submits.find((s) => s.name === options.submit);
  if (submit && !done.has(submit.name)) out.push([submit.name, submit.value]);
  return out;
}

/** Value of the first field with this name (case-insensitive), whatever its type. */
export function fieldValue(form: HtmlForm, name: string): string | undefined {
  const lower = name.toLowerCase();
  return form.fields.find((f) => f.name.toLowerCase() === lower)?.value;
}
