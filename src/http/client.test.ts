import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestCa } from '../emulator/certs.js';
import { IdpError } from '../errors.js';
import { startTestProxy } from '../../test/helpers/proxy.js';
import type { TestProxy } from '../../test/helpers/proxy.js';
import { createHttpClient } from './client.js';
import { DeadlineExceeded } from './deadline.js';
import { parseProxyUrl } from './proxy.js';
import { displayUrl, isLoopbackHost } from './url-policy.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function httpServer(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<string> {
  const listener: RequestListener = (req, res) => {
    void readBody(req).then((body) => handler(req, res, body));
  };
  return `http://127.0.0.1:${await listen(createHttpServer(listener))}`;
}

describe('url policy', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', 'app.localhost', '::1', '[::1]'])('%s is loopback', (host) => expect(isLoopbackHost(host)).toBe(true));
  it.each(['10.0.0.1', 'example.com', '128.0.0.1', 'localhost.example.com'])('%s is not loopback', (host) => expect(isLoopbackHost(host)).toBe(false));
  it('hides secret-looking and noisy query values in displayed URLs', () => {
    expect(displayUrl('https://a.example/x?SAMLRequest=abc&client-request-id=1&code=123')).toBe('https://a.example/x?SAMLRequest=%E2%80%A6&client-request-id=1&code=%E2%80%A6');
  });
  it('hides MFA PIN and challenge answers in displayed URLs', () => {
    expect(displayUrl('https://a.example/x?pin=123456&ChallengeQuestionAnswer=blue&id=7')).toBe('https://a.example/x?pin=%E2%80%A6&ChallengeQuestionAnswer=%E2%80%A6&id=7');
  });
});

