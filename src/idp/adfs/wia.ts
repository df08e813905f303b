/**
 * Windows integrated sign-in at AD FS (--auth wia, issue 9 item 2): AD FS sends a browser whose User-Agent
 * is in its WIASupportedUserAgents list to /adfs/ls/wia, which answers 401 with `WWW-Authenticate:
 * Negotiate` and `NTLM`; after the handshake it sets the MSISAuth cookies and redirects back to the
 * sign-on page, which carries the SAMLResponse.
 *
 * NTLM authenticates the connection, not the request: Type 1 (negotiate), Type 2 (the server's challenge)
 * and Type 3 (the answer) must travel on one keep-alive socket. The shared HTTP client (src/http/client.ts)
 * pools sockets behind axios, so this module speaks HTTP through its own agent limited to one socket and
 * checks that the Type 3 request really goes out on the socket that brought the challenge. A socket
 * that closes in between ends in IDP_WIA_CONNECTION_LOST rather than an endless 401 loop.
 * The NTLM messages come from @ewsjs/ntlm-client (pure JS, its own MD4: Node 20's OpenSSL 3 has none).
 * Proxies are not supported here (NTLM through a CONNECT tunnel is its own work item).
 */
import type { IncomingMessage } from 'node:http';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { createType1Message, createType3Message, decodeType2Message } from '@ewsjs/ntlm-client';
import { IdpError, UsageError } from '../../errors.js';
import { requestLine } from '../../http/client.js';
import { type ProxyConfig, proxyFor } from '../../http/proxy.js';
import { assertAllowedUrl, displayUrl } from '../../http/url-policy.js';
import type { Logger } from '../../log.js';
import { trustedCas } from '../../net-errors.js';
import { classify } from './classify.js';

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
  /** The proxies in force: one for the IdP is refused (NTLM through a proxy is not supported). */
  proxy?: ProxyConfig;
  /** Whether the user holds a Kerberos ticket (klist -s), for the message when only Negotiate is offered. */
  kerberosTicket?: () => Promise<'yes' | 'no' | 'unknown'>;
  /** The workstation name sent in the NTLM messages (default: none, as browsers on non-domain machines). */
  workstation?: string;
}

/** 'CORP\\alice' -> user alice in domain CORP; 'alice@corp.example' -> the UPN as user, no domain (NTLM accepts both). */
export function ntlmIdentity(name: string): { user: string; domain: string } {
  const slash = name.indexOf('\\');
  if (slash >= 0) return { domain: name.slice(0, slash), user: name.slice(slash + 1) };
  return { user: name, domain: '' };
}

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
  socket: Socket;
}

