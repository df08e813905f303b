/**
 * Windows integrated sign-in at AD FS (--auth wia, kerberos or ntlm; issue 9 item 2), done as a browser
 * on the intranet does it: every request presents a user agent from AD FS's WIASupportedUserAgents, and
 * when AD FS sends it to /adfs/ls/wia it answers `401` with `WWW-Authenticate: Negotiate` and `NTLM`. The
 * answer to that challenge is the only thing this module adds to the forms sign-in (src/idp/adfs/flow.ts),
 * which runs the rest of the conversation over this transport: the site selection of a sign-on URL without
 * `loginToRp`, the second factor AD FS asks for after Windows sign-in, error pages, the SAMLResponse.
 *
 * Kerberos first, as a browser on a domain-joined machine does: with a ticket (kinit, or the Windows
 * logon), one Negotiate request signs in and no password is asked (src/idp/adfs/negotiate.ts). Without
 * one, NTLM with the domain user and password, where AD FS offers it (`--auth wia`); `--auth kerberos`
 * and `--auth ntlm` pin one mechanism.
 *
 * NTLM authenticates the connection, not the request: Type 1 (negotiate), Type 2 (the server's challenge)
 * and Type 3 (the answer) must travel on one keep-alive socket. The shared HTTP client (src/http/client.ts)
 * pools sockets behind axios, so this module speaks HTTP through its own agents limited to one socket, and
 * checks that the Type 3 request really goes out on the socket that brought the challenge. A socket that
 * closes in between ends in IDP_WIA_CONNECTION_LOST rather than an endless 401 loop. The NTLM messages come
 * from @ewsjs/ntlm-client (pure JS, its own MD4: Node 20's OpenSSL 3 has none).
 *
 * Through a proxy, an https AD FS is reached in a CONNECT tunnel (src/http/proxy-agents.ts) kept alive
 * and limited to one, so the NTLM handshake stays on one connection end to end: the tunnel is a plain
 * TCP relay, the TLS session inside it is ours. A plain-http target through a forwarding proxy is
 * refused: such a proxy may send each request on another connection, which breaks NTLM.
 *
 * Neither the Authorization header (the NTLM answer, derived from the password hash; the Kerberos
 * ticket) nor a cookie is ever logged.
 */
import type { IncomingMessage } from 'node:http';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { createType1Message, createType3Message, decodeType2Message } from '@ewsjs/ntlm-client';
import { CookieJar } from 'tough-cookie';
import { AppError, IdpError, PromptError, UsageError } from '../../errors.js';
import {
  BROWSER_USER_AGENT,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_REQUEST_TIMEOUT_MS,
  flattenHeaders,
  type HttpClient,
  type HttpResponse,
  mapNetworkError,
  REDIRECT_STATUSES,
  type RequestOptions,
} from '../../http/client.js';
import { DeadlineExceeded, hostOf } from '../../http/deadline.js';
import { PROXY_CONNECT_SIGNAL, type ProxyChoice, type ProxyConfig, proxyFor } from '../../http/proxy.js';
import { requestLine } from '../../http/request-line.js';
import { assertAllowedUrl, displayUrl } from '../../http/url-policy.js';
import type { Logger } from '../../log.js';
import { trustedCas } from '../../net-errors.js';
import { signIn, type SignInOptions, type SignInResult, type WindowsAuth } from './flow.js';
import { explainKerberos, KERBEROS_LIMIT_MS, KerberosUnavailable, type NegotiateSession, principalShown, servicePrincipal, type StartNegotiate, startNegotiate, withinLimit } from './negotiate.js';

/** IE 11 on Windows 10: in AD FS's default WIASupportedUserAgents ("Windows NT 10.0; WOW64; Trident/7.0"). */
export const WIA_USER_AGENT = 'Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko';
const MAX_HOPS = 10;
/** Handshakes in one sign-in: a second 401 after a successful one is AD FS asking again; a third is a loop. */
const MAX_HANDSHAKES = 2;

export type WiaMechanism = 'auto' | 'kerberos' | 'ntlm';

