/**
 * The one network call of `awsfed console`: GET getSigninToken on the federation endpoint.
 * The request URL carries the session keys and the answer a bearer token, so neither is ever logged or
 * put into an error: messages show the endpoint without its query. https only, http only to loopback
 * (the emulator), TLS always verified, an extra CA bundle added to Node's roots (AWS_CA_BUNDLE for
 * TLS-inspecting proxies).
 */
import { AppError, type AppErrorOptions, ExitCode } from '../errors.js';
import type { ErrorCodeExiting } from '../error-codes.js';
import { oneShotRequest } from '../http/one-shot.js';
import { type ProxyConfig, describeProxyFailure, proxyFailureOf } from '../http/proxy.js';
import { assertAllowedUrl, urlWithoutQuery } from '../http/url-policy.js';
import { isTlsErrorCode } from '../net-errors.js';

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
  /** Where the --debug request line goes (host and path only: the query holds the session keys). */
  debug?: (line: string) => void;
}

const MAX_BODY = 64 * 1024;

export async function requestSigninToken(url: string, options: SigninTokenRequestOptions = {}): Promise<string> {
  const parsed = assertAllowedUrl(url);
  const endpoint = urlWithoutQuery(url);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const response = await oneShotRequest({
    method: 'GET',
    url: parsed,
    headers: { Accept: 'application/json', 'User-Agent': 'awsfed' },
    timeoutMs,
    maxBodyBytes: MAX_BODY,
    reason: 'getSigninToken for the console',
    ...(options.caBundlePem ? { caBundlePem: options.caBundlePem } : {}),
    ...(options.proxy ? { proxy: options.proxy } : {}),
    ...(options.debug ? { debug: options.debug } : {}),
  });
  if (!response.ok) {
    if (response.failure === 'too-large') {
      throw new ConsoleError('CONSOLE_SIGNIN_BAD_ANSWER', `The federation endpoint ${endpoint} sent more than ${MAX_BODY} bytes; its answer is a short JSON document`, {
        hint: 'Check --signin-endpoint / AWSFED_SIGNIN_ENDPOINT; the default endpoint answers {"SigninToken": "..."}.',
      });
    }
    if (response.failure === 'deadline') {
      throw new ConsoleError('CONSOLE_SIGNIN_UNREACHABLE', `The AWS federation endpoint ${endpoint} did not answer within ${timeoutMs / 1000} s`, {
        hint: 'The endpoint or the network is stalling: check your network or proxy; the endpoint can be overridden with --signin-endpoint / AWSFED_SIGNIN_ENDPOINT.',
        cause: new Error(`deadline of ${timeoutMs} ms exceeded`),
      });
    }
    const proxyFailure = proxyFailureOf(response.cause);
    if (proxyFailure) {
      const { message, hint } = describeProxyFailure(proxyFailure);
      throw new ConsoleError('CONSOLE_SIGNIN_UNREACHABLE', `${message}, on the way to the AWS federation endpoint ${endpoint}`, { hint, cause: new Error(proxyFailure.message) });
    }
    const code = response.code;
    throw new ConsoleError('CONSOLE_SIGNIN_UNREACHABLE', `Cannot reach the AWS federation endpoint ${endpoint}${code ? ` (${code})` : ''}`, {
      hint: isTlsErrorCode(code)
        ? 'A proxy or private CA intercepts TLS: pass its certificate with AWS_CA_BUNDLE or AWSFED_CA_BUNDLE.'
        : 'Check your network or proxy; the endpoint can be overridden with --signin-endpoint / AWSFED_SIGNIN_ENDPOINT.',
      cause: new Error(code ?? 'request failed'),
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
