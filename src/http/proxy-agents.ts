/**
 * Node agents that send a request through the proxy chosen by proxy.ts, over the proxy-agents project's
 * https-proxy-agent (a CONNECT tunnel, then TLS to the target inside it, so that the target's certificate
 * is verified as without a proxy) and http-proxy-agent (plain http targets: the request with an absolute
 * URI). Proxy credentials in the URL become Proxy-Authorization (Basic) in those libraries; nothing here
 * logs the URL.
 *
 * Two things the libraries leave to us:
 * - a non-2xx answer to CONNECT is replayed to the caller as if the target had sent it (a 403 page would
 *   look like the IdP's own); here it becomes a ProxyFailure, and so does a proxy that cannot be reached;
 * - agent-level TLS options (our `ca`) are not passed to the target's TLS handshake: they are added to
 *   each connection here.
 * `signal` closes the connection to the proxy when the caller's deadline ends, even while CONNECT waits
 * (a proxy that never answers must not keep the process alive). An agent shared by many requests (the
 * IdP client's, kept for keep-alive) cannot have one signal: each request then carries its own under
 * PROXY_CONNECT_SIGNAL in its request options, and the connection opened for it gets that one.
 */
import type { Agent as HttpAgent, ClientRequest } from 'node:http';
import { isIP, type Socket } from 'node:net';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { type CookieOptions, createCookieAgent } from 'http-cookie-agent/http';
import type { ProxyChoice } from './proxy.js';
import { PROXY_CONNECT_SIGNAL, ProxyFailure } from './proxy.js';

export interface ProxyAgentOptions {
  /** The CAs to verify the target with (our trustedCas), when a CA bundle is set. */
  ca?: string[];
  /** Ends the connection to the proxy (the request's or the call's deadline). */
  signal?: AbortSignal;
  keepAlive?: boolean;
  /** A cookie jar (the IdP client): the agent is wrapped by http-cookie-agent. */
  cookies?: CookieOptions;
}

function failureProxy(choice: ProxyChoice): ProxyFailure['proxy'] {
  return { display: choice.display, origin: choice.origin, withCredentials: choice.url.username !== '' || choice.url.password !== '' };
}

function networkCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

type ConnectOpts = Parameters<HttpsProxyAgent<string>['connect']>[1];
type ForwardRequest = Parameters<HttpProxyAgent<string>['connect']>[0];
type ProxySocketOpts = HttpsProxyAgent<string>['connectOpts'];

function requestSignal(opts: ConnectOpts): AbortSignal | undefined {
  const signal = (opts as { [PROXY_CONNECT_SIGNAL]?: unknown })[PROXY_CONNECT_SIGNAL];
  return signal instanceof AbortSignal ? signal : undefined;
}

/**
 * Runs the library's connect() with `signal` on the socket it opens to the proxy. Both libraries open
 * that socket from `this.connectOpts`, synchronously, before their first await: swapping the options
 * around the call gives this connection, and no other, the request's signal. The e2e and unit tests of a
 * proxy that never answers CONNECT fail (the connection stays open) if a new version stops doing so.
 */
function withSignal<T>(agent: { connectOpts: ProxySocketOpts }, signal: AbortSignal | undefined, open: () => Promise<T>): Promise<T> {
  if (!signal) return open();
  const base = agent.connectOpts;
  agent.connectOpts = { ...base, signal };
  try {
    return open();
  } finally {
    agent.connectOpts = base;
  }
}

/**
 * The TLS options for the target inside the tunnel: our CAs, and for a target given by IP address its
 * identity check against that address. https-proxy-agent leaves `host` out of the inner tls.connect and
 * sends no SNI for an IP (rightly), so Node would check the certificate against "localhost" instead.
 */
function withTargetTls(opts: ConnectOpts, ca: string[] | undefined): ConnectOpts {
  const host = typeof opts.host === 'string' ? opts.host.replace(/^\[|\]$/g, '') : undefined;
  // Node's agent sets servername '' for an IP target (no SNI for addresses).
  const byAddress = host !== undefined && isIP(host) !== 0 && !(opts as { servername?: string }).servername;
  return {
    ...opts,
    ...(ca ? { ca } : {}),
    ...(byAddress ? { checkServerIdentity: (_name: string, cert: PeerCertificate) => checkServerIdentity(host, cert) } : {}),
  };
}

