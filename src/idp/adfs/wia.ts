/**
 * Windows integrated sign-in at AD FS (--auth wia, kerberos or ntlm; issue 9 item 2): AD FS sends a
 * browser whose User-Agent is in its WIASupportedUserAgents list to /adfs/ls/wia, which answers 401 with
 * `WWW-Authenticate: Negotiate` and `NTLM`; after the handshake it sets the MSISAuth cookies and
 * redirects back to the sign-on page, which carries the SAMLResponse.
 *
 * Kerberos first, as a browser on a domain-joined machine does: with a ticket (kinit, or the Windows
 * logon), one Negotiate request signs in and no password is asked (src/idp/adfs/negotiate.ts). Without
 * one, NTLM with the domain user and password, where AD FS offers it (`--auth wia`); `--auth kerberos`
 * and `--auth ntlm` pin one mechanism.
 *
 * NTLM authenticates the connection, not the request: Type 1 (negotiate), Type 2 (the server's challenge)
 * and Type 3 (the answer) must travel on one keep-alive socket. The shared HTTP client (src/http/client.ts)
 * pools sockets behind axios, so this module speaks HTTP through its own agent limited to one socket and
 * checks that the Type 3 request really goes out on the socket that brought the challenge. A socket
 * that closes in between ends in IDP_WIA_CONNECTION_LOST rather than an endless 401 loop.
 * The NTLM messages come from @ewsjs/ntlm-client (pure JS, its own MD4: Node 20's OpenSSL 3 has none).
 *
 * Through a proxy, an https AD FS is reached in a CONNECT tunnel (src/http/proxy-agents.ts) kept alive
 * and limited to one, so the NTLM handshake stays on one connection end to end: the tunnel is a plain
 * TCP relay, the TLS session inside it is ours. A plain-http target through a forwarding proxy is
 * refused: such a proxy may send each request on another connection, which breaks NTLM.
 */
import type { IncomingMessage } from 'node:http';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { createType1Message, createType3Message, decodeType2Message } from '@ewsjs/ntlm-client';
import { CookieJar } from 'tough-cookie';
import { IdpError, UsageError } from '../../errors.js';
import { mapNetworkError, REDIRECT_STATUSES } from '../../http/client.js';
import { requestLine } from '../../http/request-line.js';
import { type ProxyChoice, type ProxyConfig, proxyFor } from '../../http/proxy.js';
import { assertAllowedUrl, displayUrl } from '../../http/url-policy.js';
import type { Logger } from '../../log.js';
import { trustedCas } from '../../net-errors.js';
import { classify } from './classify.js';
import { explainKerberos, KerberosUnavailable, type NegotiateSession, servicePrincipal, type StartNegotiate, startNegotiate } from './negotiate.js';

/** IE 11 on Windows 10: in AD FS's default WIASupportedUserAgents ("Windows NT 10.0; WOW64; Trident/7.0"). */
export const WIA_USER_AGENT = 'Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko';
const MAX_HOPS = 10;
const MAX_BODY_BYTES = 1024 * 1024;

export interface WiaSignInOptions {
  entryUrl: string;
  credentials: { username(): Promise<string>; password(): Promise<string> };
  log: Logger;
  caBundlePem?: string;
  /** Deadline for the whole sign-in (default 120000). */
  timeoutMs?: number;
  /** The proxies in force: https targets go through a CONNECT tunnel; a proxy for an http target is refused. */
  proxy?: ProxyConfig;
  /** auto (default): Kerberos when AD FS offers Negotiate and a ticket is there, else NTLM; or one of them only. */
  mechanism?: WiaMechanism;
  /** Starts the Kerberos exchange (default: the `kerberos` package); a port for tests. */
  negotiate?: StartNegotiate;
  /** The run's cookie jar (the IdP session cache's); a fresh one when absent. */
  jar?: CookieJar;
  /** The workstation name sent in the NTLM messages (default: none, as browsers on non-domain machines). */
  workstation?: string;
}

/** 'CORP\\alice' -> user alice in domain CORP; 'alice@corp.example' -> the UPN as user, no domain (NTLM accepts both). */
export function ntlmIdentity(name: string): { user: string; domain: string } {
  const slash = name.indexOf('\\');
  if (slash >= 0) return { domain: name.slice(0, slash), user: name.slice(slash + 1) };
  return { user: name, domain: '' };
}

