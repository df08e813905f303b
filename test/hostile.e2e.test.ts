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

describe('--debug copies of pages that echo the password', () => {
  it('the saved copy of an unknown page holds no form of the password (raw, in a URL, form-encoded)', async () => {
    const { readFile } = await import('node:fs/promises');
    const idp = await echoingIdp((pw, _req, res) =>
      html(res, 200, `<html><head><title>Odd</title></head><body><p>${pw}</p><a href="/x?p=${new URLSearchParams({ p: pw }).toString().slice(2)}">a</a><a href="/y/${encodeURIComponent(pw)}">b</a></body></html>`),
    );
    const result = await login(idp.base);
    expect(result.code, explain(result)).toBe(3);
    const saved = /A redacted copy of the page is in (\S+?);/.exec(result.stderr)?.[1];
    expect(saved, explain(result)).toBeDefined();
    const copy = await readFile(saved as string, 'utf8');
    expect(copy).toContain('[REDACTED]');
    for (const form of [PASSWORD, encodeURIComponent(PASSWORD), new URLSearchParams({ p: PASSWORD }).toString().slice(2), 'Passw0rd']) expect(copy).not.toContain(form);
  }, 60_000);
});

describe('login with a credentials or config path that is not a file', () => {
  it.each([
    ['a FIFO as the credentials file', 'credentials'],
    ['a FIFO as the config file', 'config'],
  ] as const)('%s fails at once with FILE_UNREADABLE, before anything is sent', async (_label, which) => {
    const { spawnSync } = await import('node:child_process');
    const idp = await echoingIdp((_pw, _req, res) => html(res, 200, ''));
    const home = await makeTempHome();
    homes.push(home);
    expect(spawnSync('mkfifo', [which === 'config' ? home.configFile : home.credentialsFile]).status).toBe(0);
    const result = await runCli(['login', '--debug', '--no-prompt', '--idp-url', `${idp.base}${ENTRY}`, '--username', 'alice@corp.example', '--region', 'us-east-1'], {
      env: { ...home.env, AWSFED_PASSWORD: PASSWORD },
      timeoutMs: 30_000,
    });
    expect(result.code, explain(result)).toBe(6);
    expect(result.stderr).toContain('code: FILE_UNREADABLE');
    expect(result.stderr).toContain('not a regular file');
    expect(idp.posts()).toBe(0);
  }, 60_000);
});

describe('login against an STS endpoint that answers oddly', () => {
  const ROLE = 'arn:aws:iam::111111111111:role/Admin';
  const PROVIDER = 'arn:aws:iam::111111111111:saml-provider/ADFS';
  const assertionXml =
    '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><Assertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion"><AttributeStatement>' +
    `<Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><AttributeValue>${ROLE},${PROVIDER}</AttributeValue></Attribute>` +
    '</AttributeStatement></Assertion></samlp:Response>';
  const samlPage = `<form method="POST" action="https://signin.aws.amazon.com/saml"><input type="hidden" name="SAMLResponse" value="${Buffer.from(assertionXml).toString('base64')}"/></form>`;
  const answer = (expiration: string, accessKeyId = 'ASIAHOSTILE0000001'): string =>
    '<AssumeRoleWithSAMLResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithSAMLResult>' +
    '<AssumedRoleUser><AssumedRoleId>AROAHOSTILE:u</AssumedRoleId><Arn>arn:aws:sts::111111111111:assumed-role/Admin/u</Arn></AssumedRoleUser>' +
    `<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>HostileSecretKey/0123456789abcdef</SecretAccessKey><SessionToken>HostileToken0123456789</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
    '</AssumeRoleWithSAMLResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleWithSAMLResponse>';

  /** One loopback server: the IdP page with the SAMLResponse at once, and STS answering `sts` at /sts. */
  async function loginAgainst(sts: string) {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => (req.url?.startsWith('/sts') ? void res.writeHead(200, { 'content-type': 'text/xml' }).end(sts) : html(res, 200, samlPage)));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const home = await makeTempHome();
    homes.push(home);
    const result = await runCli(
      ['login', '--no-prompt', '--idp-url', `${base}${ENTRY}`, '--username', 'alice@corp.example', '--region', 'us-east-1', '--sts-endpoint', `${base}/sts`, '--duration', '1h'],
      { env: { ...home.env, AWSFED_PASSWORD: PASSWORD }, timeoutMs: 30_000 },
    );
    return { result, home };
  }

  it('an expiry in year 9999 is stored as at most now + the duration asked, so the keys get refreshed', async () => {
    const before = Date.now();
    const { result, home } = await loginAgainst(answer('9999-12-31T23:59:59Z'));
    expect(result.code, explain(result)).toBe(0);
    const stored = /x_security_token_expires = (\S+)/.exec(await home.read('credentials'))?.[1];
    expect(new Date(stored ?? '').getTime()).toBeLessThanOrEqual(Date.now() + 3600_000);
    expect(new Date(stored ?? '').getTime()).toBeGreaterThanOrEqual(before + 3600_000 - 1000);
    expect(result.stdout).not.toContain('9999');
  }, 60_000);

  it('keys with a line break are STS_BAD_RESPONSE and nothing is written', async () => {
    const { result, home } = await loginAgainst(answer('2099-01-01T00:00:00Z', 'ASIA&#10;[default]&#10;aws_access_key_id = EVIL'));
    expect(result.code, explain(result)).toBe(5);
    expect(result.stderr).toContain('STS at');
    await expect(home.read('credentials')).rejects.toMatchObject({ code: 'ENOENT' });
    expectNoSecrets(result, [PASSWORD, 'HostileSecretKey', 'HostileToken']);
  }, 60_000);
});
