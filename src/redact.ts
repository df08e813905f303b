/**
 * Redaction for anything that may be printed or saved under --debug. Secrets never leave the process:
 * form fields whose name looks like a password/OTP, SAMLResponse values, secret keys and session tokens.
 */
// `session` covers the AWS federation endpoint's Session JSON (secret key and session token).
// `pin` and `answer` cover the MFA code fields classify.ts treats as codes (PIN, ChallengeQuestionAnswer).
// `sid`, `_xsrf` and `sig_*` are Duo's session id, anti-forgery token and signed request/answer.
const SECRET_FIELD = /pass|pwd|otp|code|token|secret|samlresponse|context|session|pin|answer|^sid$|xsrf|^sig_|^tx$/i;

export function isSecretFieldName(name: string): boolean {
  return SECRET_FIELD.test(name);
}

import type { Logger } from './log.js';

/** Replaces each listed secret wherever it appears in `text`. */
export function redactValues(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 3) out = out.split(secret).join('[REDACTED]');
  }
  return out;
}

/** Environment variables that carry awsfed's own secrets: never handed to a child process we start. */
export const SECRET_ENV_VARIABLES: readonly string[] = ['AWSFED_PASSWORD', 'AWSFED_MFA_CODE'];

export function withoutSecretVariables(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const out = { ...env };
  for (const name of SECRET_ENV_VARIABLES) delete out[name];
  return out;
}

/**
 * A secret as it may come back from a server that echoes it: as typed, percent-encoded in a URL path,
 * and form-encoded in a query (space as +). An IdP that puts the posted password into its error text,
 * a page title or a redirect URL would otherwise have it quoted in our messages and --debug lines.
 */
export function secretForms(secret: string): string[] {
  const formEncoded = new URLSearchParams({ s: secret }).toString().slice(2);
  return [...new Set([secret, encodeURIComponent(secret), formEncoded])];
}

/** A logger that scrubs the current secrets (read at each line: a password is known only once asked) from every line. */
export function redactingLogger(log: Logger, secrets: () => readonly string[]): Logger {
  const scrub = (m: string): string => redactValues(m, secrets().flatMap(secretForms));
  return {
    info: (m) => log.info(scrub(m)),
    warn: (m) => log.warn(scrub(m)),
    debug: (m) => log.debug(scrub(m)),
  };
}

/**
 * Scrubs secrets from an error's message and hint, and from the messages along its cause chain, in place
 * (the error keeps its class, code and exit status). For errors built from what a server said.
 */
export function redactError<E>(error: E, secrets: readonly string[]): E {
  const forms = secrets.flatMap(secretForms);
  if (forms.length === 0) return error;
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    current.message = redactValues(current.message, forms);
    const withHint = current as Error & { hint?: unknown };
    if (typeof withHint.hint === 'string') Object.assign(withHint, { hint: redactValues(withHint.hint, forms) });
    current = current.cause;
  }
  return error;
}
