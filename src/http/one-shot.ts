/**
 * One HTTP request outside the IdP conversation, with no cookie jar and no redirect: the console's
 * getSigninToken and the account-name lookup. Plain node:http(s), loaded when the request is made (axios
 * and the IdP client stay unloaded: start-up matters, and these run on paths that never sign in).
 *
 * What both need and the IdP client also does: the proxies in force (src/http/proxy.ts; the proxy
 * connection closes when the exchange ends, however it ends), an extra CA bundle added to Node's roots
 * (AWS_CA_BUNDLE for TLS-inspecting proxies), ONE deadline for the whole exchange (a socket timeout is an
 * idle timeout, which a peer sending a byte now and then resets forever; issue 6, item 7), a body cap that
 * closes the socket at once, and the --debug request line. The caller checks the URL against its policy
 * first and turns a failure into its own error or outcome: nothing here throws.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { errorCode, trustedCas } from '../net-errors.js';
import { type ProxyConfig, requestAgentFor } from './proxy.js';
import { failedOutcome, requestLine } from './request-line.js';

export interface OneShotRequest {
  method: 'GET' | 'POST';
  /** Already checked by the caller (https, or http to this machine). */
  url: URL;
  headers: Record<string, string | number>;
  body?: string;
  caBundlePem?: string;
  /** Unset: direct. */
  proxy?: ProxyConfig;
  timeoutMs: number;
  maxBodyBytes: number;
  /** The --debug request line: its reason, and where it goes (none: no line). */
  reason: string;
  debug?: (line: string) => void;
}

export type OneShotResult =
  | { ok: true; status: number; headers: IncomingHttpHeaders; body: string }
  /** `cause`: the network error (a proxy's refusal included, see proxyFailureOf), for the caller's message. */
  | { ok: false; failure: 'deadline' | 'too-large' | 'network'; code?: string; cause?: unknown };

export async function oneShotRequest(req: OneShotRequest): Promise<OneShotResult> {
  const [{ request: httpRequest }, { request: httpsRequest }] = await Promise.all([import('node:http'), import('node:https')]);
  const ca = req.caBundlePem ? trustedCas(req.caBundlePem) : undefined;
  const closed = new AbortController();
  const line = (outcome: string | number): void => req.debug?.(requestLine({ method: req.method, url: req.url.toString(), reason: req.reason }, outcome));
  try {
    const agent = await requestAgentFor(req.url, req.proxy, { signal: closed.signal, ...(ca ? { ca } : {}) });
    const result = await new Promise<OneShotResult>((resolve) => {
      const fail = (cause: unknown): void => {
        const code = errorCode(cause);
        resolve(code === 'DEADLINE' ? { ok: false, failure: 'deadline' } : { ok: false, failure: 'network', ...(code ? { code } : {}), cause });
      };
      const onResponse = (res: IncomingMessage): void => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= req.maxBodyBytes) return void chunks.push(c);
          resolve({ ok: false, failure: 'too-large' });
          request.destroy();
        });
        res.on('end', () => resolve({ ok: true, status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        // A connection dropped in the middle of the body is an error of the response, not of the request.
        res.on('error', fail);
      };
      const options = { method: req.method, headers: req.headers, ...(agent ? { agent } : {}) };
      const request =
        req.url.protocol === 'https:' ? httpsRequest(req.url, { ...options, ...(!agent && ca ? { ca } : {}) }, onResponse) : httpRequest(req.url, options, onResponse);
      const deadline = setTimeout(() => request.destroy(Object.assign(new Error('deadline'), { code: 'DEADLINE' })), req.timeoutMs);
      request.on('close', () => clearTimeout(deadline));
      request.on('error', fail);
      request.end(req.body);
    });
    if (result.ok) line(result.status);
    else line(failedOutcome(result.failure === 'deadline' ? 'deadline' : result.failure === 'too-large' ? 'too large' : (result.code ?? 'error')));
    return result;
  } catch (cause) {
    // requestAgentFor refusing the proxy settings, or node:http refusing the request's options.
    line(failedOutcome(errorCode(cause) ?? 'error'));
    return { ok: false, failure: 'network', ...(errorCode(cause) ? { code: errorCode(cause)! } : {}), cause };
  } finally {
    closed.abort();
  }
}
