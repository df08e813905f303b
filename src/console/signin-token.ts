/**
 * The one network call of `awsfed console`: GET getSigninToken on the federation endpoint.
 * The request URL carries the session keys and the answer a bearer token, so neither is ever logged or
 * put into an error: messages show the endpoint without its query. https only, http only to loopback
 * (the emulator), TLS always verified, an extra CA bundle added to Node's roots (AWS_CA_BUNDLE for
 * TLS-inspecting proxies).
 */
import type { IncomingMessage } from 'node:http';
import { AppError, type AppErrorOptions, ExitCode } from '../errors.js';
import type { ErrorCodeExiting } from '../error-codes.js';
import { type ProxyConfig, describeProxyFailure, proxyFailureOf, requestAgentFor } from '../http/proxy.js';
import { assertAllowedUrl, urlWithoutQuery } from '../http/url-policy.js';
import { errorCode, isTlsErrorCode, trustedCas } from '../net-errors.js';

export class ConsoleError extends AppError {
  declare readonly code: ErrorCodeExiting<typeof ExitCode.sts>;
  constructor(code: ErrorCodeExiting<typeof ExitCode.sts>, message: string, options: AppErrorOptions = {}) {
    super(code, message, options);
  }
}

export interface SigninTokenRequestOptions {
  caBundlePem?: string;
  /** Default 30000. */
  timeoutMs?: number;
  /** The proxies in force (src/http/proxy.ts); unset: direct. */
  proxy?: ProxyConfig;
}

const MAX_BODY = 64 * 1024;

export async function requestSigninToken(url: string, options: SigninTokenRequestOptions = {}): Promise<string> {
  const parsed = assertAllowedUrl(url);
  const endpoint = urlWithoutQuery(url);
  const [{ request: httpRequest }, { request: httpsRequest }] = await Promise.all([import('node:http'), import('node:https')]);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const ca = options.caBundlePem ? trustedCas(options.caBundlePem) : undefined;
  // Through a proxy: its agent's connection to the proxy closes when this exchange ends, however it ends.
  const closed = new AbortController();
  const agent = await requestAgentFor(parsed, options.proxy, { signal: closed.signal, ...(ca ? { ca } : {}) });
  // One deadline for the whole exchange: a socket timeout is an idle timeout, which an endpoint sending a
  // byte now and then resets forever (issue 6, item 7). A body over MAX_BODY closes the socket at once.
  let tooLarge = false;
  const response = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const onResponse = (res: IncomingMessage): void => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_BODY) return void chunks.push(c);
        tooLarge = true;
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body: '' });
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    };
    const headers = { Accept: 'application/json', 'User-Agent': 'awsfed' };
    const req =
      parsed.protocol === 'https:'
        ? httpsRequest(parsed, { method: 'GET', headers, ...(agent ? { agent } : ca ? { ca } : {}) }, onResponse)
        : httpRequest(parsed, { method: 'GET', headers, ...(agent ? { agent } : {}) }, onResponse);
    const deadline = setTimeout(() => req.destroy(Object.assign(new Error('deadline'), { code: 'DEADLINE' })), timeoutMs);
    req.on('close', () => clearTimeout(deadline));
    req.on('error', reject);
    req.end();
  }).catch((cause: unknown) => {
    const proxyFailure = proxyFailureOf(cause);
    if (proxyFailure) {
      const { message, hint } = describeProxyFailure(proxyFailure);
      throw new ConsoleError('CONSOLE_SIGNIN_UNREACHABLE', `${message}, on the way to the AWS federation endpoint ${endpoint}`, { hint, cause: new Error(proxyFailure.message) });
    }
    const code = errorCode(cause);
    if (code === 'DEADLINE') {
      throw new ConsoleError('CONSOLE_SIGNIN_UNREACHABLE', `The AWS federation endpoint ${endpoint} did not answer within ${timeoutMs / 1000} s`, {
        hint: 'The endpoint or the network is stalling: check your network or proxy; the endpoint can be overridden with --signin-endpoint / AWSFED_SIGNIN_ENDPOINT.',
        cause: new Error(`deadline of ${timeoutMs} ms exceeded`),
      });
    }
    throw new ConsoleError('CONSOLE_SIGNIN_UNREACHABLE', `Cannot reach the AWS federation endpoint ${endpoint}${code ? ` (${code})` : ''}`, {
      hint: isTlsErrorCode(code)
        ? 'A proxy or private CA intercepts TLS: pass its certificate with AWS_CA_BUNDLE or AWSFED_CA_BUNDLE.'
        : 'Check your network or proxy; the endpoint can be overridden with --signin-endpoint / AWSFED_SIGNIN_ENDPOINT.',
      cause: new Error(code ?? 'request failed'),
    });
  }).finally(() => closed.abort());
  if (tooLarge) {
    throw new ConsoleError('CONSOLE_SIGNIN_BAD_ANSWER', `The federation endpoint ${endpoint} sent more than ${MAX_BODY} bytes; its answer is a short JSON document`, {
      hint: 'Check --signin-endpoint / AWSFED_SIGNIN_ENDPOINT; the default endpoint answers {"SigninToken": "..."}.',
    });
  }

  if (response.status !== 200) {
    throw new ConsoleError('CONSOLE_SIGNIN_REFUSED', `The federation endpoint ${endpoint} refused the credentials (HTTP ${response.status})`, {
      hint:
        response.status === 400
          ? 'The credentials may have expired, or SessionDuration was sent for a role-chained session: run `awsfed login` (or `awsfed refresh NAME`) and try again.'
          : 'Try again later; run with --debug for details.',
    });
  }
  let token: unknown;
  try {
    token = (JSON.parse(response.body) as { SigninToken?: unknown }).SigninToken;
  } catch {
    token = undefined;
  }
  if (typeof token !== 'string' || token === '') {
    throw new ConsoleError('CONSOLE_SIGNIN_BAD_ANSWER', `The federation endpoint ${endpoint} answered without a SigninToken`, {
      hint: 'Check --signin-endpoint / AWSFED_SIGNIN_ENDPOINT; the default endpoint answers {"SigninToken": "..."}.',
    });
  }
  return token;
}