export interface WiaTransportOptions {
  credentials: { username(): Promise<string>; password(): Promise<string> };
  log: Logger;
  caBundlePem?: string;
  /** The proxies in force: https targets go through a CONNECT tunnel; a proxy for an http target is refused. */
  proxy?: ProxyConfig;
  /** auto (default): Kerberos when AD FS offers Negotiate and a ticket is there, else NTLM; or one of them only. */
  mechanism?: WiaMechanism;
  /** Starts the Kerberos exchange (default: the `kerberos` package); a port for tests. */
  negotiate?: StartNegotiate;
  /** The run's cookie jar (the IdP session cache's, shared with nothing else); a fresh one when absent. */
  jar?: CookieJar;
  /** The workstation name sent in the NTLM messages (default: none, as browsers on non-domain machines). */
  workstation?: string;
  /** Told why Kerberos was not used just before NTLM asks for the user name or password (a terminal run). */
  notice?: (line: string) => void;
  /** Per request, connect to last byte (default 30 s); the sign-in's own deadline comes with each request. */
  requestTimeoutMs?: number;
  /** How long Kerberos may take to get a ticket (default 10 s). */
  kerberosLimitMs?: number;
}

export interface WiaTransport {
  /** The sign-in's HTTP: the WIA user agent, this module's sockets and jar; a 401 comes back as it is. */
  readonly http: HttpClient;
  /** For the sign-in flow: answers a 401 challenge. */
  readonly windowsAuth: WindowsAuth;
  /** What signed in: nothing yet, the IdP session's cookies (no challenge came), a Kerberos ticket or NTLM. */
  readonly by: 'session' | 'kerberos' | 'ntlm';
  close(): void;
}

/**
 * The whole Windows sign-in: the sign-in flow over this transport. The flow's credentials and logger
 * serve the transport too (NTLM's user name and password; the request lines).
 */
export async function signInWia(flow: Omit<SignInOptions, 'http' | 'windowsAuth'>, transport: Omit<WiaTransportOptions, 'credentials' | 'log'> = {}): Promise<SignInResult & { by: WiaTransport['by'] }> {
  const wia = createWiaTransport({ ...transport, credentials: flow.credentials, log: flow.log });
  try {
    const signed = await signIn({ ...flow, http: wia.http, windowsAuth: wia.windowsAuth });
    return { ...signed, by: wia.by };
  } finally {
    wia.close();
  }
}

/** 'CORP\\alice' -> user alice in domain CORP; 'alice@corp.example' -> the UPN as user, no domain (NTLM accepts both). */
export function ntlmIdentity(name: string): { user: string; domain: string } {
  const slash = name.indexOf('\\');
  if (slash >= 0) return { domain: name.slice(0, slash), user: name.slice(slash + 1) };
  return { user: name, domain: '' };
}

/** Why Kerberos did not sign in: the error to throw, and its reason in a sentence for the notice. */
interface KerberosProblem {
  error: IdpError;
  why: string;
}

interface Answer {
  url: string;
  status: number;
  headers: IncomingMessage['headers'];
  /** Every WWW-Authenticate header as sent (Node folds them into one in `headers`). */
  authenticate: string[];
  body: string;
  socket: Socket;
}

interface Send {
  url: string;
  reason: string;
  method?: 'GET' | 'POST';
  form?: string;
  authorization?: string;
  signal?: AbortSignal;
  /** This request's own limit (an MFA Server post waits for the phone); default the transport's. */
  timeoutMs?: number;
}