class TunnelAgent extends HttpsProxyAgent<string> {
  constructor(
    private readonly choice: ProxyChoice,
    private readonly ca: string[] | undefined,
    opts: Record<string, unknown>,
  ) {
    super(choice.url.href, opts);
  }

  override async connect(req: ClientRequest, opts: ConnectOpts): Promise<Socket> {
    const target = `${opts.host ?? '?'}:${opts.port ?? '?'}`;
    let status: number | undefined;
    const onConnect = (connect: { statusCode: number }): void => {
      status = connect.statusCode;
    };
    req.once('proxyConnect', onConnect);
    let socket: Socket;
    try {
      const tlsOpts = opts.secureEndpoint ? withTargetTls(opts, this.ca) : opts;
      socket = await withSignal(this, requestSignal(opts), () => super.connect(req, tlsOpts));
    } catch (error) {
      if (error instanceof ProxyFailure) throw error;
      throw new ProxyFailure('unreachable', failureProxy(this.choice), target, undefined, networkCode(error) ?? 'error');
    } finally {
      req.removeListener('proxyConnect', onConnect);
    }
    if (status !== undefined && (status < 200 || status > 299)) {
      socket.destroy();
      throw new ProxyFailure(status === 407 ? 'auth' : 'refused', failureProxy(this.choice), target, status);
    }
    return socket;
  }
}

class ForwardAgent extends HttpProxyAgent<string> {
  constructor(
    private readonly choice: ProxyChoice,
    opts: Record<string, unknown>,
  ) {
    super(choice.url.href, opts);
  }

  override async connect(req: ForwardRequest, opts: ConnectOpts): Promise<Socket> {
    // A plain http request has no CONNECT: the proxy's 407 arrives as the response itself, which only the
    // proxy can have sent (a target's 407 would not pass it). The caller gets a ProxyFailure instead.
    const target = `${opts.host ?? '?'}:${opts.port ?? '?'}`;
    const emit = req.emit.bind(req);
    req.emit = ((event: string, ...args: unknown[]): boolean => {
      const res = args[0] as { statusCode?: number; destroy?: () => void } | undefined;
      if (event === 'response' && res?.statusCode === 407) {
        // The failure must reach the request's own 'error' listeners: once a response exists, destroying
        // the request only errors the response, which nobody was given (the caller would wait forever).
        res.destroy?.();
        emit('error', new ProxyFailure('auth', failureProxy(this.choice), target, 407));
        req.destroy();
        return false;
      }
      return emit(event, ...args);
    }) as typeof req.emit;
    try {
      return await withSignal(this, requestSignal(opts), () => super.connect(req, opts));
    } catch (error) {
      throw new ProxyFailure('unreachable', failureProxy(this.choice), `${opts.host ?? '?'}:${opts.port ?? '?'}`, undefined, networkCode(error) ?? 'error');
    }
  }
}

const CookieTunnelAgent = createCookieAgent(TunnelAgent);
const CookieForwardAgent = createCookieAgent(ForwardAgent);

function agentOptions(options: ProxyAgentOptions): Record<string, unknown> {
  return {
    keepAlive: options.keepAlive ?? false,
    ...(options.signal ? { signal: options.signal } : {}),
  };
}

/** An agent for https targets: CONNECT through `choice`, then TLS to the target. */
export function tunnelAgent(choice: ProxyChoice, options: ProxyAgentOptions = {}): HttpAgent {
  const opts = agentOptions(options);
  return options.cookies
    ? new CookieTunnelAgent(choice, options.ca, { ...opts, cookies: options.cookies })
    : new TunnelAgent(choice, options.ca, opts);
}

/** An agent for http targets: the request, with its absolute URL, to `choice`. */
export function forwardAgent(choice: ProxyChoice, options: ProxyAgentOptions = {}): HttpAgent {
  const opts = agentOptions(options);
  return options.cookies ? new CookieForwardAgent(choice, { ...opts, cookies: options.cookies }) : new ForwardAgent(choice, opts);
}
