/**
 * requestSigninToken against loopback federation endpoints that stall or flood. The servers are bounded
 * (a client without the limits finishes, wrongly, instead of hanging the run).
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { requestSigninToken } from './signin-token.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
});

async function endpoint(handle: (res: ServerResponse) => void): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    handle(res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/federation?Action=getSigninToken&Session=secret`;
}

describe('requestSigninToken', () => {
  it('returns the SigninToken', async () => {
    const url = await endpoint((res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"SigninToken":"tok"}'));
    await expect(requestSigninToken(url)).resolves.toBe('tok');
  });

  it('gives the --debug request line, host and path only (the query holds the session keys)', async () => {
    const url = await endpoint((res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"SigninToken":"tok"}'));
    const lines: string[] = [];
    await requestSigninToken(url, { debug: (l) => void lines.push(l) });
    expect(lines).toEqual([`request: GET ${new URL(url).host}/federation -> 200 (getSigninToken for the console)`]);
  });

  // The socket timeout was an idle timeout: one byte every 50 ms reset it, and the answer took as long
  // as the endpoint liked (here 10 s; a hostile one, forever). The deadline counts from the start.
  it('an endpoint that trickles its answer fails at the deadline with CONSOLE_SIGNIN_UNREACHABLE', async () => {
    let written = 0;
    const url = await endpoint((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(' ');
      const timer = setInterval(() => {
        if (written++ >= 200) return void (clearInterval(timer), res.end('{"SigninToken":"late"}'));
        res.write(' ');
      }, 50);
      res.on('close', () => clearInterval(timer));
    });
    const error = await requestSigninToken(url, { timeoutMs: 500 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONSOLE_SIGNIN_UNREACHABLE', message: expect.stringContaining('did not answer within') });
    expect((error as Error).message).not.toContain('secret');
    expect(written).toBeLessThan(200);
  }, 30_000);

  it('an endpoint that floods is cut off after 64 KiB with CONSOLE_SIGNIN_BAD_ANSWER', async () => {
    let written = 0;
    const url = await endpoint((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = (): void => {
        while (written < 64 * 1024 * 1024 && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end('{"SigninToken":"tok"}');
      };
      pump();
    });
    const error = await requestSigninToken(url).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONSOLE_SIGNIN_BAD_ANSWER' });
    expect(written).toBeLessThan(16 * 1024 * 1024);
  }, 30_000);
});