describe('createHttpClient', () => {
  it('refuses http:// to a non-loopback host without sending anything', async () => {
    const client = createHttpClient({});
    await expect(client.get('http://adfs.example.com/adfs/ls/')).rejects.toMatchObject({ code: 'IDP_INSECURE_URL', hint: expect.any(String) });
    await expect(client.postForm('ftp://adfs.example.com/', [])).rejects.toMatchObject({ code: 'IDP_INSECURE_URL' });
  });

  it('refuses a redirect to http:// on a non-loopback host', async () => {
    const base = await httpServer((_req, res) => {
      res.writeHead(302, { location: 'http://adfs.example.com/steal' }).end();
    });
    await expect(createHttpClient({}).get(`${base}/`)).rejects.toMatchObject({ code: 'IDP_INSECURE_URL' });
  });

  it('stops after maxRedirects', async () => {
    let hits = 0;
    const base = await httpServer((req, res) => {
      hits++;
      res.writeHead(302, { location: `/loop/${hits}` }).end();
    });
    await expect(createHttpClient({ maxRedirects: 3 }).get(`${base}/start`)).rejects.toMatchObject({ code: 'IDP_TOO_MANY_REDIRECTS' });
    expect(hits).toBe(4);
  });

  it('turns POST -> 302 into a GET without body, keeps cookies set on the redirect, and reports the final URL', async () => {
    const seen: Array<{ method: string; url: string; cookie: string; body: string; ua: string }> = [];
    const base = await httpServer((req, res, body) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', cookie: req.headers.cookie ?? '', body, ua: req.headers['user-agent'] ?? '' });
      if (req.url === '/login') {
        res.writeHead(302, { location: 'next?x=1', 'set-cookie': 'MSISAuth=abc; Path=/; HttpOnly' }).end();
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      }
    });
    const response = await createHttpClient({}).postForm(`${base}/login`, [['UserName', 'alice'], ['UserName', 'dup'], ['Password', 'p&w=']]);
    expect(response).toMatchObject({ url: `${base}/next?x=1`, status: 200, body: '{"ok":true}' });
    expect(response.headers['content-type']).toBe('application/json');
    expect(seen[0]).toMatchObject({ method: 'POST', body: 'UserName=alice&UserName=dup&Password=p%26w%3D' });
    expect(seen[0]?.ua).toMatch(/^Mozilla\/5\.0/);
    expect(seen[1]).toMatchObject({ method: 'GET', url: '/next?x=1', cookie: 'MSISAuth=abc', body: '' });
  });

  it('sends a sign-in\'s requests over one kept-alive connection, redirects included', async () => {
    const server = createHttpServer((req, res) => {
      void readBody(req).then(() => {
        if (req.url === '/login') res.writeHead(302, { location: '/next' }).end();
        else res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>');
      });
    });
    let connections = 0;
    server.on('connection', () => connections++);
    const base = `http://127.0.0.1:${await listen(server)}`;
    const http = createHttpClient({});
    await http.get(`${base}/start`);
    await http.postForm(`${base}/login`, [['UserName', 'alice']]);
    await http.get(`${base}/again`);
    expect(connections).toBe(1);
  });

  it('keeps method and body on 307', async () => {
    const seen: Array<{ method: string; body: string }> = [];
    const base = await httpServer((req, res, body) => {
      seen.push({ method: req.method ?? '', body });
      if (req.url === '/a') res.writeHead(307, { location: '/b' }).end();
      else res.writeHead(200).end('done');
    });
    await createHttpClient({}).postForm(`${base}/a`, [['k', 'v']]);
    expect(seen).toEqual([
      { method: 'POST', body: 'k=v' },
      { method: 'POST', body: 'k=v' },
    ]);
  });

  // A 307/308 repeats the POST, body included: a sign-in post (the password) redirected that way to
  // another host would reach it, past the flow's same-origin rule for forms. Browsers re-post; we refuse.
  it('refuses to repeat a POST body on a 307/308 to another origin, and sends it nothing', async () => {
    const elsewhere: string[] = [];
    const other = await httpServer((_req, res, body) => {
      elsewhere.push(body);
      res.writeHead(200).end('stolen');
    });
    const target = other.replace('127.0.0.1', 'localhost');
    for (const status of [307, 308]) {
      const base = await httpServer((_req, res) => res.writeHead(status, { location: `${target}/steal` }).end());
      const error = await createHttpClient({}).postForm(`${base}/a`, [['Password', 'correct horse']]).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'IDP_CROSS_ORIGIN_FORM', exitCode: 3, message: expect.stringContaining(new URL(target).host) });
      expect((error as IdpError).message).not.toContain('correct horse');
    }
    expect(elsewhere).toEqual([]);
    // The same origin is fine, and so is a 303 to another origin (it becomes a GET without the body).
    const seen: string[] = [];
    const base = await httpServer((req, res, body) => {
      seen.push(`${req.method} ${body}`);
      if (req.url === '/a') res.writeHead(303, { location: `${target}/next` }).end();
      else res.writeHead(200).end('ok');
    });
    await expect(createHttpClient({}).postForm(`${base}/a`, [['k', 'v']])).resolves.toMatchObject({ status: 200 });
    expect(elsewhere).toEqual(['']);
    expect(seen).toEqual(['POST k=v']);
  });

  it('returns 5xx responses to the caller', async () => {
    const base = await httpServer((_req, res) => res.writeHead(503).end('busy'));
    await expect(createHttpClient({}).get(`${base}/`)).resolves.toMatchObject({ status: 503, body: 'busy' });
  });

  // The host was reached and answered: "Cannot reach ... check your network" sent people to the wrong
  // place. Headers over Node's 16 KiB (a cookie flood), bytes that are not HTTP, a body that is not the
  // gzip it claims: IDP_BAD_RESPONSE, naming the host and what was wrong.
  it.each<[string, (res: ServerResponse) => void, RegExp]>([
    ['headers over 16 KiB (a cookie flood)', (res) => res.writeHead(200, { 'set-cookie': Array.from({ length: 40 }, (_, i) => `c${i}=${'x'.repeat(1000)}`) }).end('hi'), /headers/],
    ['a body that is not the gzip it claims', (res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end('not gzip at all'), /compress/],
    ['a body that is not the brotli it claims', (res) => res.writeHead(200, { 'content-encoding': 'br' }).end('not brotli at all'), /compress/],
  ])('maps %s to IDP_BAD_RESPONSE naming the host', async (_label, answer, what) => {
    const base = await httpServer((_req, res) => answer(res));
    const error = await createHttpClient({}).get(`${base}/adfs/ls/`).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'IDP_BAD_RESPONSE', exitCode: 3, message: expect.stringContaining(new URL(base).host) });
    expect((error as IdpError).message).toMatch(what);
  });

  it('maps a refused connection to IDP_UNREACHABLE naming the URL', async () => {
    const port = await listen(createHttpServer());
    await new Promise<void>((resolve) => servers.pop()?.close(() => resolve()));
    await expect(createHttpClient({}).get(`http://127.0.0.1:${port}/adfs/ls/?code=secret`)).rejects.toMatchObject({
      code: 'IDP_UNREACHABLE',
      message: expect.stringContaining(`127.0.0.1:${port}/adfs/ls/`),
    });
  });

  it('keeps no posted form in a failed POST (the error and its cause chain never show the password)', async () => {
    const port = await listen(createHttpServer());
    await new Promise<void>((resolve) => servers.pop()?.close(() => resolve()));
    const slow = await httpServer(() => {
      /* never answers */
    });
    const fields: Array<[string, string]> = [['UserName', 'alice'], ['Password', 'correct horse battery']];
    for (const [client, url] of [
      [createHttpClient({}), `http://127.0.0.1:${port}/adfs/ls/`],
      [createHttpClient({ timeoutMs: 200 }), `${slow}/adfs/ls/`],
    ] as const) {
      const error = await client.postForm(url, fields).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: expect.stringMatching(/^IDP_(UNREACHABLE|TIMEOUT)$/), cause: expect.any(Error) });
      const shown = inspect(error, { depth: 10 });
      expect(shown).not.toContain('correct');
      expect(shown).not.toContain('horse');
    }
  });

  it('maps a server that never answers to IDP_TIMEOUT', async () => {
    const base = await httpServer(() => {
      /* never answers */
    });
    await expect(createHttpClient({ timeoutMs: 200 }).get(`${base}/slow`)).rejects.toMatchObject({ code: 'IDP_TIMEOUT' });
  });

  describe('https', () => {
    const ca = createTestCa();
    const serverCert = ca.issueServerCert(['127.0.0.1', 'localhost']);

    async function httpsBase(): Promise<string> {
      const server = createHttpsServer({ key: serverCert.keyPem, cert: serverCert.certPem }, (_req, res) => res.writeHead(200).end('secure'));
      return `https://127.0.0.1:${await listen(server)}`;
    }

    it('trusts a private CA given as caBundlePem', async () => {
      const base = await httpsBase();
      await expect(createHttpClient({ caBundlePem: ca.ca.certPem }).get(`${base}/`)).resolves.toMatchObject({ status: 200, body: 'secure' });
    });

    it('fails with IDP_TLS and a CA-bundle hint without it', async () => {
      const base = await httpsBase();
      const error = await createHttpClient({}).get(`${base}/`).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'IDP_TLS', message: expect.stringContaining('127.0.0.1'), hint: expect.stringContaining('--ca-bundle / awsfed_ca_bundle / AWS_CA_BUNDLE') });
    });

    it('fails with IDP_TLS when the certificate does not name the host', async () => {
      const other = ca.issueServerCert(['other.example.com']);
      const server = createHttpsServer({ key: other.keyPem, cert: other.certPem }, (_req, res) => res.writeHead(200).end());
      const port = await listen(server);
      await expect(createHttpClient({ caBundlePem: ca.ca.certPem }).get(`https://127.0.0.1:${port}/`)).rejects.toMatchObject({ code: 'IDP_TLS' });
    });
  });
});