export function createWiaTransport(opts: WiaTransportOptions): WiaTransport {
  const mechanism = opts.mechanism ?? 'auto';
  const ca = opts.caBundlePem ? trustedCas(opts.caBundlePem) : undefined;
  // One socket: the NTLM handshake needs the challenge and the answer on the same connection.
  const agentOptions = { keepAlive: true, maxSockets: 1 };
  const httpAgent = new HttpAgent(agentOptions);
  const httpsAgent = new HttpsAgent({ ...agentOptions, ...(ca ? { ca } : {}) });
  // One tunnel agent per proxy, made on first use (the agents library loads only then).
  const tunnels = new Map<string, Promise<HttpAgent>>();
  const agentFor = (url: string): HttpAgent | Promise<HttpAgent> => {
    refuseForwardingProxy(url, opts.proxy);
    const choice = proxyFor(url, opts.proxy);
    if (!choice) return url.startsWith('https:') ? httpsAgent : httpAgent;
    let tunnel = tunnels.get(choice.url.href);
    if (!tunnel) {
      tunnel = tunnelThrough(choice, ca);
      // A failed load is not remembered: the next request tries again.
      tunnel.catch(() => tunnels.delete(choice.url.href));
      tunnels.set(choice.url.href, tunnel);
    }
    return tunnel;
  };
  // AD FS's MSISAuth cookies go back to AD FS only, by a browser's cookie rules; with the session cache,
  // they carry the next sign-in without a new handshake.
  const jar = opts.jar ?? new CookieJar();
  // The host of the first request (the sign-on page) is AD FS's.
  let idpHost: string | undefined;
  const send = (spec: Send): Promise<Answer> =>
    sendOnce(spec, { jar, agentFor, log: opts.log, timeoutMs: opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, proxy: opts.proxy, idpHost });
  // The raw answer behind each response the flow holds: its socket and its WWW-Authenticate headers.
  const raw = new WeakMap<HttpResponse, Answer>();
  const toResponse = (answer: Answer): HttpResponse => {
    const response: HttpResponse = { url: answer.url, status: answer.status, headers: flattenHeaders(answer.headers), body: answer.body };
    raw.set(response, answer);
    return response;
  };
  const follow = async (first: Send, answer?: Answer): Promise<Answer> => {
    let current = answer ?? (await send(first));
    let spec = first;
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      const location = current.headers.location;
      if (!REDIRECT_STATUSES.has(current.status) || location === undefined) return current;
      // As browsers do: 307 and 308 repeat the method and body, the others become a GET.
      const keep = current.status === 307 || current.status === 308;
      spec = {
        url: new URL(location, current.url).toString(),
        reason: `redirect ${hop + 1} after: ${first.reason}`,
        ...(spec.signal ? { signal: spec.signal } : {}),
        ...(spec.timeoutMs !== undefined ? { timeoutMs: spec.timeoutMs } : {}),
        ...(keep && spec.method === 'POST' ? { method: 'POST', form: spec.form ?? '' } : {}),
      };
      current = await send(spec);
    }
    throw new IdpError('IDP_TOO_MANY_REDIRECTS', `The IdP redirected more than ${MAX_HOPS} times, last to ${displayUrl(current.url)}`, {
      hint: 'A redirect loop usually means cookies are blocked or the IdP URL is wrong; check the URL, or run with --debug to see the hops.',
    });
  };
  const requestSpec = (url: string, options: RequestOptions | undefined, reason: string): Send => ({
    url,
    reason: options?.reason ?? reason,
    ...(options?.signal ? { signal: options.signal } : {}),
    ...(options?.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });

  let by: WiaTransport['by'] = 'session';
  let handshakes = 0;
  const http: HttpClient = {
    get: async (url, options) => {
      idpHost ??= new URL(url).host;
      return toResponse(await follow(requestSpec(url, options, 'GET')));
    },
    postForm: async (url, fields, options) =>
      toResponse(await follow({ ...requestSpec(url, options, 'POST'), method: 'POST', form: new URLSearchParams(fields).toString() })),
  };

  const windowsAuth: WindowsAuth = {
    notOffered,
    async answer(challenge, session) {
      const answer = raw.get(challenge);
      const url = challenge.url;
      if (answer === undefined || answer.status !== 401) return challenge;
      if (++handshakes > MAX_HANDSHAKES) {
        throw new IdpError('IDP_WIA_REPEATED', `AD FS at ${displayUrl(url)} asked for Windows sign-in again after it had accepted it.`, {
          hint: 'AD FS may require Extended Protection (channel binding), which awsfed cannot send; use --auth forms, and tell the AD FS admins.',
        });
      }
      const offered = challenges(answer);
      const signal = session.signal;
      let kerberosProblem: KerberosProblem | undefined;
      if (offered.includes('negotiate') && mechanism !== 'ntlm') {
        const kerberos = await answerKerberos(url, signal);
        if ('answer' in kerberos) {
          by = 'kerberos';
          return toResponse(kerberos.answer);
        }
        // Kerberos could not sign in: NTLM with the password, where AD FS offers it and the user allows it.
        if (mechanism === 'kerberos' || !offered.includes('ntlm')) throw kerberos.error;
        kerberosProblem = kerberos;
        opts.log.debug(`Kerberos not used (${kerberos.error.message}); NTLM with the password instead`);
      } else if (mechanism === 'kerberos') {
        throw notOffered(url, 'answered 401 without offering Negotiate (Kerberos)');
      }
      if (!offered.includes('ntlm')) {
        throw notOffered(url, offered.includes('negotiate') ? 'offers only Negotiate (Kerberos), not NTLM, and --auth ntlm was asked for' : 'answered 401 without an NTLM challenge');
      }
      const after = await answerNtlm(url, signal, kerberosProblem, session.paused);
      by = 'ntlm';
      return toResponse(after);
    },
  };

  /** Negotiate with a Kerberos ticket; gives the answer after it, or why Kerberos could not sign in. */
  async function answerKerberos(url: string, signal: AbortSignal): Promise<{ answer: Answer } | KerberosProblem> {
    const host = new URL(url).hostname;
    const spn = servicePrincipal(host);
    const principal = principalShown(spn);
    let context: NegotiateSession;
    try {
      context = await withinLimit((opts.negotiate ?? startNegotiate)(host), opts.kerberosLimitMs ?? KERBEROS_LIMIT_MS, signal);
    } catch (cause) {
      // The sign-in's deadline ran out while GSSAPI worked: that, not the KDC, is what to report.
      if (cause instanceof DeadlineExceeded) throw cause.toError(hostOf(url));
      if (!(cause instanceof KerberosUnavailable)) throw cause;
      const { sentence, hint } = explainKerberos(cause, spn);
      return { why: sentence, error: new IdpError('IDP_WIA_KERBEROS_UNAVAILABLE', `AD FS at ${displayUrl(url)} offers Kerberos (Negotiate), but awsfed could not get a ticket for ${principal}: ${sentence}`, { hint, cause }) };
    }
    // One request carries the SPNEGO token; AD FS answers with the MSISAuth cookies and a redirect.
    const reply = await send({ url, reason: 'Negotiate (Kerberos)', authorization: `Negotiate ${context.token}`, signal });
    if (reply.status === 401) {
      return {
        why: `AD FS refused the Kerberos ticket for ${principal}.`,
        error: new IdpError('IDP_WIA_KERBEROS_REFUSED', `AD FS at ${displayUrl(url)} refused the Kerberos ticket for ${principal}.`, {
          hint: 'Check with `klist` that the ticket is yours and for the domain AD FS belongs to, and that the clock is right; or use --auth ntlm or --auth forms.',
        }),
      };
    }
    // With it (http.sys sends one when mutual authentication was asked, as here) the server's final token
    // must prove it is the service; TLS and the signed assertion stand behind a server that sends none.
    const mutual = schemeToken(reply, 'Negotiate');
    if (mutual === undefined) opts.log.debug('AD FS sent no final Kerberos token (no mutual authentication)');
    else {
      try {
        await context.verify(mutual);
      } catch (cause) {
        throw new IdpError('IDP_WIA_KERBEROS_MUTUAL_FAILED', `The server at ${displayUrl(url)} accepted the Kerberos ticket but did not prove it is ${principal} (mutual authentication failed).`, {
          hint: 'Something between you and AD FS is answering for it: check the IdP URL and the network; use --auth forms meanwhile.',
          cause,
        });
      }
    }
    return { answer: await follow({ url, reason: 'after Kerberos', signal }, reply) };
  }

  /** The NTLM handshake on one connection, with the domain user and password; the answer after it. */
  async function answerNtlm(url: string, signal: AbortSignal, kerberosProblem: KerberosProblem | undefined, paused: <T>(work: () => Promise<T>) => Promise<T>): Promise<Answer> {
    if (kerberosProblem && opts.notice) opts.notice(`Kerberos single sign-on not used: ${kerberosProblem.why} Signing in with NTLM (your domain password).`);
    // Time spent typing is not the IdP's (the sign-in's deadline stops meanwhile).
    const ask = (what: () => Promise<string>): Promise<string> => paused(what).catch((error: unknown) => Promise.reject(withKerberosReason(error, kerberosProblem)));
    const username = await ask(() => opts.credentials.username());
    const password = await ask(() => opts.credentials.password());
    const { user, domain } = ntlmIdentity(username);
    const type2Answer = await send({ url, reason: 'NTLM negotiate (type 1)', authorization: createType1Message(opts.workstation ?? '', domain), signal });
    const type2Header = schemeToken(type2Answer, 'NTLM');
    if (type2Answer.status !== 401 || type2Header === undefined) throw notOffered(url, `answered the NTLM negotiate with HTTP ${type2Answer.status} and no challenge`);
    const bound = type2Answer.socket;
    if (bound.destroyed || type2Answer.headers.connection?.toLowerCase() === 'close') throw connectionLost(url);
    let type2;
    try {
      type2 = decodeType2Message(`NTLM ${type2Header}`);
    } catch (cause) {
      throw new IdpError('IDP_BAD_RESPONSE', `AD FS at ${displayUrl(url)} sent an NTLM challenge that is not valid.`, { hint: 'Run with --debug and report it; meanwhile use --auth forms.', cause });
    }
    const type3 = createType3Message(type2, user, password, opts.workstation ?? '', domain);
    const final = await send({ url, reason: 'NTLM authenticate (type 3)', authorization: type3, signal });
    if (final.socket !== bound) throw connectionLost(url);
    if (final.status === 401) {
      throw new IdpError('IDP_WIA_BAD_CREDENTIALS', `AD FS refused the Windows integrated sign-in of ${username} (NTLM).`, {
        hint: 'Check the user name (DOMAIN\\user or user@domain) and retype the password. If they are right, AD FS may require Extended Protection (channel binding), which awsfed cannot send: use --auth forms.',
      });
    }
    return follow({ url, reason: 'after NTLM', signal }, final);
  }

  return {
    http,
    windowsAuth,
    get by() {
      return by;
    },
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
      for (const tunnel of tunnels.values()) void tunnel.then((agent) => agent.destroy(), () => undefined);
    },
  };
}

