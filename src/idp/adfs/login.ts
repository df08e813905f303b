/**
 * Handlers for the credential pages: the one-page sign-in form (AD FS 2012 R2/2016, AD FS 2.0, generic IdPs)
 * and the AD FS 2019 paginated pair (user name first, then password). Each returns the entries to post.
 */
import type { HtmlForm } from './form.js';
import { fieldValue, formEntries } from './form.js';

/** Asks each credential at most once per run, and only when a page needs it. */
export interface CredentialCache {
  username(): Promise<string>;
  password(): Promise<string>;
  /** The user name if it was already asked (never prompts). */
  knownUsername(): string | undefined;
  /** Values to scrub from debug dumps. */
  secrets(): string[];
}

export function cacheCredentials(source: { username(): Promise<string>; password(): Promise<string> }): CredentialCache {
  let username: Promise<string> | undefined;
  let password: Promise<string> | undefined;
  let usernameValue: string | undefined;
  let passwordValue: string | undefined;
  return {
    username: () => {
      username ??= source.username().then((v) => (usernameValue = v));
      return username;
    },
    password: () => {
      password ??= source.password().then((v) => (passwordValue = v));
      return password;
    },
    knownUsername: () => usernameValue,
    secrets: () => (passwordValue ? [passwordValue] : []),
  };
}

/** One-page sign-in: user name and password together; the form's hidden inputs (AuthMethod, __VIEWSTATE, ...) are kept. */
export async function loginFormEntries(form: HtmlForm, creds: CredentialCache): Promise<Array<[string, string]>> {
  const set: Record<string, string> = {};
  if (form.userNameField) set[form.userNameField] = await creds.username();
  if (form.passwordField) set[form.passwordField] = await creds.password();
  return formEntries(form, { set });
}

/** AD FS 2019 page 1: only the user name. */
export async function usernamePageEntries(form: HtmlForm, creds: CredentialCache): Promise<Array<[string, string]>> {
  const field = form.userNameField ?? (fieldValue(form, 'UserName') !== undefined ? 'UserName' : undefined);
  const set: Record<string, string> = {};
  if (field) set[field] = await creds.username();
  return formEntries(form, { set });
}

/**
 * AD FS 2019 page 2: the password, plus the user name that page 1 stored in a hidden UserName holder.
 * Exactly one UserName is posted: the one we typed if we did, else the holder's value.
 */
export async function passwordPageEntries(form: HtmlForm, creds: CredentialCache): Promise<Array<[string, string]>> {
  const set: Record<string, string> = {};
  const holder = form.fields.find((f) => f.name === 'UserName' && f.value !== '')?.value;
  const known = creds.knownUsername();
  if (known !== undefined) set.UserName = known;
  else if (holder !== undefined) set.UserName = holder;
  else set.UserName = await creds.username();
  if (form.passwordField) set[form.passwordField] = await creds.password();
  return formEntries(form, { set });
}
