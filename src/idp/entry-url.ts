/**
 * Turns what a user types for the IdP (a host, host:port, or a URL) into the URL the sign-in starts from.
 * A bare host gets AD FS's IdP-initiated sign-on page for AWS (the RP identifier AWS documents is
 * urn:amazon:webservices), which skips the relying-party picker.
 */
import { UsageError } from '../errors.js';
import { isLoopbackHost } from '../http/url-policy.js';

export const DEFAULT_ADFS_PATH = '/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices';

// A DNS name (labels of letters, digits, hyphens), an IPv4 address or a bracketed IPv6 address, optional :port.
const HOST_PORT = /^(?:\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*)(?::\d{1,5})?$/i;

export function normalizeIdpUrl(input: string): string {
  const text = input.trim();
  const hint = 'Give the AD FS host (adfs.example.com), host:port, or a full https:// URL.';
  if (text === '') throw new UsageError('IDP_URL_INVALID', 'The IdP URL is empty', { hint });

  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    if (/^[a-z][a-z0-9+.-]*:(?!\d)/i.test(text)) {
      throw new UsageError('IDP_URL_INVALID', `"${text}" is not an IdP address (unsupported scheme)`, { hint });
    }
    const slash = text.search(/[/?#]/);
    const hostPort = slash === -1 ? text : text.slice(0, slash);
    if (!HOST_PORT.test(hostPort)) throw new UsageError('IDP_URL_INVALID', `"${text}" is not a valid host name or URL`, { hint });
    return normalizeIdpUrl(`https://${text}`);
  }

  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    throw new UsageError('IDP_URL_INVALID', `"${text}" is not a valid URL`, { hint, cause });
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new UsageError('IDP_URL_INVALID', `Refusing http:// for ${url.host}: your password would cross the network unencrypted`, {
      hint: `Use https://${url.host}${url.pathname === '/' ? '' : url.pathname} (plain http is only allowed to this machine).`,
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError('IDP_URL_INVALID', `"${text}" uses the unsupported scheme ${url.protocol}`, { hint });
  }
  if (!url.hostname || !HOST_PORT.test(url.host)) {
    throw new UsageError('IDP_URL_INVALID', `"${text}" has no valid host`, { hint });
  }
  if (url.username || url.password) {
    throw new UsageError('IDP_URL_INVALID', 'The IdP URL must not contain a user name or password', { hint });
  }
  if ((url.pathname === '/' || url.pathname === '') && url.search === '') {
    return `${url.origin}${DEFAULT_ADFS_PATH}`;
  }
  url.hash = '';
  return url.toString();
}