/** A prompt that cannot be shown (no terminal) after Kerberos failed: say why Kerberos did not do it. */
function withKerberosReason(error: unknown, kerberosProblem: KerberosProblem | undefined): unknown {
  if (!kerberosProblem || !(error instanceof PromptError)) return error;
  return new PromptError(error.code as ConstructorParameters<typeof PromptError>[0], `${error.message} (Windows sign-in needs it for NTLM because Kerberos could not be used: ${kerberosProblem.why})`, {
    hint: `${kerberosProblem.error.hint ?? ''} Or give the password another way (--password-stdin, AWSFED_PASSWORD, a password command).`.trim(),
    // The Kerberos failure is the cause: credential_process reads its reason (`kinit` makes it unattended).
    cause: kerberosProblem.error,
  });
}

/** Going direct instead would bypass a proxy the network may require; saying so is clearer than a time-out. */
function refuseForwardingProxy(url: string, proxy: ProxyConfig | undefined): void {
  const choice = proxyFor(url, proxy);
  if (!choice || url.startsWith('https:')) return;
  throw new UsageError('WIA_PROXY_UNSUPPORTED', `Windows integrated sign-in cannot go to the plain-http ${displayUrl(url)} through the proxy ${choice.display} (from ${choice.origin}).`, {
    hint: 'A forwarding proxy may send each request on another connection, which breaks NTLM: use the https URL of AD FS, add its host to NO_PROXY, or use --auth forms.',
  });
}

