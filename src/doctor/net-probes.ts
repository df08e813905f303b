/**
 * The network probes of `awsfed doctor`: one GET to the IdP (its status, its Date header, its TLS
 * certificate and whether the CA bundle in use verifies it) and a bare TCP/TLS connect to STS (no signed
 * call: reachability is the question). Each is bounded by its own deadline and never throws: a failure
 * is a result, so that the caller can run them all in parallel and report each.
 *
 * Certificates are inspected with verification off and judged afterwards (socket.authorized), so that an
 * untrusted chain is reported with its issuer instead of ending the probe.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type PeerCertificate, type TLSSocket } from 'node:tls';

export interface TlsInfo {
  authorized: boolean;
  /** Why the chain did not verify (Node's code: SELF_SIGNED_CERT_IN_CHAIN, CERT_HAS_EXPIRED, ...). */
  authorizationError?: string;
  subject?: string;
  issuer?: string;
  validTo?: Date;
}

export type ProbeResult<T> = ({ ok: true } & T) | { ok: false; error: string };

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

export function probeHttp(url: string, options: ProbeOptions): Promise<ProbeResult<HttpProbe>> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const https = target.protocol === 'https:';
    const settle = (result: ProbeResult<HttpProbe>) => {
      clearTimeout(timer);
      req.destroy();
      resolve(result);
    };
    const req = (https ? httpsRequest : httpRequest)(
      target,
      { method: 'GET', agent: false, headers: { 'user-agent': 'awsfed-doctor' }, ...(https ? { rejectUnauthorized: false, ...(options.ca ? { ca: options.ca } : {}) } : {}) },
      (res) => {
        const result: HttpProbe = { status: res.statusCode ?? 0 };
        const date = res.headers.date;
        if (date) result.date = date;
        if (https) result.tls = tlsInfo(res.socket as TLSSocket);
        res.resume();
        settle({ ok: true, ...result });
      },
    );
    const timer = setTimeout(() => settle({ ok: false, error: `no answer within ${options.timeoutMs / 1000} s` }), options.timeoutMs);
    req.on('error', (error) => settle({ ok: false, error: describe(error) }));
    req.end();
  });
}

/** A TCP connect (and the TLS handshake for https), then close. */
export function probeConnect(url: string, options: ProbeOptions): Promise<ProbeResult<{ tls?: TlsInfo }>> {
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