export async function signInWia(opts: WiaSignInOptions): Promise<{ samlResponse: string }> {
  const viaProxy = proxyFor(opts.entryUrl, opts.proxy);
  if (viaProxy) {
    // Going direct instead would bypass a proxy the network may require; saying so is clearer than a time-out.
    throw new UsageError('WIA_PROXY_UNSUPPORTED', `--auth wia cannot go through the proxy ${viaProxy.display} (from ${viaProxy.origin}) to ${displayUrl(opts.entryUrl)}.`, {
      hint: `NTLM through a proxy is not supported: add the IdP host to NO_PROXY if it is reachable directly, or use --auth forms.`,
    });
  }
  const limitMs = opts.timeoutMs ?? 120_000;
  // Time spent typing the password is not counted (as in the forms sign-in): the deadline restarts after it.
  let deadline = Date.now() + limitMs;
  // One socket: the NTLM handshake needs the challenge and the answer on the same connection.
  const agentOptions = { keepAlive: true, maxSockets: 1 };
  const httpAgent = new HttpAgent(agentOptions);
  const httpsAgent = new HttpsAgent({ ...agentOptions, ...(opts.caBundlePem ? { ca: trustedCas(opts.caBundlePem) } : {}) });
  // Per host: AD FS's MSISAuth cookies go back to AD FS only, never to a host a redirect points at.
  const cookies = new Map<string, Map<string, string>>();
  try {
    const send = (url: string, reason: string, authorization?: string): Promise<Answer> =>
      sendOnce({ url, reason, authorization, cookies, httpAgent, httpsAgent, deadline, log: opts.log });

    let url = opts.entryUrl;
    let answer = await follow(send, url, 'open the sign-on page (Windows integrated)');
    url = answer.url;
    if (answer.answer.status !== 401) return { samlResponse: samlOrNotOffered(answer.answer, url) };
    const offered = challenges(answer.answer.headers);
    if (!offered.includes('ntlm')) {
      if (offered.includes('negotiate')) {
        const ticket = opts.kerberosTicket ? await opts.kerberosTicket() : 'unknown';
        const state =
          ticket === 'yes'
            ? 'You have a Kerberos ticket, but awsfed cannot use it yet.'
            : ticket === 'no'
              ? 'There is no Kerberos ticket either (klist finds none; kinit gets one), and awsfed cannot use one yet.'
              : 'awsfed cannot use a Kerberos ticket yet (and could not run klist to look for one).';
        throw new IdpError('IDP_WIA_KERBEROS_UNAVAILABLE', `AD FS at ${displayUrl(url)} offers Windows integrated sign-in only through Negotiate (Kerberos), not NTLM. ${state}`, {
          hint: 'Sign in with the forms page (--auth forms), or ask the AD FS admins to allow NTLM for WIA (then --auth wia uses your password).',
        });
      }
      throw notOffered(url, 'answered 401 without an NTLM challenge');
    }
    const username = await opts.credentials.username();
    const password = await opts.credentials.password();
    deadline = Date.now() + limitMs;
    const { user, domain } = ntlmIdentity(username);
    const type2Answer = await send(url, 'NTLM negotiate (type 1)', createType1Message(opts.workstation ?? '', domain));
    const type2Header = ntlmToken(type2Answer.headers);
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
    return { samlResponse: samlOrNotOffered(after.answer, after.url) };
  } finally {
    httpAgent.destroy();
    httpsAgent.destroy();
  }
}

async function follow(send: (url: string, reason: string) => Promise<Answer>, start: string, reason: string, first?: Answer): Promise<{ url: string; answer: Answer }> {
  let url = start;
  let answer = first ?? (await send(url, reason));
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const location = answer.headers.location;
    if (![301, 302, 303, 307].includes(answer.status) || location === undefined) return { url, answer };
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

function ntlmToken(headers: IncomingMessage['headers']): string | undefined {
  const raw = headers['www-authenticate'];
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  for (const v of list) {
    const m = /^\s*NTLM\s+([A-Za-z0-9+/=]+)/i.exec(v);
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
  cookies: Map<string, Map<string, string>>;
  httpAgent: HttpAgent;
  httpsAgent: HttpsAgent;
  deadline: number;
  log: Logger;
}

function sendOnce(spec: SendSpec): Promise<Answer> {
  assertAllowedUrl(spec.url);
  const target = new URL(spec.url);
  const secure = target.protocol === 'https:';
  const headers: Record<string, string> = { 'User-Agent': WIA_USER_AGENT, Accept: 'text/html,*/*', Connection: 'keep-alive' };
  // Never logged: the Authorization header carries the NTLM answer (derived from the password hash).
  if (spec.authorization !== undefined) headers.Authorization = spec.authorization;
  const jar = spec.cookies.get(target.host) ?? new Map<string, string>();
  spec.cookies.set(target.host, jar);
  if (jar.size > 0) headers.Cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const left = spec.deadline - Date.now();
  return new Promise<Answer>((resolve, reject) => {
    if (left <= 0) return reject(timeout(spec.url));
    const req = (secure ? httpsRequest : httpRequest)(target, { method: 'GET', headers, agent: secure ? spec.httpsAgent : spec.httpAgent });
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
      reject(new IdpError('IDP_UNREACHABLE', `Could not reach ${displayUrl(spec.url)}: ${(cause as NodeJS.ErrnoException).code ?? cause.message}`, {
        hint: 'Check the IdP URL, the network or VPN.',
        cause,
      }));
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
        for (const c of res.headers['set-cookie'] ?? []) {
          const pair = c.split(';')[0] ?? '';
          const eq = pair.indexOf('=');
          if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), socket: socket ?? res.socket });
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
