/**
 * The network probes of `awsfed doctor`: one GET to the IdP (its status, its Date header, its TLS
 * certificate and whether the CA bundle in use verifies it) and a bare TCP/TLS connect to STS (no signed
 * call: reachability is the question). Each is bounded by its own deadline and never throws: a failure
 * is a result, so that the caller can run them all in parallel and report each.
 *
 * Each probe goes the way the login would go: through the proxy the caller chose for the URL (proxyFor in
 * src/http/proxy.ts), with the login's own agents (a CONNECT tunnel for https, so the chain inspected is
 * still the target's), or directly. A failure of the proxy itself comes back as the agents' ProxyFailure,
 * for the caller to report as the proxy's problem rather than the target's.
 *
 * Certificates are inspected with verification off and judged afterwards (socket.authorized), so that an
 * untrusted chain is reported with its issuer instead of ending the probe.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect, type Socket } from 'node:net';
import { checkServerIdentity, connect as tlsConnect, type PeerCertificate, type TLSSocket } from 'node:tls';
import type { Agent } from 'node:http';
import { type ProxyChoice, type ProxyFailure, proxyFailureOf } from '../http/proxy.js';

export interface TlsInfo {
  authorized: boolean;
  /** Why the chain did not verify (Node's code: SELF_SIGNED_CERT_IN_CHAIN, CERT_HAS_EXPIRED, ...). */
  authorizationError?: string;
  subject?: string;
  issuer?: string;
  validTo?: Date;
}

/** `proxyFailure`: the proxy, not the target, failed (407, a refused CONNECT, no connection to it). */
export type ProbeResult<T> = ({ ok: true } & T) | { ok: false; error: string; proxyFailure?: ProxyFailure };

export interface HttpProbe {
  status: number;
  /** The Date response header, as sent. */
  date?: string;
  tls?: TlsInfo;
}

export interface ProbeOptions {
  /** Trusted CAs; undefined: Node's built-in roots. */
  ca?: string[];
  timeoutMs: number;
  /** The proxy in force for this URL; undefined: connect directly. */
  proxy?: ProxyChoice;
}

function certName(name: PeerCertificate['subject'] | undefined): string | undefined {
  if (!name) return undefined;
  const parts = [name.CN, name.O].filter((p): p is string => typeof p === 'string' && p !== '');
  return parts.length ? parts.join(', ') : undefined;
}

function tlsInfo(socket: TLSSocket): TlsInfo {
  const cert = socket.getPeerCertificate();
  const info: TlsInfo = { authorized: socket.authorized };
  if (!socket.authorized && socket.authorizationError) info.authorizationError = String(socket.authorizationError);
  const subject = certName(cert?.subject);
  if (subject) info.subject = subject;
  const issuer = certName(cert?.issuer);
  if (issuer) info.issuer = issuer;
  if (cert?.valid_to) info.validTo = new Date(cert.valid_to);
  return info;
}

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ? `${e.code}${e.message && !e.message.includes(e.code) ? ` (${e.message})` : ''}` : e.message ?? String(error);
}

function failed(error: unknown): { ok: false; error: string; proxyFailure?: ProxyFailure } {
  const proxyFailure = proxyFailureOf(error);
  return proxyFailure ? { ok: false, error: proxyFailure.message, proxyFailure } : { ok: false, error: describe(error) };
}

/** The login's agent for `target` through `proxy` (loaded only then: it pulls in the agents library). */
async function proxyAgent(target: URL, proxy: ProxyChoice, signal: AbortSignal, ca: string[] | undefined): Promise<Agent> {
  const { forwardAgent, tunnelAgent } = await import('../http/proxy-agents.js');
  return target.protocol === 'https:' ? tunnelAgent(proxy, { signal, ...(ca ? { ca } : {}) }) : forwardAgent(proxy, { signal });
}

export function probeHttp(url: string, options: ProbeOptions, method = 'GET'): Promise<ProbeResult<HttpProbe>> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const https = target.protocol === 'https:';
    // Closes the agent's connection to the proxy, even while CONNECT is still unanswered.
    const abort = new AbortController();
    let req: import('node:http').ClientRequest | undefined;
    let settled = false;
    const settle = (result: ProbeResult<HttpProbe>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      abort.abort();
      req?.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => settle({ ok: false, error: `no answer within ${options.timeoutMs / 1000} s` }), options.timeoutMs);
    // The tunnel agent hands TLS no host for an IP-address target (https-proxy-agent drops it, and an IP
    // cannot be a servername), so Node would check the name "localhost": check the target's own name.
    const identity = { checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(target.hostname.replace(/^\[|\]$/g, ''), cert) };
    const send = (agent: Agent | false) => {
      if (settled) return;
      req = (https ? httpsRequest : httpRequest)(
        target,
        { method, agent, headers: { 'user-agent': 'awsfed-doctor' }, ...(https ? { rejectUnauthorized: false, ...identity, ...(options.ca ? { ca: options.ca } : {}) } : {}) },
        (res) => {
          const result: HttpProbe = { status: res.statusCode ?? 0 };
          const date = res.headers.date;
          if (date) result.date = date;
          if (https) result.tls = tlsInfo(res.socket as TLSSocket);
          res.resume();
          settle({ ok: true, ...result });
        },
      );
      req.on('error', (error) => settle(failed(error)));
      req.end();
    };
    if (!options.proxy) send(false);
    else proxyAgent(target, options.proxy, abort.signal, options.ca).then(send, (error: unknown) => settle(failed(error)));
  });
}

/**
 * A TCP connect (and the TLS handshake for https), then close. Through a proxy, the login's agents open
 * tunnels for requests only: a HEAD goes through one (its TLS handshake is with the target, any answer
 * means reachable), so the path probed is the one the STS client takes.
 */
export async function probeConnect(url: string, options: ProbeOptions): Promise<ProbeResult<{ tls?: TlsInfo }>> {
  if (options.proxy) {
    const result = await probeHttp(url, options, 'HEAD');
    return result.ok ? (result.tls ? { ok: true, tls: result.tls } : { ok: true }) : result;
  }
  return new Promise((resolve) => {
    const target = new URL(url);
    const https = target.protocol === 'https:';
    const port = Number(target.port || (https ? 443 : 80));
    const host = target.hostname.replace(/^\[|\]$/g, '');
    let socket: Socket;
    const settle = (result: ProbeResult<{ tls?: TlsInfo }>) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    if (https) {
      const tls = tlsConnect({ host, port, servername: /^[\d.]+$|:/.test(host) ? undefined : host, rejectUnauthorized: false, ...(options.ca ? { ca: options.ca } : {}) }, () => settle({ ok: true, tls: tlsInfo(tls) }));
      socket = tls;
    } else {
      socket = netConnect({ host, port }, () => settle({ ok: true }));
    }
    const timer = setTimeout(() => settle({ ok: false, error: `no connection within ${options.timeoutMs / 1000} s` }), options.timeoutMs);
    socket.on('error', (error) => settle({ ok: false, error: describe(error) }));
  });
}