export type WiaMechanism = 'auto' | 'kerberos' | 'ntlm';

export interface WiaSignedIn {
  samlResponse: string;
  /** What signed in: the IdP session's cookies (nothing asked), a Kerberos ticket, or NTLM with the password. */
  by: 'session' | 'kerberos' | 'ntlm';
}

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
  socket: Socket;
}

export async function signInWia(opts: WiaSignInOptions): Promise<WiaSignedIn> {
  refuseForwardingProxy(opts.entryUrl, opts.proxy);
  const mechanism = opts.mechanism ?? 'auto';
  const limitMs = opts.timeoutMs ?? 120_000;
  // Time spent typing the password is not counted (as in the forms sign-in): the deadline restarts after it.
  let deadline = Date.now() + limitMs;
  // One socket: the NTLM handshake needs the challenge and the answer on the same connection.
  const agentOptions = { keepAlive: true, maxSockets: 1 };
  const ca = opts.caBundlePem ? trustedCas(opts.caBundlePem) : undefined;
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
      tunnels.set(choice.url.href, tunnel);
    }
    return tunnel;
  };
  // The run's cookie jar (the IdP session cache's, when on): AD FS's MSISAuth cookies carry the next
  // sign-in without a new handshake, and go back to AD FS only, by the cookie rules of a browser.
  const jar = opts.jar ?? new CookieJar();
  try {
    const send = (url: string, reason: string, authorization?: string): Promise<Answer> =>
      sendOnce({ url, reason, authorization, jar, agentFor, deadline, log: opts.log });

    let url = opts.entryUrl;
    const opened = await follow(send, url, 'open the sign-on page (Windows integrated)');
    url = opened.url;
    // A 200 with the SAMLResponse: the IdP session (MSISAuth cookies) signed in, no handshake needed.
    if (opened.answer.status !== 401) return { samlResponse: samlOrNotOffered(opened.answer, url), by: 'session' };
    const offered = challenges(opened.answer.headers);
    if (offered.includes('negotiate') && mechanism !== 'ntlm') {
      const kerberos = await signInKerberos(send, url, opts.negotiate ?? startNegotiate);
      if ('samlResponse' in kerberos) return kerberos;
      // Kerberos could not sign in: NTLM with the password, where AD FS offers it and the user allows it.
      if (mechanism === 'kerberos' || !offered.includes('ntlm')) throw kerberos.error;
      opts.log.debug(`Kerberos not used (${kerberos.error.message}); NTLM with the password instead`);
    } else if (mechanism === 'kerberos') {
      throw notOffered(url, 'answered 401 without offering Negotiate (Kerberos)');
    }
    if (!offered.includes('ntlm')) {
      throw notOffered(url, offered.includes('negotiate') ? 'offers only Negotiate (Kerberos), not NTLM, and --auth ntlm was asked for' : 'answered 401 without an NTLM challenge');
    }
    const username = await opts.credentials.username();
    const password = await opts.credentials.password();
    deadline = Date.now() + limitMs;
    const { user, domain } = ntlmIdentity(username);
    const type2Answer = await send(url, 'NTLM negotiate (type 1)', createType1Message(opts.workstation ?? '', domain));
    const type2Header = schemeToken(type2Answer.headers, 'NTLM');
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
    const final = await send(url, 'NTLM authenticate (type 3)', type3);
    if (final.socket !== bound) throw connectionLost(url);
    if (final.status === 401) {
      throw new IdpError('IDP_WIA_BAD_CREDENTIALS', `AD FS refused the Windows integrated sign-in of ${username} (NTLM).`, {
        hint: 'Check the user name (DOMAIN\\user or user@domain) and retype the password.',
      });
    }
    const after = await follow(send, url, 'after NTLM', final);
    return { samlResponse: samlOrNotOffered(after.answer, after.url), by: 'ntlm' };
  } finally {
    httpAgent.destroy();
    httpsAgent.destroy();
    for (const tunnel of tunnels.values()) void tunnel.then((agent) => agent.destroy(), () => undefined);
  }
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
 * Negotiate with a Kerberos ticket: one request carries the SPNEGO token; AD FS answers with the
 * MSISAuth cookies and a redirect, and (as IIS does when mutual authentication was asked) its own final
 * token, which must prove the service. Gives the sign-in, or why Kerberos could not do it.
 */
