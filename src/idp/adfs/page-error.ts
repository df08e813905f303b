/** Turns the pages that end a sign-in (IdP error, MFA we cannot do yet, unknown page) into IdpErrors. */
import { ExitCode, IdpError } from '../../errors.js';
import type { ErrorCodeExiting } from '../../error-codes.js';
import { urlWithoutQuery } from '../../http/url-policy.js';
import type { ErrorReason } from './classify.js';

const CODE_BY_REASON: Record<ErrorReason, ErrorCodeExiting<typeof ExitCode.auth>> = {
  'bad-credentials': 'IDP_BAD_CREDENTIALS',
  locked: 'IDP_ACCOUNT_LOCKED',
  'password-expired': 'IDP_PASSWORD_EXPIRED',
  'idp-initiated-disabled': 'IDP_INITIATED_DISABLED',
  other: 'IDP_ERROR_PAGE',
};

const HINT_BY_REASON: Record<ErrorReason, string> = {
  'bad-credentials': 'Check the user name (often DOMAIN\\user or user@domain) and the password, then try again.',
  locked: 'Wait for the lockout to expire or ask your AD FS / Active Directory admin to unlock the account.',
  'password-expired': 'Change your password (for example in the AD FS update-password page or on a domain machine), then sign in again.',
  'idp-initiated-disabled':
    'IdP-initiated sign-on is off on this AD FS (the default since 2016); ask your AD FS admin to run `Set-AdfsProperties -EnableIdpInitiatedSignonPage $true`.',
  other: 'Read the IdP message above; run with --debug for the steps taken.',
};

/** The IdP said no: the message quotes the IdP's own words (never a secret: we never echo form values). */
export function errorPageError(reason: ErrorReason, message: string, url: string): IdpError {
  const where = urlWithoutQuery(url);
  return new IdpError(CODE_BY_REASON[reason], `The IdP refused the sign-in at ${where}: "${truncate(message, 300)}"`, {
    hint: HINT_BY_REASON[reason],
  });
}

export function mfaUnsupportedError(adapter: string, url: string): IdpError {
  return new IdpError('IDP_MFA_UNSUPPORTED', `MFA adapter ${adapter} is not supported yet (at ${urlWithoutQuery(url)})`, {
    hint: 'Ask your AD FS admin whether an access-control policy can skip MFA for this relying party from your network, or use a supported sign-in method.',
  });
}

export function unknownPageError(title: string, url: string, savedPath?: string): IdpError {
  const shownTitle = title ? `"${truncate(title, 120)}"` : '(no title)';
  return new IdpError('IDP_UNKNOWN_PAGE', `Unrecognised IdP page ${shownTitle} at ${urlWithoutQuery(url)}`, {
    hint: savedPath
      ? `A redacted copy of the page is in ${savedPath}; check the IdP URL, or report the page kind.`
      : 'Check the IdP URL; run with --debug to save a redacted copy of the page.',
  });
}

export function httpStatusError(status: number, title: string, url: string, savedPath?: string): IdpError {
  const where = urlWithoutQuery(url);
  const maybeDisabled = /idpinitiatedsignon/i.test(where)
    ? ' If this is the IdP-initiated page, it may be disabled (Set-AdfsProperties -EnableIdpInitiatedSignonPage $true).'
    : '';
  return new IdpError('IDP_HTTP_STATUS', `The IdP answered HTTP ${status}${title ? ` ("${truncate(title, 120)}")` : ''} at ${where}`, {
    hint: `Check the IdP URL and try again later.${maybeDisabled}${savedPath ? ` A redacted copy of the page is in ${savedPath}.` : ''}`,
  });
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A page a sign-in form could not come from: refused before the HTML parser does work that grows with its nesting. */
export function pageTooComplexError(what: string, url: string): IdpError {
  return new IdpError('IDP_PAGE_TOO_COMPLEX', `The IdP page at ${urlWithoutQuery(url)} ${what}; expected a sign-in page`, {
    hint: 'Check the IdP URL (it should point at the sign-in page, e.g. https://adfs.example.com/adfs/ls/IdpInitiatedSignOn.aspx); if it does, report this page to your IdP administrator.',
  });
}

/** A browser would not submit such a form either; the action is not quoted (it may carry request tokens). */
export function badFormActionError(url: string, formLabel?: string): IdpError {
  const which = formLabel ? ` (${formLabel})` : '';
  return new IdpError('IDP_BAD_FORM_ACTION', `The IdP page at ${urlWithoutQuery(url)} has a form${which} whose action is not a valid URL`, {
    hint: 'The IdP served a broken sign-in page: retry, and if it persists run with --debug and report the page to your IdP administrator.',
  });
}
