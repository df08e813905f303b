/**
 * The typed endings of a second factor. Messages quote the IdP's own words but never a code, a number
 * to match or a form value.
 */
import { IdpError } from '../../../errors.js';
import { urlWithoutQuery } from '../../../http/url-policy.js';

export type MfaFailure = 'rejected' | 'expired' | 'denied' | 'too-many';

// English wordings of the AD FS adapters (Azure MFA, MFA Server, SecurID, VIP); anything else on a code
// page is a rejected code.
const DENIED = /denied|declined|rejected the (?:sign-in|request)|did not approve|was not approved/i;
const EXPIRED = /expired|no longer valid|timed out/i;
const TOO_MANY = /too many|maximum number of|attempts? (?:limit|exceeded)|locked/i;

export function mfaFailureOf(errorText: string): MfaFailure {
  if (TOO_MANY.test(errorText)) return 'too-many';
  if (DENIED.test(errorText)) return 'denied';
  if (EXPIRED.test(errorText)) return 'expired';
  return 'rejected';
}

export function mfaFailureError(failure: MfaFailure, adapter: string, errorText: string | undefined, url: string): IdpError {
  const said = errorText ? `: "${truncate(errorText, 200)}"` : '';
  const where = urlWithoutQuery(url);
  switch (failure) {
    case 'denied':
      return new IdpError('MFA_DENIED', `The second factor (${adapter}) was denied at ${where}${said}`, {
        hint: 'Run the login again and approve the request; if you did not start a request you were asked to approve, tell your security team.',
      });
    case 'expired':
      return new IdpError('MFA_CODE_EXPIRED', `The IdP said the ${adapter} code has expired at ${where}${said}`, {
        hint: 'Run the login again with a fresh code (and check the clock of the device that makes the codes).',
      });
    case 'too-many':
      return new IdpError('MFA_TOO_MANY_ATTEMPTS', `Too many wrong ${adapter} codes at ${where}${said}`, {
        hint: 'Wait a few minutes (the adapter may lock you out after more), then run the login again with a fresh code.',
      });
    case 'rejected':
      return new IdpError('MFA_CODE_REJECTED', `The IdP did not accept the ${adapter} code at ${where}${said}`, {
        hint: 'Check the code and try again; a code from --mfa-code, AWSFED_MFA_CODE, --mfa-code-stdin or awsfed_mfa_command is tried only once.',
      });
  }
}

export function tooManyAttemptsError(adapter: string, attempts: number, url: string): IdpError {
  return new IdpError('MFA_TOO_MANY_ATTEMPTS', `${attempts} ${adapter} codes in a row were not accepted at ${urlWithoutQuery(url)}`, {
    hint: 'Stopped before the adapter locks the account; wait a few minutes, then run the login again with a fresh code.',
  });
}

export function mfaTimeoutError(adapter: string, timeoutMs: number, waitingFor: string): IdpError {
  const limit = timeoutMs % 60_000 === 0 ? `${timeoutMs / 60_000} min` : timeoutMs % 1000 === 0 ? `${timeoutMs / 1000} s` : `${timeoutMs} ms`;
  return new IdpError('MFA_TIMEOUT', `The ${adapter} ${waitingFor} was not answered within ${limit} (--mfa-timeout)`, {
    hint: 'Run the login again and approve it on your phone; to wait longer, raise --mfa-timeout / AWSFED_MFA_TIMEOUT / awsfed_mfa_timeout (e.g. --mfa-timeout 5m).',
  });
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