/** A CONNECT tunnel through `choice`, kept alive and only one: NTLM's three messages stay on one connection. */
async function tunnelThrough(choice: ProxyChoice, ca: string[] | undefined): Promise<HttpAgent> {
  const { tunnelAgent } = await import('../../http/proxy-agents.js');
  const agent = tunnelAgent(choice, { keepAlive: true, ...(ca ? { ca } : {}) });
  agent.maxSockets = 1;
  return agent;
}

/**
 * The challenges of a 401, one per scheme: http.sys sends `WWW-Authenticate: Negotiate` and `... NTLM`
 * as two headers (kept apart in headersDistinct), and one header may list several, comma-separated.
 */
function authenticateValues(answer: Answer): string[] {
  return answer.authenticate.flatMap((v) => v.split(/,\s*(?=[A-Za-z][A-Za-z0-9-]*(?:\s|$))/)).map((v) => v.trim()).filter((v) => v !== '');
}

function challenges(answer: Answer): string[] {
  return authenticateValues(answer).map((v) => (v.split(/\s+/)[0] ?? '').toLowerCase());
}

/** The token of one scheme's challenge (`NTLM <type 2>`, `Negotiate <final token>`). */
function schemeToken(answer: Answer, scheme: 'NTLM' | 'Negotiate'): string | undefined {
  const pattern = new RegExp(`^${scheme}\\s+([A-Za-z0-9+/=]+)$`, 'i');
  for (const v of authenticateValues(answer)) {
    const m = pattern.exec(v);
    if (m) return m[1];
  }
  return undefined;
}

