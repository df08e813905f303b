/**
 * oneShotRequest against loopback servers: every way an exchange can end settles the promise with a
 * result (never a throw, never a hang), and each gives one --debug request line.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { oneShotRequest, type OneShotRequest } from './one-shot.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => (s.closeAllConnections(), s.close(() => resolve())))));
});
async function serve(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<URL> {
  const server = createServer(handle);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/path?secret=1`);
}
function request(url: URL, over: Partial<OneShotRequest> = {}): { lines: string[]; req: OneShotRequest } {
  const lines: string[] = [];
  return { lines, req: { method: 'GET', url, headers: {}, timeoutMs: 5000, maxBodyBytes: 1024, reason: 'test', debug: (l) => void lines.push(l), ...over } };
}
const host = (url: URL): string => url.host;

describe('oneShotRequest', () => {
  it('posts the body with the headers given and returns status, headers and body', async () => {
    let seen = '';
    const url = await serve((req, res) => {
      req.on('data', (c: Buffer) => (seen += c.toString()));
      req.on('end', () => res.writeHead(302, { location: '/next' }).end(`got ${req.headers['x-test']}`));
    });
    const { lines, req } = request(url, { method: 'POST', headers: { 'x-test': 'yes', 'Content-Length': 3 }, body: 'a=b' });
    const result = await oneShotRequest(req);
    expect(result).toMatchObject({ ok: true, status: 302, headers: { location: '/next' }, body: 'got yes' });
    expect(seen).toBe('a=b');
    expect(lines).toEqual([`request: POST ${host(url)}/path -> 302 (test)`]);
  });

  it('a body over the cap ends the exchange at once: too-large', async () => {
    const url = await serve((_req, res) => res.end('x'.repeat(5000)));
    const { lines, req } = request(url);
    expect(await oneShotRequest(req)).toEqual({ ok: false, failure: 'too-large' });
    expect(lines).toEqual([`request: GET ${host(url)}/path -> failed: too large (test)`]);
  });

  it('a peer that never answers: deadline', async () => {
    const url = await serve(() => undefined);
    const { lines, req } = request(url, { timeoutMs: 200 });
    expect(await oneShotRequest(req)).toEqual({ ok: false, failure: 'deadline' });
    expect(lines).toEqual([`request: GET ${host(url)}/path -> failed: deadline (test)`]);
  });

  it('a connection dropped in the middle of the body settles as a network failure', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial', () => res.socket?.destroy());
    });
    const { lines, req } = request(url);
    expect(await oneShotRequest(req)).toMatchObject({ ok: false, failure: 'network', code: 'ECONNRESET' });
    expect(lines).toEqual([`request: GET ${host(url)}/path -> failed: ECONNRESET (test)`]);
  });

  it('a refused connection: a network failure with its code', async () => {
    const url = await serve(() => undefined);
    const s = servers.pop()!;
    await new Promise((r) => s.close(r));
    const { req } = request(url);
    expect(await oneShotRequest(req)).toMatchObject({ ok: false, failure: 'network', code: 'ECONNREFUSED' });
  });
});