describe('through a proxy', () => {
  const ca = createTestCa();
  const serverCert = ca.issueServerCert(['127.0.0.1', 'localhost']);
  const proxies: TestProxy[] = [];
  afterEach(async () => {
    await Promise.all(proxies.splice(0).map((p) => p.close()));
  });

  async function proxy(options: Parameters<typeof startTestProxy>[0] = {}): Promise<TestProxy> {
    const p = await startTestProxy(options);
    proxies.push(p);
    return p;
  }

  function signInServer(secure: boolean): Server {
    const handler: RequestListener = (req, res) => {
      void readBody(req).then(() => {
        if (req.url === '/login') res.writeHead(302, { location: '/next', 'set-cookie': 'MSISAuth=abc; Path=/' }).end();
        else res.writeHead(200, { 'content-type': 'text/html' }).end(`<html>${req.headers.cookie ?? 'no cookie'}</html>`);
      });
    };
    return secure ? createHttpsServer({ key: serverCert.keyPem, cert: serverCert.certPem }, handler) : createHttpServer(handler);
  }

  // One agent per proxy and protocol for the client's life: an agent per request opened a new CONNECT
  // tunnel (and a TLS handshake inside it) for every page of the sign-in.
  it('a sign-in\'s https requests share one CONNECT tunnel (redirects included), with the cookies kept', async () => {
    const p = await proxy();
    const base = `https://127.0.0.1:${await listen(signInServer(true))}`;
    const choice = parseProxyUrl(p.url, 'HTTPS_PROXY');
    const http = createHttpClient({ caBundlePem: ca.ca.certPem, proxy: { https: choice, noProxy: [] } });
    await http.get(`${base}/start`);
    const after = await http.postForm(`${base}/login`, [['UserName', 'alice']]);
    const again = await http.get(`${base}/again`);
    expect(after.body).toContain('MSISAuth=abc');
    expect(again.body).toContain('MSISAuth=abc');
    expect(p.tunnels).toEqual([base.replace('https://', '')]);
  });

  it('an https IdP given by IP address is verified against that address inside the tunnel (not against "localhost")', async () => {
    const p = await proxy();
    const ipOnly = ca.issueServerCert(['127.0.0.1']);
    const server = createHttpsServer({ key: ipOnly.keyPem, cert: ipOnly.certPem }, (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>ok</html>'));
    const base = `https://127.0.0.1:${await listen(server)}`;
    const http = createHttpClient({ caBundlePem: ca.ca.certPem, proxy: { https: parseProxyUrl(p.url, 'HTTPS_PROXY'), noProxy: [] } });
    expect((await http.get(`${base}/start`)).body).toContain('ok');
    server.closeAllConnections();
  });

  it('plain http requests through the proxy share one connection to it', async () => {
    const p = await proxy();
    const server = signInServer(false);
    const base = `http://127.0.0.1:${await listen(server)}`;
    const choice = parseProxyUrl(p.url, 'HTTP_PROXY');
    const http = createHttpClient({ proxy: { http: choice, noProxy: [] } });
    await http.get(`${base}/start`);
    await http.postForm(`${base}/login`, [['UserName', 'alice']]);
    await http.get(`${base}/again`);
    expect(p.forwarded).toHaveLength(4);
    expect(p.connections).toBe(1);
  });

  it('a proxy that never answers CONNECT: the request deadline ends the request and closes the connection to the proxy', async () => {
    const p = await proxy({ silent: true });
    const base = `https://127.0.0.1:${await listen(signInServer(true))}`;
    const http = createHttpClient({ caBundlePem: ca.ca.certPem, timeoutMs: 300, proxy: { https: parseProxyUrl(p.url, 'HTTPS_PROXY'), noProxy: [] } });
    await expect(http.get(`${base}/start`)).rejects.toMatchObject({ code: 'IDP_TIMEOUT' });
    await expect(http.get(`${base}/again`)).rejects.toMatchObject({ code: 'IDP_TIMEOUT' });
    // Generous guard only: the proxy sees each of the client's connections close once the deadline ends it.
    await expect.poll(() => p.openConnections, { timeout: 10_000 }).toBe(0);
    expect(p.connections).toBe(2);
  });
});

/**
 * Item 7/8 of issue 6: a slow or huge answer must end in a typed error, not a hang or an out-of-memory
 * abort. The servers below are bounded by counts (bytes they will ever send), so that a client without
 * the limit finishes too, just wrongly, and the test fails rather than hangs.
 */
describe('request deadline and body limit', () => {
  /** Headers at once, then one byte per tick, at most `bytes` bytes; records how many it wrote before the client hung up. */
  async function tricklingServer(bytes: number, tickMs: number): Promise<{ base: string; written: () => number; closed: Promise<void> }> {
    let written = 0;
    let closedResolve!: () => void;
    const closed = new Promise<void>((resolve) => (closedResolve = resolve));
    const base = await httpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.flushHeaders();
      const timer = setInterval(() => {
        if (written >= bytes) {
          clearInterval(timer);
          res.end();
          return;
        }
        res.write('x');
        written++;
      }, tickMs);
      res.on('close', () => {
        clearInterval(timer);
        closedResolve();
      });
    });
    return { base, written: () => written, closed };
  }

  it('a server that sends headers then trickles one byte at a time fails with IDP_TIMEOUT naming the host, and the socket is closed', async () => {
    // The trickle (every 50 ms) is faster than the deadline, so an idle timeout alone would never fire.
    const server = await tricklingServer(200, 50);
    const error = await createHttpClient({ timeoutMs: 400 }).get(`${server.base}/adfs/ls/`).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'IDP_TIMEOUT', exitCode: 3, message: expect.stringContaining(new URL(server.base).host) });
    expect((error as { hint: string }).hint).toMatch(/--timeout/);
    await server.closed;
    expect(server.written()).toBeLessThan(200);
  }, 30_000);

  it('a caller signal that aborts with DeadlineExceeded mid-body becomes that deadline\'s error, naming the host', async () => {
    const server = await tricklingServer(200, 50);
    const controller = new AbortController();
    const pending = createHttpClient({ timeoutMs: 60_000 })
      .get(`${server.base}/adfs/ls/`, { signal: controller.signal })
      .catch((e: unknown) => e);
    // Abort once the body has started: the deadline must cover the body, not only the headers.
    while (server.written() < 3) await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort(new DeadlineExceeded((host) => new IdpError('SIGNIN_TIMEOUT', `sign-in at ${host} took too long`)));
    expect(await pending).toMatchObject({ code: 'SIGNIN_TIMEOUT', message: `sign-in at ${new URL(server.base).host} took too long` });
    await server.closed;
    expect(server.written()).toBeLessThan(200);
  }, 30_000);

  it('an already aborted caller signal sends nothing', async () => {
    let hits = 0;
    const base = await httpServer((_req, res) => {
      hits++;
      res.end('hi');
    });
    const controller = new AbortController();
    controller.abort(new DeadlineExceeded(() => new IdpError('SIGNIN_TIMEOUT', 'too late')));
    await expect(createHttpClient({}).get(`${base}/`, { signal: controller.signal })).rejects.toMatchObject({ code: 'SIGNIN_TIMEOUT' });
    expect(hits).toBe(0);
  });

  /** Streams `total` bytes of HTML with backpressure and records how many the kernel accepted before the client hung up. */
  async function hugeServer(total: number, options: { contentLength?: boolean; gzip?: boolean } = {}) {
    let written = 0;
    let closedResolve!: () => void;
    const closed = new Promise<void>((resolve) => (closedResolve = resolve));
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const base = await httpServer((_req, res) => {
      res.on('close', () => closedResolve());
      res.writeHead(200, { 'content-type': 'text/html', ...(options.contentLength ? { 'content-length': String(total) } : {}) });
      const pump = (): void => {
        while (written < total && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end();
      };
      pump();
    });
    return { base, written: () => written, closed };
  }

  it('a 50 MB page fails with IDP_RESPONSE_TOO_LARGE while it streams in: the client hangs up long before the end', async () => {
    const total = 50 * 1024 * 1024;
    const server = await hugeServer(total);
    const error = await createHttpClient({ maxBodyBytes: 1024 * 1024 }).get(`${server.base}/adfs/ls/`).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'IDP_RESPONSE_TOO_LARGE', exitCode: 3, message: expect.stringContaining(new URL(server.base).host) });
    await server.closed;
    // 1 MiB read, plus what socket buffers on both sides hold: far below 50 MB.
    expect(server.written()).toBeLessThan(16 * 1024 * 1024);
  }, 30_000);

  it('a Content-Length over the limit is refused before the body is read', async () => {
    const server = await hugeServer(8 * 1024 * 1024, { contentLength: true });
    await expect(createHttpClient({ maxBodyBytes: 1024 * 1024 }).get(`${server.base}/`)).rejects.toMatchObject({
      code: 'IDP_RESPONSE_TOO_LARGE',
      message: expect.stringContaining('Content-Length'),
    });
  }, 30_000);

  it('the limit counts decompressed bytes (a small gzip body that inflates past it is refused)', async () => {
    const inflated = gzipSync(Buffer.alloc(8 * 1024 * 1024, 'a'));
    const base = await httpServer((_req, res) => res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/html' }).end(inflated));
    await expect(createHttpClient({ maxBodyBytes: 1024 * 1024 }).get(`${base}/`)).rejects.toMatchObject({ code: 'IDP_RESPONSE_TOO_LARGE' });
  });

  it('a body just under the limit is returned whole', async () => {
    const body = 'é'.repeat(1000);
    const base = await httpServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body));
    await expect(createHttpClient({ maxBodyBytes: Buffer.byteLength(body) }).get(`${base}/`)).resolves.toMatchObject({ status: 200, body });
  });
});

