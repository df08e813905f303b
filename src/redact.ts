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
