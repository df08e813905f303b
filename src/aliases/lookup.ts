/**
 * The one network call behind account names: POST the SAMLResponse to the AWS sign-in page, as the
 * browser does after the IdP, and read the names the page shows (issue 9, item 1).
 *
 * The SAMLResponse is a bearer credential for about 5 minutes: it goes only over https (or http to this
 * machine, the emulator), to the AWS sign-in host the assertion names (or the configured endpoint), and
 * never into a log line or an outcome. Nothing here throws: every failure is an outcome with a reason,
 * because the login must not fail for want of names. One deadline for the whole exchange.
 */
import { oneShotRequest } from '../http/one-shot.js';
import type { ProxyConfig } from '../http/proxy.js';
import { isLoopbackHost, urlWithoutQuery } from '../http/url-policy.js';
import type { Partition } from '../saml/types.js';
import { parseAccountNames, type AccountNames } from './signin-page.js';

export type LookupOutcome = { ok: true; names: AccountNames; endpoint: string } | { ok: false; reason: string };

export interface LookupRequest {
  url: string;
  samlResponse: string;
  relayState?: string;
  caBundlePem?: string;
  /** The proxies in force (src/http/proxy.ts), as for every other request of the login; unset: direct. */
  proxy?: ProxyConfig;
  /** Default 5000: names are a convenience, a slow page must not hold up the login. */
  timeoutMs?: number;
  /** Where the --debug request line goes (host and path, never the body). */
  debug?: (line: string) => void;
}

const SIGNIN_HOSTS: Record<Partition, string> = {
  aws: 'signin.aws.amazon.com',
  'aws-cn': 'signin.amazonaws.cn',
  'aws-us-gov': 'signin.amazonaws-us-gov.com',
};
const MAX_BODY = 4 * 1024 * 1024;

/**
 * Where to post: BASE/saml of a configured endpoint (https, or http to loopback), else the assertion's
 * Destination when it is an AWS sign-in host over https (regional hosts such as
 * us-east-1.signin.aws.amazon.com included), else the partition's sign-in host. A Destination elsewhere is
 * not followed: the assertion would be handed to a host that is not AWS's.
 */
export function signinSamlUrl(destination: string | undefined, partition: Partition, override?: string): { url: string } | { refused: string } {
  if (override !== undefined && override.trim() !== '') {
    const base = override.trim().replace(/\/+$/, '');
    let parsed: URL;
    try {
      parsed = new URL(base.endsWith('/saml') ? base : `${base}/saml`);
    } catch {
      return { refused: `the sign-in endpoint "${urlWithoutQuery(base)}" is not an absolute URL` };
    }
    if (parsed.protocol === 'https:' || (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname))) return { url: parsed.toString() };
    return { refused: `the sign-in endpoint ${parsed.origin} is not https (http only to this machine)` };
  }
  if (destination !== undefined) {
    try {
      const d = new URL(destination);
      const host = d.hostname.toLowerCase();
      const aws = Object.values(SIGNIN_HOSTS).some((h) => host === h || host.endsWith(`.${h}`));
      if (d.protocol === 'https:' && aws && d.port === '') return { url: `${d.origin}${d.pathname}` };
    } catch {
      // fall through to the partition's host
    }
  }
  return { url: `https://${SIGNIN_HOSTS[partition]}/saml` };
}

export async function fetchAccountNames(req: LookupRequest): Promise<LookupOutcome> {
  const parsed = new URL(req.url);
  const endpoint = urlWithoutQuery(req.url);
  if (!(parsed.protocol === 'https:' || (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname)))) {
    return { ok: false, reason: `${endpoint} is not https` };
  }
  const body = new URLSearchParams({ SAMLResponse: req.samlResponse, ...(req.relayState ? { RelayState: req.relayState } : {}) }).toString();
  const timeoutMs = req.timeoutMs ?? 5000;
  // Through the proxy as the IdP and STS requests are.
  const answer = await oneShotRequest({
    method: 'POST',
    url: parsed,
    // What a browser sends after the IdP's auto-submitting form: a form post asking for HTML.
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'Content-Length': Buffer.byteLength(body),
      Accept: 'text/html,application/xhtml+xml',
      'Accept-Language': 'en',
      'User-Agent': 'Mozilla/5.0 (compatible; awsfed)',
    },
    body,
    timeoutMs,
    maxBodyBytes: MAX_BODY,
    reason: 'account names from the AWS sign-in page',
    ...(req.caBundlePem ? { caBundlePem: req.caBundlePem } : {}),
    ...(req.proxy ? { proxy: req.proxy } : {}),
    ...(req.debug ? { debug: req.debug } : {}),
  });
  if (!answer.ok) {
    if (answer.failure === 'too-large') return { ok: false, reason: `the page from ${endpoint} is over ${MAX_BODY / 1024 / 1024} MB` };
    if (answer.failure === 'deadline') return { ok: false, reason: `${endpoint} did not answer within ${timeoutMs / 1000} s` };
    return { ok: false, reason: `${endpoint} could not be reached (${answer.code ?? (answer.cause instanceof Error ? answer.cause.message : 'error')})` };
  }
  const location = typeof answer.headers.location === 'string' ? answer.headers.location : undefined;
  if (answer.status >= 300 && answer.status < 400) {
    // With one role AWS signs straight into the console: there is no list to read.
    return { ok: false, reason: `${endpoint} answered ${answer.status}, a redirect${location ? ` to ${urlWithoutQuery(location)}` : ''} (one role, or no role list)` };
  }
  if (answer.status !== 200) return { ok: false, reason: `${endpoint} answered HTTP ${answer.status}` };
  const names = parseAccountNames(answer.body);
  if (names.size === 0) return { ok: false, reason: `the page from ${endpoint} shows no account names (a script-only interstitial, or accounts without alias)` };
  return { ok: true, names, endpoint };
}
