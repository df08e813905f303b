/**
 * Which URLs the HTTP client may talk to, and how a URL is shown in logs and errors.
 * Credentials are posted to these URLs, so plain http is only allowed to this machine (the loopback
 * emulators); anything else must be https.
 */
import { isIP } from 'node:net';
import { IdpError } from '../errors.js';
import { isSecretFieldName } from '../redact.js';

/** 127.0.0.0/8, ::1 and localhost (RFC 6761 reserves every *.localhost name for loopback). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(host);
  return false;
}

/** Throws IDP_INSECURE_URL unless the URL is https, or http to a loopback host. */
export function assertAllowedUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new IdpError('IDP_INSECURE_URL', `Refusing to open "${urlWithoutQuery(url)}": it is not an absolute URL`, {
      hint: 'Give the IdP as https://host or host name; redirects must point to absolute or relative http(s) URLs.',
      cause,
    });
  }
  if (parsed.protocol === 'https:') return parsed;
  if (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname)) return parsed;
  // The query of a refused URL is never needed in the message, and may carry a secret that no name
  // rule recognises (the console's Session JSON holds a secret key and a session token).
  throw new IdpError('IDP_INSECURE_URL', `Refusing to send sign-in data to ${urlWithoutQuery(url)}: only https is allowed (http only to this machine)`, {
    hint: parsed.protocol === 'http:'
      ? 'Use the https:// address of your AD FS server; if a redirect led here, the IdP or a proxy is misconfigured.'
      : 'Use an https:// URL.',
  });
}

// SAMLRequest, Signature and RelayState (and Duo's signed OIDC `request`) are not secrets, but they are long and say nothing useful in a log line.
const NOISY_PARAM = /^(samlrequest|signature|relaystate|sigalg|request)$/i;

/** The URL for logs and error messages: query values that look secret (or are just noise) are replaced. */
export function displayUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL: show only what precedes a query so that nothing secret leaks.
    return url.split(/[?#]/)[0] ?? '';
  }
  parsed.username = '';
  parsed.password = '';
  parsed.hash = '';
  const params = [...parsed.searchParams.keys()];
  if (params.length === 0) return parsed.toString();
  const shown = new URLSearchParams();
  for (const [key, value] of parsed.searchParams) {
    shown.append(key, isSecretFieldName(key) || NOISY_PARAM.test(key) ? '…' : value);
  }
  parsed.search = shown.toString();
  return parsed.toString();
}

/** The URL without its query or fragment, for messages that must not show any query value. */
export function urlWithoutQuery(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return url.split(/[?#]/)[0] ?? '';
  }
}