async function signInKerberos(send: (url: string, reason: string, authorization?: string) => Promise<Answer>, url: string, negotiate: StartNegotiate): Promise<WiaSignedIn | { error: IdpError }> {
  const host = new URL(url).hostname;
  const spn = servicePrincipal(host);
  const principal = spn.replace('@', '/'); // as the KDC and `klist` show it
  let session: NegotiateSession;
  try {
    session = await negotiate(host);
  } catch (cause) {
    if (!(cause instanceof KerberosUnavailable)) throw cause;
    const { sentence, hint } = explainKerberos(cause, spn);
    return { error: new IdpError('IDP_WIA_KERBEROS_UNAVAILABLE', `AD FS at ${displayUrl(url)} offers Kerberos (Negotiate), but awsfed could not get a ticket for ${principal}: ${sentence}`, { hint, cause }) };
  }
  // Never logged: the token holds a service ticket and an authenticator.
  const reply = await send(url, 'Negotiate (Kerberos)', `Negotiate ${session.token}`);
  if (reply.status === 401) {
    return {
      error: new IdpError('IDP_WIA_KERBEROS_REFUSED', `AD FS at ${displayUrl(url)} refused the Kerberos ticket for ${principal}.`, {
        hint: 'Check with `klist` that the ticket is yours and for the domain AD FS belongs to, and that the clock is right; or use --auth ntlm or --auth forms.',
      }),
    };
  }
  const mutual = schemeToken(reply.headers, 'Negotiate');
  if (mutual !== undefined) {
    try {
      await session.verify(mutual);
    } catch (cause) {
      throw new IdpError('IDP_WIA_KERBEROS_MUTUAL_FAILED', `The server at ${displayUrl(url)} accepted the Kerberos ticket but did not prove it is ${principal} (mutual authentication failed).`, {
        hint: 'Something between you and AD FS is answering for it: check the IdP URL and the network; use --auth forms meanwhile.',
        cause,
      });
    }
  }
  const after = await follow(send, url, 'after Kerberos', reply);
  return { samlResponse: samlOrNotOffered(after.answer, after.url), by: 'kerberos' };
}

async function follow(send: (url: string, reason: string) => Promise<Answer>, start: string, reason: string, first?: Answer): Promise<{ url: string; answer: Answer }> {
  let url = start;
  let answer = first ?? (await send(url, reason));
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const location = answer.headers.location;
    if (!REDIRECT_STATUSES.has(answer.status) || location === undefined) return { url, answer };
    url = new URL(location, url).toString();
    answer = await send(url, `redirect ${hop + 1} after: ${reason}`);
  }
  throw new IdpError('IDP_TOO_MANY_REDIRECTS', `The IdP redirected more than ${MAX_HOPS} times, last to ${displayUrl(url)}`, {
    hint: 'A redirect loop usually means cookies are blocked or the IdP URL is wrong; check the URL, or run with --debug to see the hops.',
  });
}

function challenges(headers: IncomingMessage['headers']): string[] {
  const raw = headers['www-authenticate'];
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : raw.split(/,\s*(?=[A-Za-z]+(?:\s|$))/);
  return list.map((v) => (v.trim().split(/\s+/)[0] ?? '').toLowerCase());
}

/** The token of one scheme's `WWW-Authenticate` header (`NTLM <type 2>`, `Negotiate <final token>`). */
function schemeToken(headers: IncomingMessage['headers'], scheme: 'NTLM' | 'Negotiate'): string | undefined {
  const raw = headers['www-authenticate'];
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const pattern = new RegExp(`^\\s*${scheme}\\s+([A-Za-z0-9+/=]+)`, 'i');
  for (const v of list) {
    const m = pattern.exec(v);
    if (m) return m[1];
  }
  return undefined;
}

