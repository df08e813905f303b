/**
 * End to end: the built CLI against loopback IdPs that behave like an attacker or a broken middlebox.
 *
 * An IdP (or a proxy in front of it) that echoes what was posted puts the password into the very texts
 * awsfed quotes: the error text, the page title, the MFA adapter name, the URL of a redirect. None of it
 * may reach stdout or stderr, --debug lines included.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, explain, makeTempHome, runCli, type TempHome } from './helpers/cli.js';
import { expectNoSecrets } from './helpers/secrets.js';

// `!` and a space: the form encodes them (%21, +), so an echo in a URL is not the raw text.
const PASSWORD = 'Echo Me-Passw0rd!';
const ENTRY = '/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices';
const LOGIN_PAGE = readFileSync(join(ROOT, 'fixtures', 'adfs', 'adfs3-login.html'), 'utf8');
const ERROR_SLOT = '<span id="errorText" for="" aria-live="assertive" role="alert"></span>';

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

/** Serves the login page on GET and hands each POST's password (as posted) to `answer`. */
async function echoingIdp(answer: (password: string, req: IncomingMessage, res: ServerResponse) => void): Promise<{ base: string; posts: () => number }> {
  let posts = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      if (req.method === 'POST') {
        posts++;
        return answer(new URLSearchParams(body).get('Password') ?? '', req, res);
      }
      if (req.url?.startsWith('/adfs/ls/IdpInitiatedSignOn.aspx')) return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(LOGIN_PAGE);
      // Any other GET: the redirect scenarios loop back here with the echo in the URL.
      res.writeHead(302, { location: req.url ?? '/' }).end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, posts: () => posts };
}

async function login(base: string) {
  const home = await makeTempHome();
  homes.push(home);
  const result = await runCli(['login', '--debug', '--no-prompt', '--idp-url', `${base}${ENTRY}`, '--username', 'alice@corp.example', '--region', 'us-east-1'], {
    env: { ...home.env, AWSFED_PASSWORD: PASSWORD },
    timeoutMs: 30_000,
  });
  await expect(home.read('credentials')).rejects.toMatchObject({ code: 'ENOENT' });
  return result;
}

const html = (res: ServerResponse, status: number, body: string): void => void res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(body);

describe('login against an IdP that echoes the password', () => {
  it.each<[string, string, (password: string, req: IncomingMessage, res: ServerResponse) => void]>([
    ['in its error text', 'IDP_BAD_CREDENTIALS', (pw, _req, res) => html(res, 200, LOGIN_PAGE.replace(ERROR_SLOT, `<span id="errorText">Wrong password ${pw} for alice</span>`))],
    ['in the title of an unknown page', 'IDP_UNKNOWN_PAGE', (pw, _req, res) => html(res, 200, `<html><head><title>Welcome ${pw}</title></head></html>`)],
    ['in the title of an HTTP 500 page', 'IDP_HTTP_STATUS', (pw, _req, res) => html(res, 500, `<html><head><title>Error for ${pw}</title></head></html>`)],
    ['as the MFA adapter name', 'IDP_MFA_UNSUPPORTED', (pw, _req, res) => html(res, 200, `<form method="post" id="options"><input type="hidden" name="AuthMethod" value="Adapter${pw}"/><input type="hidden" name="Context" value="c"/></form>`)],
    ['in the query of a redirect loop (--debug prints every hop)', 'IDP_TOO_MANY_REDIRECTS', (pw, _req, res) => void res.writeHead(302, { location: `/next?x=${encodeURIComponent(pw)}` }).end()],
    ['in the path of a redirect loop', 'IDP_TOO_MANY_REDIRECTS', (pw, _req, res) => void res.writeHead(302, { location: `/p/${encodeURIComponent(pw)}/` }).end()],
  ])('never prints a password echoed %s', async (_label, code, answer) => {
    const idp = await echoingIdp(answer);
    const result = await login(idp.base);
    expect(result.code, explain(result)).toBe(3);
    expect(result.stderr).toContain(`code: ${code}`);
    expect(idp.posts()).toBe(1);
    expectNoSecrets(result, [PASSWORD, encodeURIComponent(PASSWORD), new URLSearchParams({ p: PASSWORD }).toString().slice(2), 'Passw0rd']);
  }, 60_000);
});
