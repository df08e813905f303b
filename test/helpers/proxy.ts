/**
 * A real HTTP proxy on 127.0.0.1 for the proxy tests (issue 9, item 3): CONNECT tunnels for https
 * targets and absolute-URI forwarding for http ones, counting both, so that a test proves the traffic
 * went through it. It can demand Basic credentials (407 otherwise) and refuse targets (403).
 */
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect as netConnect } from 'node:net';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export interface TestProxyOptions {
  /** Require this user and password (Basic) from every client. */
  auth?: { user: string; password: string };
  /** Answer 403 to CONNECT (and to forwarded requests) for targets this returns true for. */
  refuse?: (target: string) => boolean;
  /** Accept connections and never answer CONNECT (a stalled proxy: the client's deadline must end it). */
  silent?: boolean;
}

export interface TestProxy {
  url: string;
  port: number;
  /** host:port of every tunnel opened (after authentication and refusal checks). */
  tunnels: string[];
  /** Absolute URLs forwarded for http targets. */
  forwarded: string[];
  /** Requests answered 407 (missing or wrong credentials). */
  authFailures: number;
  /** Requests answered 403. */
  refusals: number;
  /** Proxy-Authorization headers received, as sent. */
  authorizations: string[];
  /** Client connections accepted so far (a kept-alive client opens one for many requests). */
  connections: number;
  /** Client connections still open. */
  openConnections: number;
  close(): Promise<void>;
}

export async function startTestProxy(options: TestProxyOptions = {}): Promise<TestProxy> {
  const sockets = new Set<Duplex>();
  const track = (s: Duplex): void => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  };
  const expected = options.auth ? `Basic ${Buffer.from(`${options.auth.user}:${options.auth.password}`).toString('base64')}` : undefined;
  const state = { tunnels: [] as string[], forwarded: [] as string[], authFailures: 0, refusals: 0, authorizations: [] as string[], connections: 0 };
  const clients = new Set<Socket>();

  /** undefined when the request may pass, else the status line to answer. */
  const gate = (req: IncomingMessage, target: string): string | undefined => {
    const header = req.headers['proxy-authorization'];
    if (typeof header === 'string') state.authorizations.push(header);
    if (expected && header !== expected) {
      state.authFailures += 1;
      return '407 Proxy Authentication Required';
    }
    if (options.refuse?.(target)) {
      state.refusals += 1;
      return '403 Forbidden';
    }
    return undefined;
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '';
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      res.writeHead(400).end('absolute URI expected');
      return;
    }
    const refused = gate(req, target.host);
    if (refused) {
      const [code] = refused.split(' ');
      res.writeHead(Number(code), refused === '407 Proxy Authentication Required' ? { 'Proxy-Authenticate': 'Basic realm="test"' } : {}).end(`proxy: ${refused}`);
      return;
    }
    state.forwarded.push(url);
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest(target, { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end('proxy: upstream failed'));
    req.pipe(upstream);
  });
  server.on('connection', (socket: Socket) => {
    state.connections += 1;
    clients.add(socket);
    socket.on('close', () => clients.delete(socket));
    track(socket);
  });
  server.on('connect', (req: IncomingMessage, client: Duplex, head: Buffer) => {
    track(client);
    // Read (and drop) what the client sends, so that its hang-up is seen (a socket nobody reads never
    // ends), and close our side then (the http server's sockets are half-open: they do not on their own).
    if (options.silent) {
      client.on('end', () => client.end());
      client.resume();
      return;
    }
    const target = req.url ?? '';
    const refused = gate(req, target);
    if (refused) {
      const extra = refused.startsWith('407') ? 'Proxy-Authenticate: Basic realm="test"\r\n' : '';
      client.end(`HTTP/1.1 ${refused}\r\n${extra}Content-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    const [host, port] = splitHostPort(target);
    const upstream: Socket = netConnect({ host, port: Number(port) }, () => {
      state.tunnels.push(target);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    track(upstream);
    upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('test proxy: no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    get tunnels() {
      return state.tunnels;
    },
    get forwarded() {
      return state.forwarded;
    },
    get authFailures() {
      return state.authFailures;
    },
    get refusals() {
      return state.refusals;
    },
    get authorizations() {
      return state.authorizations;
    },
    get connections() {
      return state.connections;
    },
    get openConnections() {
      return clients.size;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function splitHostPort(target: string): [string, string] {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(target) ?? /^([^:]+):(\d+)$/.exec(target);
  return m ? [m[1]!, m[2]!] : [target, '443'];
}
