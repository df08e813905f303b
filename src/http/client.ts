/**
 * The one HTTP client used to talk to the identity provider: a cookie jar shared across requests,
 * redirects followed by hand so that every hop is checked against the URL policy, TLS always verified
 * (an extra CA bundle is added to Node's public roots, never replacing them), and network/TLS failures
 * turned into IdpErrors with a hint. Bodies and form values are never logged.
 *
 * Every request has a deadline (headers and the whole body) and a body limit checked while the body
 * streams in (issue 6, items 7 and 8): a peer trickling one byte per second, or sending 50 MB, ends in
 * IDP_TIMEOUT / IDP_RESPONSE_TOO_LARGE with the socket closed, not in a hang or an out-of-memory abort.
 */
import { type Agent as HttpAgent, type ClientRequest, type RequestOptions as NodeRequestOptions, request as httpRequest } from 'node:http';
import { type Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { type CookieOptions, HttpCookieAgent, HttpsCookieAgent } from 'http-cookie-agent/http';
import { CookieJar } from 'tough-cookie';
import { IdpError } from '../errors.js';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { brokenAnswerKind, errorCode, isTlsErrorCode, isUnreachableCode, trustedCas } from '../net-errors.js';
import { DeadlineExceeded, hostOf } from './deadline.js';
import { PROXY_CONNECT_SIGNAL, type ProxyChoice, type ProxyConfig, describeProxyFailure, proxyFailureOf, proxyFor } from './proxy.js';
import { requestLine } from './request-line.js';
import { assertAllowedUrl, displayUrl } from './url-policy.js';

// Where wia.ts has imported it from; the formatter lives in request-line.ts, shared with every caller.
export { requestLine } from './request-line.js';

export interface HttpResponse {
  /** Final URL after redirects. */
  url: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RequestOptions {
  /**
   * The caller's deadline (the whole sign-in): aborting it ends the request in flight. When its reason is
   * a DeadlineExceeded, the request fails with that deadline's error for the host it was waiting on.
   */
  signal?: AbortSignal;
  /** This request's own deadline instead of the client's (an MFA Server POST blocks until the phone answers). */
  timeoutMs?: number;
  /**
   * Why the sign-in makes this request ("post the login form", "poll Azure MFA push (3)"): shown in the
   * --debug request list, so that a needless or repeated request stands out (issue 8, item 3).
   */
  reason?: string;
}

export interface HttpClient {
  get(url: string, options?: RequestOptions): Promise<HttpResponse>;
  postForm(url: string, fields: Array<[string, string]>, options?: RequestOptions): Promise<HttpResponse>;
}

export interface HttpClientOptions {
  caBundlePem?: string;
  /** Deadline per request, from connect to the last byte of the body (each redirect hop is a request). Default 30000. */
  timeoutMs?: number;
  /** Largest body accepted, counted after decompression. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Default 10. */
  maxRedirects?: number;
  log?: Logger;
  userAgent?: string;
  /** Share a jar between clients (tests, or a later cookie cache). Default: a new in-memory jar. */
  jar?: CookieJar;
  /** The proxies in force (src/http/proxy.ts); none: every request goes direct. */
  proxy?: ProxyConfig;
}

/**
 * AD FS decides between forms sign-in and Windows integrated auth from the User-Agent (WIASupportedUserAgents);
 * a desktop browser string gets the forms page, like saml2aws and aws-adfs do.
 */
export const BROWSER_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/**
 * AD FS pages are 10-100 KiB; the largest legitimate one carries the SAMLResponse (a few KiB per dozen
 * roles; some 100 KiB with hundreds). The HTML parser is the cost to bound: cheerio peaks at about
 * 40 MiB over the CLI's baseline for a 1 MiB page, 80 MiB for 2 MiB, 150 MiB for 4 MiB. 1 MiB keeps a
 * sign-in under about 150 MiB of RSS whatever the IdP sends, with room for ten times the largest real page.
 */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_MAX_REDIRECTS = 10;
export const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** A caller that gave no reason still gets its line; the sign-in's callers all give one (tested). */
const UNNAMED_REASON = 'no reason given';

interface RequestSpec {
  method: 'GET' | 'POST';
  url: string;
  body?: string;
  /** The caller's reason; a redirect hop says which request it follows. */
  reason: string;
}

export function createHttpClient(opts: HttpClientOptions): HttpClient {
  const log = opts.log ?? silentLogger;
  const jar = opts.jar ?? new CookieJar();
  const maxRedirects = opts.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  // http-cookie-agent's typings resolve tough-cookie as CommonJS while we import its ESM build: same API,
  // two declarations. The agent only calls jar methods, so the cast is safe.
  const cookies: CookieOptions = { jar: jar as unknown as CookieOptions['jar'] };
  // keepAlive: a sign-in is three or more requests to the same IdP in a row; one connection (one TLS
  // handshake) for all of them instead of one per request, as a browser or Python's requests.Session does.
  // Idle pooled sockets are unref'd by Node's agent, so they never hold the process open.
  const httpAgent: HttpAgent = new HttpCookieAgent({ cookies, keepAlive: true });
  // axios-cookiejar-support's wrapper() builds its own agents and rejects custom ones, so it cannot carry a CA;
  // this is the same agent it would create, plus `ca`. Passing `ca` replaces Node's roots, hence the concat.
  const httpsAgent: HttpsAgent = new HttpsCookieAgent({
    cookies,
    keepAlive: true,
    ...(opts.caBundlePem ? { ca: trustedCas(opts.caBundlePem) } : {}),
  });
  const instance: AxiosInstance = axios.create({
    httpAgent,
    httpsAgent,
    // Each hop is checked by hand (URL policy, method rewrite, limit).
    maxRedirects: 0,
    validateStatus: () => true,
    // The body is read by readBody below, under our limit and deadline; axios' own buffering would hold
    // the whole body before any check (maxContentLength is checked, but only per chunk after buffering).
    responseType: 'stream',
    // No axios `timeout`: it is a socket idle timeout that every byte resets. The deadline is ours.
    // axios' own proxy support sends https requests to the proxy without CONNECT; never use it implicitly.
    proxy: false,
    headers: {
      'User-Agent': opts.userAgent ?? BROWSER_USER_AGENT,
      Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      'Accept-Language': 'en-US,en;q=0.9',
    },
  });

  // Through a proxy: one kept-alive agent per proxy and protocol for the client's life, sharing the jar,
  // so that a sign-in reuses its CONNECT tunnel (and the TLS connection inside it) as it does a direct
  // connection; an agent per request opened a tunnel per page. The agents' package loads only when a
  // proxy is in force for a request. The connection to the proxy still closes with the deadline of the
  // request that opened it (a proxy that never answers CONNECT must not outlive it): the request passes
  // its signal to the shared agent (PROXY_CONNECT_SIGNAL).
  const ca = opts.caBundlePem ? trustedCas(opts.caBundlePem) : undefined;
  const announced = new Set<string>();
  const sharedAgents = new Map<string, Promise<HttpAgent>>();
  const agentFor = (choice: ProxyChoice, secure: boolean): Promise<HttpAgent> => {
    const key = `${secure ? 'https' : 'http'} ${choice.url.href}`;
    let agent = sharedAgents.get(key);
    if (!agent) {
      agent = import('./proxy-agents.js').then((agents) =>
        secure ? agents.tunnelAgent(choice, { cookies, keepAlive: true, ...(ca ? { ca } : {}) }) : agents.forwardAgent(choice, { cookies, keepAlive: true }),
      );
      // A failed load is not remembered: the next request tries again.
      agent.catch(() => sharedAgents.delete(key));
      sharedAgents.set(key, agent);
    }
    return agent;
  };
  const proxyAgents: ProxyAgentsFor = async (url, signal) => {
    const choice = proxyFor(url, opts.proxy);
    if (!choice) return undefined;
    const host = hostOf(url);
    if (!announced.has(host)) {
      announced.add(host);
      log.debug(`proxy: ${host} through ${choice.display} (from ${choice.origin})`);
    }
    const secure = url.startsWith('https:');
    const agent = await agentFor(choice, secure);
    // axios hands http.request no option of its own choosing; a transport adds the signal, which Node
    // passes on to the agent with the request's options.
    const send = secure ? httpsRequest : httpRequest;
    const transport = {
      request: (options: NodeRequestOptions, callback: (res: unknown) => void): ClientRequest =>
        send({ ...options, [PROXY_CONNECT_SIGNAL]: signal } as NodeRequestOptions, callback),
    };
    return { choice, config: { transport, ...(secure ? { httpsAgent: agent } : { httpAgent: agent }) } };
  };

  const limits: Limits = { timeoutMs: opts.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES };

  async function send(first: RequestSpec, options: RequestOptions | undefined): Promise<HttpResponse> {
    const signal = options?.signal;
    const requestLimits = options?.timeoutMs === undefined ? limits : { ...limits, timeoutMs: options.timeoutMs };
    let spec = first;
    for (let hop = 0; ; hop++) {
      assertAllowedUrl(spec.url);
      const response = await requestOnce(instance, spec, log, requestLimits, signal, proxyAgents);
      const location = headerValue(response.headers, 'location');
      if (!REDIRECT_STATUSES.has(response.status) || !location) {
        return { url: spec.url, status: response.status, headers: flattenHeaders(response.headers), body: response.body };
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
      const repeat = response.status === 307 || response.status === 308;
      if (repeat && spec.method === 'POST') assertSameOrigin(spec.url, next, response.status);
      const reason = `redirect ${hop + 1} after: ${first.reason}`;
      spec = repeat ? { ...spec, url: next, reason } : { method: 'GET', url: next, reason };
    }
  }

  return {
    get: (url, options) => send({ method: 'GET', url, reason: options?.reason ?? UNNAMED_REASON }, options),
    postForm: (url, fields, options) =>
      send({ method: 'POST', url, body: new URLSearchParams(fields).toString(), reason: options?.reason ?? UNNAMED_REASON }, options),
  };
}

/**
 * A 307/308 repeats a POST with its body, which for a sign-in form is the password: it may only go back
 * to the same origin (or the same host and port over https). Browsers re-post anywhere; the sign-in
 * flow posts credentials only to the origin that served the form, and a redirect must not get around that.
 */
function assertSameOrigin(from: string, to: string, status: number): void {
  const a = new URL(from);
  const b = new URL(to);
  if (a.origin === b.origin) return;
  if (a.protocol === 'http:' && b.protocol === 'https:' && a.hostname === b.hostname && a.port === b.port) return;
  throw new IdpError('IDP_CROSS_ORIGIN_FORM', `${a.host} redirected a sign-in post (HTTP ${status}) to another host, ${b.host || b.protocol}; awsfed does not repeat it there`, {
    hint: 'awsfed posts credentials only to the host that served the form. If that other host is your real IdP, give its sign-in URL as the IdP URL (--idp-url); otherwise report the redirect to your IdP administrator.',
  });
}

type ProxyAgentsFor = (
  url: string,
  signal: AbortSignal,
) => Promise<{ choice: ProxyChoice; config: { httpAgent?: HttpAgent; httpsAgent?: HttpAgent; transport: unknown } } | undefined>;

interface Limits {
  timeoutMs: number;
  maxBodyBytes: number;
}

/** The abort reason of our own per-request deadline (told apart from the caller's signal by identity). */
const REQUEST_DEADLINE = Symbol('request deadline');

/** Abort reason when the body outgrows the limit: the socket is closed at once, nothing more is read. */
class BodyTooLarge extends Error {
  constructor(readonly detail: string) {
    super('response body too large');
  }
}

/**
 * One request and its whole body under one deadline. Each request has its own AbortController, tied to
 * the caller's signal for its duration only: a listener is added to the caller's signal per request and
 * removed in `finally`, so a signal shared by a whole sign-in never accumulates listeners.
 */
async function requestOnce(
  instance: AxiosInstance,
  spec: RequestSpec,
  log: Logger,
  limits: Limits,
  outer: AbortSignal | undefined,
  proxyAgents: ProxyAgentsFor,
): Promise<{ status: number; headers: unknown; body: string }> {
  const controller = new AbortController();
  const onOuterAbort = (): void => controller.abort(outer?.reason);
  if (outer?.aborted) throw abortedError(outer.reason, spec.url);
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  const timer = setTimeout(() => controller.abort(REQUEST_DEADLINE), limits.timeoutMs);
  let stream: Readable | undefined;
  try {
    const viaProxy = await proxyAgents(spec.url, controller.signal);
    const response: AxiosResponse<Readable> = await instance.request<Readable>({
      method: spec.method,
      url: spec.url,
      signal: controller.signal,
      ...viaProxy?.config,
      ...(spec.method === 'POST'
        ? { data: spec.body ?? '', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }
        : {}),
    });
    stream = response.data;
    const body = await readBody(stream, response.headers, limits.maxBodyBytes, controller);
    log.debug(requestLine(spec, String(response.status)));
    return { status: response.status, headers: response.headers, body };
  } catch (error) {
    const reason: unknown = controller.signal.aborted ? controller.signal.reason : undefined;
    log.debug(requestLine(spec, `failed: ${reasonLabel(reason) ?? errorCode(error) ?? 'error'}`));
    if (reason === REQUEST_DEADLINE) throw requestTimeoutError(spec.url, limits.timeoutMs);
    if (reason instanceof BodyTooLarge) throw tooLargeError(spec.url, reason.detail, limits.maxBodyBytes);
    if (reason !== undefined) throw abortedError(reason, spec.url);
    throw mapNetworkError(error, spec.url);
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onOuterAbort);
    // Whatever happened, the socket must not stay open streaming into nothing.
    if (stream && !stream.readableEnded) stream.destroy();
  }
}

/**
 * The body as text, refusing more than `maxBytes` (after decompression) as soon as it is seen: a declared
 * Content-Length before reading anything, the running count while chunks arrive. At most `maxBytes`
 * plus one chunk is ever held.
 */
async function readBody(stream: Readable, headers: unknown, maxBytes: number, controller: AbortController): Promise<string> {
  const declared = Number(headerValue(headers, 'content-length'));
  // Content-Length is the compressed size when the body is encoded; only an unencoded one is the text's size.
  if (headerValue(headers, 'content-encoding') === undefined && Number.isFinite(declared) && declared > maxBytes) {
    controller.abort(new BodyTooLarge(`Content-Length ${declared} bytes`));
    throw controller.signal.reason;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > maxBytes) {
      controller.abort(new BodyTooLarge(`more than ${maxBytes} bytes`));
      throw controller.signal.reason;
    }
    chunks.push(buffer);
  }
  // Same decoding as axios' text mode: UTF-8, byte-order mark dropped.
  const text = Buffer.concat(chunks, size).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function reasonLabel(reason: unknown): string | undefined {
  if (reason === undefined) return undefined;
  if (reason === REQUEST_DEADLINE) return 'deadline';
  if (reason instanceof BodyTooLarge) return 'too large';
  return 'aborted';
}

function requestTimeoutError(url: string, timeoutMs: number): IdpError {
  const host = hostOf(url);
  return new IdpError('IDP_TIMEOUT', `${host} did not send a complete answer within ${formatSeconds(timeoutMs)} (${displayUrl(url)})`, {
    hint: `The IdP or the network is stalling (each request gets at most ${formatSeconds(timeoutMs)}, or what is left of --timeout / AWSFED_TIMEOUT / awsfed_timeout); check the VPN or proxy and try again.`,
    cause: Object.assign(new Error(`request deadline of ${timeoutMs} ms exceeded`), { code: 'ETIMEDOUT' }),
  });
}

function tooLargeError(url: string, detail: string, maxBytes: number): IdpError {
  const host = hostOf(url);
  return new IdpError('IDP_RESPONSE_TOO_LARGE', `${host} sent a page too large to be a sign-in page (${detail}; the limit is ${maxBytes} bytes) at ${displayUrl(url)}`, {
    hint: 'An AD FS page is well under 1 MiB: check that the IdP URL points at the AD FS sign-in page, not at a download or a proxy error.',
  });
}

/** The caller's signal ended the request: its DeadlineExceeded names the error, else a plain cancellation. */
function abortedError(reason: unknown, url: string): IdpError {
  if (reason instanceof DeadlineExceeded) return reason.toError(hostOf(url));
  return new IdpError('IDP_CANCELLED', `The request to ${displayUrl(url)} was cancelled`, {
    hint: 'The sign-in was stopped before the IdP answered; run it again.',
  });
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Turns a failed request into an IdpError that names the host or URL and says what to do. The AxiosError
 * itself is never kept as `cause`: its config holds the posted form (the password), so the cause is a
 * plain Error with only the code and message.
 */
export function mapNetworkError(error: unknown, url: string): IdpError {
  const proxyFailure = proxyFailureOf(error);
  if (proxyFailure) {
    const { message, hint } = describeProxyFailure(proxyFailure);
    const code = proxyFailure.kind === 'auth' ? 'PROXY_AUTH_REQUIRED' : proxyFailure.kind === 'refused' ? 'PROXY_REFUSED' : 'PROXY_UNREACHABLE';
    return new IdpError(code, message, { hint, cause: plainCause(proxyFailure, proxyFailure.code) });
  }
  const code = errorCode(error);
  const host = hostOf(url);
  const cause = plainCause(error, code);
  if (isTlsErrorCode(code)) {
    return new IdpError('IDP_TLS', `TLS verification of ${host} failed (${code})`, {
      hint: 'If your IdP uses a private CA, pass its certificate with --ca-bundle / awsfed_ca_bundle / AWS_CA_BUNDLE.',
      cause,
    });
  }
  const broken = brokenAnswerKind(code);
  if (broken) {
    // The host was reached and answered, so "cannot reach" would send people to check the wrong thing.
    return new IdpError('IDP_BAD_RESPONSE', `${host} sent an answer awsfed cannot read: ${broken} (${code}, at ${displayUrl(url)})`, {
      hint: 'The IdP, or a proxy or TLS-inspecting middlebox in front of it, sent a broken answer; retry, and if it persists check the proxy settings or report it to your IdP administrator.',
      cause,
    });
  }
  const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(errorMessage(error));
  if (timedOut) {
    // The connection itself timed out (TCP connect, or the OS): the host is out of reach rather than slow.
    return new IdpError('IDP_UNREACHABLE', `No answer from ${displayUrl(url)} in time (${code ?? 'timeout'})`, {
      hint: 'The connection itself could not be made, so a longer --timeout would not help: check the IdP URL, your network or VPN, and proxy settings.',
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

function headerValue(headers: unknown, name: string): string | undefined {
  const value = (headers as Record<string, unknown> | undefined)?.[name];
  if (Array.isArray(value)) return value.join(', ');
  return typeof value === 'string' ? value : undefined;
}

/** Node's or axios' headers as one lower-case string each (set-cookie lines joined by newlines). */
export function flattenHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries((headers ?? {}) as Record<string, unknown>)) {
    if (value === undefined || value === null) continue;
    out[key.toLowerCase()] = Array.isArray(value) ? value.map(String).join(key.toLowerCase() === 'set-cookie' ? '\n' : ', ') : String(value);
  }
  return out;
}
