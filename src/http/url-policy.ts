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
  if (parsed.protocol !== 'http:') {
    // javascript:, data:, file:, ftp: ... a browser would run, render or fetch it; we never do. Only the
    // scheme is named: such a URL has no origin to show, and its text is the page's payload.
    throw new IdpError('IDP_INSECURE_URL', `Refusing to follow a ${safeScheme(parsed.protocol)} URL: only https is allowed (http only to this machine)`, {
      hint: 'The IdP page or a redirect pointed at a URL awsfed does not open (a script, inline data or a local file); check the IdP URL, or run with --debug to see the page.',
    });
  }
  // The query of a refused URL is never needed in the message, and may carry a secret that no name
  // rule recognises (the console's Session JSON holds a secret key and a session token).
  throw new IdpError('IDP_INSECURE_URL', `Refusing to send sign-in data to ${urlWithoutQuery(url)}: only https is allowed (http only to this machine)`, {
    hint: 'Use the https:// address of your AD FS server; if a redirect led here, the IdP or a proxy is misconfigured.',
  });
}

/** The scheme is the page's choice: keep it short and plain. */
function safeScheme(protocol: string): string {
  const clean = protocol.slice(0, 20).replace(/[^a-z0-9+.:-]/gi, '?');
  return protocol.length > 20 ? `${clean}...` : clean;
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