function samlOrNotOffered(answer: Answer, url: string): string {
  if (answer.status === 200) {
    const page = classify(answer.body, url);
    if (page.kind === 'saml-response' && page.samlResponse !== '') return page.samlResponse;
    if (page.kind === 'login-form' || page.kind === 'password-page') throw notOffered(url, 'showed its forms sign-in page');
  }
  throw notOffered(url, `answered HTTP ${answer.status} without a SAMLResponse`);
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

interface SendSpec {
  url: string;
  reason: string;
  authorization: string | undefined;
  jar: CookieJar;
  agentFor: (url: string) => HttpAgent | Promise<HttpAgent>;
  deadline: number;
  log: Logger;
}

async function sendOnce(spec: SendSpec): Promise<Answer> {
  assertAllowedUrl(spec.url);
  const target = new URL(spec.url);
  const secure = target.protocol === 'https:';
  const headers: Record<string, string> = { 'User-Agent': WIA_USER_AGENT, Accept: 'text/html,*/*', Connection: 'keep-alive' };
  // Never logged: the Authorization header carries the NTLM answer (derived from the password hash).
  if (spec.authorization !== undefined) headers.Authorization = spec.authorization;
  const cookie = await spec.jar.getCookieString(spec.url);
  if (cookie !== '') headers.Cookie = cookie;
  const agent = await spec.agentFor(spec.url);
  const left = spec.deadline - Date.now();
  return new Promise<Answer>((resolve, reject) => {
    if (left <= 0) return reject(timeout(spec.url));
    const req = (secure ? httpsRequest : httpRequest)(target, { method: 'GET', headers, agent });
    let socket: Socket | undefined;
    req.on('socket', (s: Socket) => (socket = s));
    const timer = setTimeout(() => req.destroy(timeout(spec.url)), left);
    timer.unref();
    req.on('error', (cause) => {
      clearTimeout(timer);
      spec.log.debug(requestLine({ method: 'GET', url: spec.url, reason: spec.reason }, 'failed'));
      if (cause instanceof IdpError) return reject(cause);
      // The Type 3 request on a socket the server closed after the challenge: ECONNRESET / socket hang up.
      if (spec.authorization !== undefined && /^NTLM TlRMTVNTUAADAAAA/.test(spec.authorization)) return reject(connectionLost(spec.url));
      // The shared client's reading of network errors: proxy refusals, TLS, DNS, resets, each with its hint.
      reject(mapNetworkError(cause, spec.url));
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let ended = false;
      // After the response has begun, a dropped connection (or the size cap's destroy) errors the
      // response, not the request: without these the promise never settled and the run ended silently.
      const broken = (cause: unknown): void => {
        clearTimeout(timer);
        if (cause instanceof IdpError) return reject(cause);
        reject(new IdpError('IDP_UNREACHABLE', `${displayUrl(spec.url)} closed the connection in the middle of its answer.`, { hint: 'Check the network or VPN and try again.', cause }));
      };
      res.on('error', broken);
      res.on('close', () => {
        if (!ended) broken(new Error('the connection closed before the end of the answer'));
      });
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          broken(new IdpError('IDP_RESPONSE_TOO_LARGE', `The IdP sent more than ${MAX_BODY_BYTES} bytes from ${displayUrl(spec.url)}.`, { hint: 'Check the IdP URL.' }));
          req.destroy();
        }
        else chunks.push(chunk);
      });
      res.on('end', () => {
        ended = true;
        clearTimeout(timer);
        spec.log.debug(requestLine({ method: 'GET', url: spec.url, reason: spec.reason }, String(res.statusCode)));
        // A cookie the jar refuses (bad domain, bad syntax) is dropped, as a browser drops it.
        const stored = (res.headers['set-cookie'] ?? []).map((c) => spec.jar.setCookie(c, spec.url, { ignoreError: true }));
        void Promise.all(stored).then(
          () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), socket: socket ?? res.socket }),
          reject,
        );
      });
    });
    req.end();
  });
}

function timeout(url: string): IdpError {
  return new IdpError('IDP_TIMEOUT', `The IdP at ${displayUrl(url)} did not finish the Windows integrated sign-in in time.`, {
    hint: 'Check the VPN or proxy and try again, or raise --timeout.',
  });
}
