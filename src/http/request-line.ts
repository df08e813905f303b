/**
 * The --debug request line, one per HTTP request whoever makes it (the IdP client, the NTLM exchange, STS,
 * the console's getSigninToken, the account-name lookup): `request: METHOD host/path -> outcome (reason)`.
 * No query (it may carry a SAMLRequest, a user name, a code or, for getSigninToken, the session keys), no
 * cookie, no body. The `request:` prefix makes the list easy to pick out of the debug output (the bench
 * and the tests read it). No imports: every caller, light or heavy, can use it.
 */

/** `outcome`: the HTTP status, or `failed: WHY` (deadline, too large, ECONNREFUSED, ...) from `failedOutcome`. */
export function requestLine(spec: { method: string; url: string; reason: string }, outcome: string | number): string {
  let where: string;
  try {
    const u = new URL(spec.url);
    where = `${u.host}${u.pathname}`;
  } catch {
    where = spec.url.split(/[?#]/)[0] ?? '';
  }
  return `request: ${spec.method} ${where} -> ${outcome} (${spec.reason})`;
}

/** The outcome of a request that got no HTTP answer. */
export function failedOutcome(why: string): string {
  return `failed: ${why}`;
}