describe('the --debug request lines', () => {
  it('name each request and each redirect hop with the caller reason, host and path only: no query, cookie or body', async () => {
    const url = await httpServer((req, res) => {
      if (req.url?.startsWith('/form')) {
        res.writeHead(302, { location: '/next?code=123456&client-request-id=abc', 'set-cookie': 'MSISAuth=cookie-secret; Path=/' }).end();
      } else res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>');
    });
    const lines: string[] = [];
    const log = { info: () => {}, warn: () => {}, debug: (m: string) => void lines.push(m) };
    const http = createHttpClient({ log });
    await http.get(`${url}/start?loginToRp=urn%3Aamazon`, { reason: 'IdP-initiated sign-on page' });
    await http.postForm(`${url}/form?x=1`, [['Password', 'hunter2-secret']], { reason: 'post the login form' });
    await http.get(`${url}/plain`);
    const host = new URL(url).host;
    expect(lines).toEqual([
      `request: GET ${host}/start -> 200 (IdP-initiated sign-on page)`,
      `request: POST ${host}/form -> 302 (post the login form)`,
      `request: GET ${host}/next -> 200 (redirect 1 after: post the login form)`,
      `request: GET ${host}/plain -> 200 (no reason given)`,
    ]);
    expect(lines.join('\n')).not.toMatch(/hunter2|cookie-secret|123456|loginToRp/);
  });
});
