/**
 * End to end, issue 6 items 7 and 8: the built CLI against loopback IdPs that stall or send far too much.
 *
 * - An IdP that sends its headers and then one byte per second (an idle timeout never fires) ends in
 *   SIGNIN_TIMEOUT at --timeout, naming the host and the setting.
 * - A 50 MB page, and a page carrying a 50 MB SAMLResponse, end in IDP_RESPONSE_TOO_LARGE while the body
 *   streams in, with the CLI's peak RSS under 150 MiB (it used to take 2.8 GB, or die of heap exhaustion).
 * - The largest page accepted (a SAMLResponse just under the 1 MiB limit) goes through every parser
 *   within the same bound.
 *
 * Peak RSS comes from the CLI process itself (test/helpers/max-rss.mjs, loaded with --import). The
 * servers are bounded by counts: a CLI without the limits would finish (wrongly) or hit the "does not
 * hang" guard of runProcess, never run forever.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, ROOT, explain, makeTempHome, runProcess, type RunResult, type TempHome } from './helpers/cli.js';
import { expectNoSecrets } from './helpers/secrets.js';

const PASSWORD = 'Tr1ckle-Passw0rd!';
const ENTRY = '/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices';
const MAX_RSS_MIB = 150;
const PROBE = pathToFileURL(join(ROOT, 'test', 'helpers', 'max-rss.mjs')).href;
const LOGIN_PAGE = readFileSync(join(ROOT, 'fixtures', 'adfs', 'adfs3-login.html'), 'utf8');

const servers: Server[] = [];
const homes: TempHome[] = [];
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
  await Promise.all(homes.splice(0).map((h) => h.cleanup()));
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handler(req, res));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Streams head + `total` bytes of `filler` + tail with backpressure; counts what the kernel took before the client hung up. */
function streamHuge(res: ServerResponse, head: string, filler: string, total: number, tail: string, sent: { bytes: number }): void {
  const chunk = Buffer.from(filler.repeat(Math.ceil((64 * 1024) / filler.length)).slice(0, 64 * 1024));
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.write(head);
  let left = total;
  const pump = (): void => {
    while (left > 0 && !res.destroyed) {
      left -= chunk.length;
      sent.bytes += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end(tail);
  };
  pump();
}

interface Run extends RunResult {
  maxRssMiB: number;
}

/** `awsfed login` against `base`, with the password in the environment, measuring the CLI's peak RSS. */
async function login(base: string, extraArgs: string[] = []): Promise<Run> {
  const home = await makeTempHome();
  homes.push(home);
  const rssFile = join(home.home, 'max-rss');
  const result = await runProcess(
    process.execPath,
    ['--import', PROBE, BIN, 'login', '--debug', '--no-prompt', '--idp-url', `${base}${ENTRY}`, '--username', 'alice@corp.example', ...extraArgs],
    { env: { ...home.env, AWSFED_PASSWORD: PASSWORD, AWSFED_TEST_MAX_RSS_FILE: rssFile }, timeoutMs: 60_000 },
  );
  const maxRssMiB = Number(await readFile(rssFile, 'utf8')) / 1024;
  // Nothing was written, and nothing secret was printed (the debug output included).
  await expect(home.read('credentials')).rejects.toMatchObject({ code: 'ENOENT' });
  expectNoSecrets(result, [PASSWORD]);
  return { ...result, maxRssMiB };
}

describe('login against an IdP that stalls or floods', () => {
  it('an IdP that answers the POST with headers then one byte per second fails at --timeout with SIGNIN_TIMEOUT naming the host', async () => {
    let posted = false;
    const base = await serve((req, res) => {
      if (req.method === 'GET') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(LOGIN_PAGE);
      posted = true;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.flushHeaders();
      // At most a minute of trickle: longer than the guard below, far longer than --timeout.
      let left = 60;
      const timer = setInterval(() => (left-- > 0 ? res.write(' ') : (clearInterval(timer), res.end())), 1000);
      res.on('close', () => clearInterval(timer));
    });
    const result = await login(base, ['--timeout', '3s']);
    expect(result.code, explain(result)).toBe(3);
    expect(posted).toBe(true);
    expect(result.stderr).toContain('code: SIGNIN_TIMEOUT');
    expect(result.stderr).toContain(`waiting for ${new URL(base).host}`);
    expect(result.stderr).toMatch(/hint: .*--timeout \/ AWSFED_TIMEOUT \/ awsfed_timeout/);
  }, 90_000);

  it('a bad --timeout is a usage error before anything is sent', async () => {
    let hits = 0;
    const base = await serve((_req, res) => {
      hits++;
      res.end(LOGIN_PAGE);
    });
    const result = await login(base, ['--timeout', 'soon']);
    expect(result.code, explain(result)).toBe(2);
    expect(result.stderr).toContain('code: TIMEOUT_INVALID');
    expect(hits).toBe(0);
  });

  it(`a 50 MB page fails with IDP_RESPONSE_TOO_LARGE while it streams in, under ${MAX_RSS_MIB} MiB of RSS`, async () => {
    const sent = { bytes: 0 };
    const base = await serve((_req, res) => streamHuge(res, '<html><body><p>', 'lorem ipsum ', 50 * 1024 * 1024, '</p></body></html>', sent));
    const result = await login(base);
    expect(result.code, explain(result)).toBe(3);
    expect(result.stderr).toContain('code: IDP_RESPONSE_TOO_LARGE');
    expect(result.stderr).toContain(new URL(base).host);
    expect(result.maxRssMiB).toBeLessThan(MAX_RSS_MIB);
    // The CLI hung up early: 1 MiB read, plus what the socket buffers on both sides held.
    expect(sent.bytes).toBeLessThan(16 * 1024 * 1024);
  }, 90_000);

  it(`a page carrying a 50 MB SAMLResponse fails with IDP_RESPONSE_TOO_LARGE under ${MAX_RSS_MIB} MiB of RSS`, async () => {
    const sent = { bytes: 0 };
    const head = '<html><body><form method="post" action="https://signin.aws.amazon.com/saml"><input type="hidden" name="SAMLResponse" value="';
    const base = await serve((_req, res) => streamHuge(res, head, 'PHNhbWxwOlJlc3BvbnNl', 50 * 1024 * 1024, '"/></form></body></html>', sent));
    const result = await login(base);
    expect(result.code, explain(result)).toBe(3);
    expect(result.stderr).toContain('code: IDP_RESPONSE_TOO_LARGE');
    expect(result.maxRssMiB).toBeLessThan(MAX_RSS_MIB);
    expect(sent.bytes).toBeLessThan(16 * 1024 * 1024);
  }, 90_000);

  it(`the largest page accepted, a SAMLResponse just under the 1 MiB page limit, is parsed and refused under ${MAX_RSS_MIB} MiB of RSS`, async () => {
    // Well-formed, so that it goes all the way through the HTML parser, the decoder and the XML parser.
    const xml = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><!--${'x'.repeat(760 * 1024)}--></samlp:Response>`;
    const value = Buffer.from(xml).toString('base64');
    const page = `<html><body><form method="post" action="https://signin.aws.amazon.com/saml"><input type="hidden" name="SAMLResponse" value="${value}"/></form></body></html>`;
    expect(Buffer.byteLength(page)).toBeGreaterThan(1000 * 1024);
    expect(Buffer.byteLength(page)).toBeLessThan(1024 * 1024);
    const base = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page));
    const result = await login(base);
    expect(result.code, explain(result)).toBe(4);
    expect(result.stderr).toMatch(/code: SAML_[A-Z_]+/);
    expect(result.maxRssMiB).toBeLessThan(MAX_RSS_MIB);
  }, 90_000);
});
