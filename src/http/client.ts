/**
 * The one HTTP client used to talk to the identity provider: a cookie jar shared across requests,
 * redirects followed by hand so that every hop is checked against the URL policy, TLS always verified
 * (an extra CA bundle is added to Node's public roots, never replacing them), and network/TLS failures
 * turned into IdpErrors with a hint. Bodies and form values are never logged.
 */
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { type CookieOptions, HttpCookieAgent, HttpsCookieAgent } from 'http-cookie-agent/http';
import { CookieJar } from 'tough-cookie';
import { IdpError } from '../errors.js';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { errorCode, isTlsErrorCode, isUnreachableCode, trustedCas } from '../net-errors.js';
import { assertAllowedUrl, displayUrl } from './url-policy.js';

export interface HttpResponse {
  /** Final URL after redirects. */
  url: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface HttpClient {
  get(url: string): Promise<HttpResponse>;
  postForm(url: string, fields: Array<[string, string]>): Promise<HttpResponse>;
}

export interface HttpClientOptions {
  caBundlePem?: string;
  /** Per request (each redirect hop is a request). Default 30000. */
  timeoutMs?: number;
  /** Default 10. */
  maxRedirects?: number;
  log?: Logger;
  userAgent?: string;
  /** Share a jar between clients (tests, or a later cookie cache). Default: a new in-memory jar. */
  jar?: CookieJar;
}

/**
 * AD FS decides between forms sign-in and Windows integrated auth from the User-Agent (WIASupportedUserAgents);
 * a desktop browser string gets the forms page, like saml2aws and aws-adfs do.
 */
const DEFAULT_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

interface RequestSpec {
  method: 'GET' | 'POST';
  url: string;
  body?: string;
}

export function createHttpClient(opts: HttpClientOptions): HttpClient {
  const log = opts.log ?? silentLogger;
  const jar = opts.jar ?? new CookieJar();
  const maxRedirects = opts.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  // http-cookie-agent's typings resolve tough-cookie as CommonJS while we import its ESM build: same API,
  // two declarations. The agent only calls jar methods, so the cast is safe.
  const cookies: CookieOptions = { jar: jar as unknown as CookieOptions['jar'] };
  const httpAgent: HttpAgent = new HttpCookieAgent({ cookies });
  // axios-cookiejar-support's wrapper() builds its own agents and rejects custom ones, so it cannot carry a CA;
  // this is the same agent it would create, plus `ca`. Passing `ca` replaces Node's roots, hence the concat.
  const httpsAgent: HttpsAgent = new HttpsCookieAgent({
    cookies,
    ...(opts.caBundlePem ? { ca: trustedCas(opts.caBundlePem) } : {}),
  });
  const instance: AxiosInstance = axios.create({
    httpAgent,
    httpsAgent,
    // Each hop is checked by hand (URL policy, method rewrite, limit).
    maxRedirects: 0,
    validateStatus: () => true,
    responseType: 'text',
    // Keep the body a string even when the server says JSON.
    transformResponse: [(data: unknown) => data],
    timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    // axios' own proxy support sends https requests to the proxy without CONNECT; never use it implicitly.
    proxy: false,
    headers: {
      'User-Agent': opts.userAgent ?? DEFAULT_USER_AGENT,
      Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      'Accept-Language': 'en-US,en;q=0.9',
    },
  });

  async function send(first: RequestSpec): Promise<HttpResponse> {
    let spec = first;
    for (let hop = 0; ; hop++) {
      assertAllowedUrl(spec.url);
      const response = await requestOnce(instance, spec, log);
      const location = headerValue(response.headers, 'location');
      if (!REDIRECT_STATUSES.has(response.status) || !location) {
        return { url: spec.url, status: response.status, headers: flattenHeaders(response.headers), body: bodyText(response.data) };
      }
      if (hop >= maxRedirects) {
        throw new IdpError('IDP_TOO_MANY_REDIRECTS', `The IdP redirected more than ${maxRedirects} times, last to ${displayUrl(spec.url)}`, {
          hint: 'A redirect loop usually means cookies are blocked or the IdP URL is wrong; check the URL, or run with --debug to see the hops.',
        });
      }
      let next: string;
      try {
        next = new URL(location, spec.url).toString();
      } catch (cause) {
        throw new IdpError('IDP_HTTP_STATUS', `The IdP sent a redirect with an invalid Location from ${displayUrl(spec.url)}`, { cause });
      }
      // 307/308 repeat the request as is; 301/302/303 become a GET without body, as browsers do.
      spec = response.status === 307 || response.status === 308 ? { ...spec, url: next } : { method: 'GET', url: next };
    }
  }

  return {
    get: (url) => send({ method: 'GET', url }),
    postForm: (url, fields) => send({ method: 'POST', url, body: new URLSearchParams(fields).toString() }),
  };
}

async function requestOnce(instance: AxiosInstance, spec: RequestSpec, log: Logger): Promise<AxiosResponse<unknown>> {
  try {
    const response = await instance.request<unknown>({
      method: spec.method,
      url: spec.url,
      ...(spec.method === 'POST'
        ? { data: spec.body ?? '', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }
        : {}),
    });
    log.debug(`${spec.method} ${displayUrl(spec.url)} -> ${response.status}`);
    return response;
  } catch (error) {
    log.debug(`${spec.method} ${displayUrl(spec.url)} -> failed (${errorCode(error) ?? 'error'})`);
    throw mapNetworkError(error, spec.url);
  }
}

/**
 * Turns a failed request into an IdpError that names the host or URL and says what to do. The AxiosError
 * itself is never kept as `cause`: its config holds the posted form (the password), so the cause is a
 * plain Error with only the code and message.
 */
function mapNetworkError(error: unknown, url: string): IdpError {
  const code = errorCode(error);
  const host = hostOf(url);
  const cause = plainCause(error, code);
  if (isTlsErrorCode(code)) {
    return new IdpError('IDP_TLS', `TLS verification of ${host} failed (${code})`, {
      hint: 'If your IdP uses a private CA, pass its certificate with --ca-bundle / awsfed_ca_bundle / AWS_CA_BUNDLE.',
      cause,
    });
  }
  const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(errorMessage(error));
  if (timedOut) {
    return new IdpError('IDP_UNREACHABLE', `No answer from ${displayUrl(url)} in time (${code ?? 'timeout'})`, {
      hint: 'Check the IdP URL, your network or VPN, and proxy settings; raise the timeout if the IdP is slow.',
      cause,
    });
  }
  if (isUnreachableCode(code)) {
    return new IdpError('IDP_UNREACHABLE', `Cannot reach ${displayUrl(url)} (${code})`, {
      hint: code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? `The host name ${host} does not resolve: check the IdP URL, or connect to the VPN that serves it.`
        : 'Check the IdP URL and that you are on a network (VPN) that can reach it.',
      cause,
    });
  }
  return new IdpError('IDP_UNREACHABLE', `Request to ${displayUrl(url)} failed${code ? ` (${code})` : ''}`, {
    hint: 'Check the IdP URL and your network; run with --debug for details.',
    cause,
  });
}

function plainCause(error: unknown, code: string | undefined): Error {
  const cause = new Error(errorMessage(error) || code || 'request failed');
  return code ? Object.assign(cause, { code }) : cause;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : '';
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the IdP';
  }
}

function headerValue(headers: unknown, name: string): string | undefined {
  const value = (headers as Record<string, unknown> | undefined)?.[name];
  if (Array.isArray(value)) return value.join(', ');
  return typeof value === 'string' ? value : undefined;
}

function flattenHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries((headers ?? {}) as Record<string, unknown>)) {
    if (value === undefined || value === null) continue;
    out[key.toLowerCase()] = Array.isArray(value) ? value.map(String).join(key.toLowerCase() === 'set-cookie' ? '\n' : ', ') : String(value);
  }
  return out;
}

function bodyText(data: unknown): string {
  if (typeof data === 'string') return data;
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return data === undefined || data === null ? '' : String(data);
}