function notOffered(url: string, what: string): IdpError {
  return new IdpError('IDP_WIA_NOT_OFFERED', `AD FS at ${displayUrl(url)} ${what}: Windows integrated sign-in was not offered.`, {
    hint: 'AD FS offers WIA to intranet clients only (and to listed user agents); use --auth forms, or ask the AD FS admins.',
  });
}

function connectionLost(url: string): IdpError {
  return new IdpError('IDP_WIA_CONNECTION_LOST', `The connection to ${displayUrl(url)} closed between the NTLM challenge and the answer.`, {
    hint: 'NTLM is bound to one connection: a proxy or load balancer without keep-alive breaks it. Go direct, or use --auth forms.',
  });
}

interface SendContext {
  jar: CookieJar;
  agentFor: (url: string) => HttpAgent | Promise<HttpAgent>;
  log: Logger;
  timeoutMs: number;
  proxy: ProxyConfig | undefined;
  /** The AD FS host: the WIA user agent goes to it only (Duo, say, gets a current browser's). */
  idpHost: string | undefined;
}

type RequestOptionsWithSignal = import('node:http').RequestOptions & { [PROXY_CONNECT_SIGNAL]: AbortSignal };

async function sendOnce(spec: Send, ctx: SendContext): Promise<Answer> {
  assertAllowedUrl(spec.url);
  const target = new URL(spec.url);
  const secure = target.protocol === 'https:';
  const method = spec.method ?? 'GET';
  const userAgent = ctx.idpHost === undefined || target.host === ctx.idpHost ? WIA_USER_AGENT : BROWSER_USER_AGENT;
  const headers: Record<string, string> = { 'User-Agent': userAgent, Accept: 'text/html,*/*', Connection: 'keep-alive' };
  if (spec.authorization !== undefined) headers.Authorization = spec.authorization;
  const cookie = await ctx.jar.getCookieString(spec.url);
  if (cookie !== '') headers.Cookie = cookie;
  const body = method === 'POST' ? Buffer.from(spec.form ?? '', 'utf8') : undefined;
  if (body) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    headers['Content-Length'] = String(body.length);
  }
  const agent = await ctx.agentFor(spec.url);
  const line = (outcome: string): string => requestLine({ method, url: spec.url, reason: spec.reason }, outcome);
  const limitMs = spec.timeoutMs ?? ctx.timeoutMs;
  // A shared proxy agent opens its connection to the proxy with this signal: when the request fails
  // (its limit, the sign-in's deadline), that connection closes too, even while CONNECT waits.
  const connect = new AbortController();
  return new Promise<Answer>((resolve, reject) => {
    const signal = spec.signal;
    // The sign-in's deadline names the host it was waiting on; a plain abort is a cancellation.
    const aborted = (): unknown => (signal?.reason instanceof DeadlineExceeded ? signal.reason.toError(hostOf(spec.url)) : (signal?.reason ?? new Error('aborted')));
    if (signal?.aborted) return reject(aborted());
    const req = (secure ? httpsRequest : httpRequest)(target, { method, headers, agent, [PROXY_CONNECT_SIGNAL]: connect.signal } as RequestOptionsWithSignal);
    let socket: Socket | undefined;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      connect.abort();
      ctx.log.debug(line('failed'));
      reject(error);
    };
    const onAbort = (): void => {
      fail(aborted());
      req.destroy();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('socket', (s: Socket) => (socket = s));
    timer = setTimeout(() => {
      fail(timeout(spec.url, limitMs, proxyFor(spec.url, ctx.proxy) !== undefined));
      req.destroy();
    }, limitMs);
    timer.unref();
    req.on('error', (cause) => {
      if (cause instanceof AppError) return fail(cause);
      // The Type 3 request on a socket the server closed after the challenge: ECONNRESET / socket hang up.
      if (spec.authorization !== undefined && /^NTLM TlRMTVNTUAADAAAA/.test(spec.authorization)) return fail(connectionLost(spec.url));
      // The shared client's reading of network errors: proxy refusals, TLS, DNS, resets, each with its hint.
      fail(mapNetworkError(cause, spec.url));
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let ended = false;
      // After the response has begun, a dropped connection (or the size cap's destroy) errors the
      // response, not the request: without these the promise never settled and the run ended silently.
      const broken = (cause: unknown): void => {
        if (cause instanceof AppError) return fail(cause);
        fail(new IdpError('IDP_UNREACHABLE', `${displayUrl(spec.url)} closed the connection in the middle of its answer.`, { hint: 'Check the network or VPN and try again.', cause }));
      };
      res.on('error', broken);
      res.on('close', () => {
        if (!ended) broken(new Error('the connection closed before the end of the answer'));
      });
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > DEFAULT_MAX_BODY_BYTES) {
          broken(new IdpError('IDP_RESPONSE_TOO_LARGE', `The IdP sent more than ${DEFAULT_MAX_BODY_BYTES} bytes from ${displayUrl(spec.url)}.`, { hint: 'Check the IdP URL.' }));
          req.destroy();
        } else chunks.push(chunk);
      });
      res.on('end', () => {
        ended = true;
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        ctx.log.debug(line(String(res.statusCode)));
        // A cookie the jar refuses (bad domain, bad syntax) is dropped, as a browser drops it.
        const stored = (res.headers['set-cookie'] ?? []).map((c) => ctx.jar.setCookie(c, spec.url, { ignoreError: true }));
        void Promise.all(stored).then(
          () =>
            resolve({
              url: spec.url,
              status: res.statusCode ?? 0,
              headers: res.headers,
              authenticate: res.headersDistinct['www-authenticate'] ?? [],
              body: Buffer.concat(chunks).toString('utf8'),
              socket: socket ?? res.socket,
            }),
          reject,
        );
      });
    });
    req.end(body);
  });
}

function timeout(url: string, ms: number, viaProxy: boolean): IdpError {
  const seconds = `${Math.round(ms / 1000)} s`;
  return viaProxy
    ? new IdpError('IDP_TIMEOUT', `No answer within ${seconds} from ${displayUrl(url)} through the proxy (the proxy or the IdP is not answering).`, {
        hint: 'Check the proxy (HTTPS_PROXY, awsfed_proxy) and the VPN, or add the IdP host to NO_PROXY if it is reachable directly.',
      })
    : new IdpError('IDP_TIMEOUT', `The IdP at ${displayUrl(url)} did not answer within ${seconds}.`, {
        hint: 'Check the VPN or proxy and try again, or raise --timeout.',
      });
}
