/**
 * signIn against a real loopback HTTP server (node:http on 127.0.0.1) that serves the AD FS fixtures in
 * sequence, checks what the client posts, sets cookies and redirects like AD FS does.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../http/client.js';
import { silentLogger } from '../../log.js';
import { saveDebugPageTo } from './debug-page.js';
import type { Progress } from '../../ui/progress.js';
import { signIn, type SignInOptions } from './flow.js';

const fixture = (name: string): string => readFileSync(new URL(`../../../fixtures/adfs/${name}`, import.meta.url), 'utf8');
const SAML = 'ZHVtbXkgU0FNTFJlc3BvbnNlIGZvciBjbGFzc2lmaWVyIHRlc3RzOyBub3QgYW4gYXNzZXJ0aW9u';
const ENTRY = '/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices';

interface Seen {
  method: string;
  url: string;
  cookie: string;
  form: Array<[string, string]>;
}
interface Reply {
  status?: number;
  headers?: Record<string, string | string[]>;
  body?: string;
  /** Send the headers, then this many spaces one per tick (a stalling IdP), then the body. */
  trickle?: { bytes: number; tickMs: number };
}
type Step = (req: Seen) => Reply;

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(steps: Step[]): Promise<{ base: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  let i = 0;
  server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const request: Seen = { method: req.method ?? '', url: req.url ?? '', cookie: req.headers.cookie ?? '', form: [...new URLSearchParams(body)] };
    seen.push(request);
    const step = steps[Math.min(i++, steps.length - 1)];
    const reply = step ? step(request) : { status: 500 };
    res.writeHead(reply.status ?? 200, { 'content-type': 'text/html; charset=utf-8', ...reply.headers });
    if (!reply.trickle) return void res.end(reply.body ?? '');
    let left = reply.trickle.bytes;
    const timer = setInterval(() => {
      if (left-- > 0) return void res.write(' ');
      clearInterval(timer);
      res.end(reply.body ?? '');
    }, reply.trickle.tickMs);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, seen };
}

function countingCredentials() {
  const asked = { username: 0, password: 0 };
  return {
    asked,
    credentials: {
      username: async () => {
        asked.username++;
        return 'alice@example.com';
      },
      password: async () => {
        asked.password++;
        return 'correct horse';
      },
    },
  };
}

function options(base: string, extra: Partial<SignInOptions> = {}): SignInOptions & { asked: { username: number; password: number } } {
  const { asked, credentials } = countingCredentials();
  return { entryUrl: `${base}${ENTRY}`, http: createHttpClient({}), credentials, log: silentLogger, asked, ...extra };
}

describe('signIn', () => {
  it('walks the AD FS 2019 paginated sign-in with cookies and a 302 after the POST', async () => {
    const { base, seen } = await serve([
      () => ({ headers: { 'set-cookie': 'MSISSamlRequest=abc; path=/adfs; HttpOnly' }, body: fixture('adfs2019-username.html') }),
      (req) => {
        expect(req.method).toBe('POST');
        expect(req.cookie).toContain('MSISSamlRequest=abc');
        expect(req.form.filter(([k]) => k === 'UserName')).toEqual([['UserName', 'alice@example.com']]);
        return { body: fixture('adfs2019-password.html') };
      },
      (req) => {
        expect(req.form.filter(([k]) => k === 'UserName')).toEqual([['UserName', 'alice@example.com']]);
        expect(req.form).toContainEqual(['Password', 'correct horse']);
        expect(req.form.map(([k]) => k)).not.toContain('Kmsi');
        return { status: 302, headers: { location: '/adfs/ls/?done=1', 'set-cookie': 'MSISAuth=xyz; path=/adfs; HttpOnly' } };
      },
      (req) => {
        expect(req.method).toBe('GET');
        expect(req.cookie).toContain('MSISAuth=xyz');
        return { body: fixture('saml-post.html') };
      },
    ]);
    const opts = options(base);
    const result = await signIn(opts);
    expect(result).toEqual({ samlResponse: SAML, steps: ['username-page', 'password-page', 'saml-response'], samlAction: 'https://signin.aws.amazon.com/saml' });
    expect(opts.asked).toEqual({ username: 1, password: 1 });
    expect(seen.map((s) => s.method)).toEqual(['GET', 'POST', 'POST', 'GET']);
  });

  it('shows "Contacting <host>" while each page is on its way, stopped before each prompt; never a path, query or secret', async () => {
    const { base } = await serve([() => ({ body: fixture('adfs2019-username.html') }), () => ({ body: fixture('adfs2019-password.html') }), () => ({ body: fixture('saml-post.html') })]);
    const events: string[] = [];
    let shown = false;
    const progress: Progress = {
      live: true,
      start: (t) => ((shown = true), void events.push(`start ${t}`)),
      update: (t) => void events.push(`update ${t}`),
      stop: () => ((shown = false), void events.push('stop')),
    };
    const opts = options(base, { progress });
    const ask = opts.credentials;
    opts.credentials = {
      username: async () => (events.push(`prompt (line shown: ${shown})`), ask.username()),
      password: async () => (events.push(`prompt (line shown: ${shown})`), ask.password()),
    };
    await signIn(opts);
    const host = new URL(base).host;
    expect(events).toEqual([`start Contacting ${host}…`, 'stop', 'prompt (line shown: false)', `start Contacting ${host}…`, 'stop', 'prompt (line shown: false)', `start Contacting ${host}…`, 'stop']);
  });

  it('chooses the AWS relying party on the IdP-initiated page, then signs in', async () => {
    const { base } = await serve([
      () => ({ body: fixture('site-selection.html') }),
      (req) => {
        expect(req.url).toMatch(/^\/adfs\/ls\/idpinitiatedsignon\.aspx\?client-request-id=/);
        expect(req.form).toContainEqual(['SignInOtherSite', 'SignInOtherSite']);
        expect(req.form).toContainEqual(['RelyingParty', '7d9c54b0-317b-e611-8126-005056840be4']);
        return { body: fixture('adfs3-login.html') };
      },
      (req) => {
        expect(req.form).toEqual([
          ['UserName', 'alice@example.com'],
          ['Password', 'correct horse'],
          ['AuthMethod', 'FormsAuthentication'],
        ]);
        return { body: fixture('saml-post.html') };
      },
    ]);
    const result = await signIn(options(base));
    expect(result.steps).toEqual(['site-selection', 'login-form', 'saml-response']);
  });

  it('honours --relying-party and lists the choices when nothing matches', async () => {
    const { base } = await serve([() => ({ body: fixture('site-selection.html') })]);
    await expect(signIn(options(base, { relyingParty: 'workday' }))).rejects.toMatchObject({
      code: 'IDP_NO_RELYING_PARTY',
      message: expect.stringContaining('Contoso Intranet, Amazon Web Services, Salesforce'),
    });
  });

  it('maps a wrong password page to IDP_BAD_CREDENTIALS quoting the IdP', async () => {
    const { base } = await serve([() => ({ body: fixture('adfs3-login.html') }), () => ({ body: fixture('adfs2016-login-error.html') })]);
    const error = await signIn(options(base)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'IDP_BAD_CREDENTIALS', message: expect.stringContaining('Incorrect user ID or password') });
    expect(String((error as Error).message)).not.toContain('correct horse');
  });

  it('treats the same login form coming back without an error text as bad credentials', async () => {
    const { base, seen } = await serve([() => ({ body: fixture('adfs2-login.html') })]);
    await expect(signIn(options(base))).rejects.toMatchObject({ code: 'IDP_BAD_CREDENTIALS' });
    expect(seen).toHaveLength(2);
  });

  it.each([
    ['error-locked.html', 'IDP_ACCOUNT_LOCKED'],
    ['error-password-expired.html', 'IDP_PASSWORD_EXPIRED'],
    ['adfs-error-page.html', 'IDP_ERROR_PAGE'],
  ])('maps %s to %s', async (file, code) => {
    const { base } = await serve([() => ({ body: fixture('adfs3-login.html') }), () => ({ body: fixture(file) })]);
    await expect(signIn(options(base))).rejects.toMatchObject({ code });
  });

  it('reports an MFA adapter as unsupported', async () => {
    const { base } = await serve([() => ({ body: fixture('adfs3-login.html') }), () => ({ body: fixture('mfa-azure.html') })]);
    await expect(signIn(options(base))).rejects.toMatchObject({ code: 'IDP_MFA_UNSUPPORTED', message: expect.stringContaining('AzureMfaAuthentication') });
  });

  it('detects the disabled IdP-initiated page even on an HTTP error status', async () => {
    const { base } = await serve([() => ({ status: 404, body: fixture('idp-initiated-disabled.html') })]);
    const error = await signIn(options(base)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'IDP_INITIATED_DISABLED', hint: expect.stringContaining('Set-AdfsProperties -EnableIdpInitiatedSignonPage $true') });
  });

  it('turns a 5xx without recognisable content into IDP_HTTP_STATUS', async () => {
    const { base } = await serve([() => ({ status: 503, body: '<html><head><title>Service Unavailable</title></head></html>' })]);
    await expect(signIn(options(base))).rejects.toMatchObject({ code: 'IDP_HTTP_STATUS', message: expect.stringContaining('503') });
  });

  it('saves a redacted copy of an unknown page (0600) and names it in the hint', async () => {
    const page = `<html><head><title>Odd page</title></head><body><form method="post"><input type="password" name="Password" value="correct horse">
      <input type="hidden" name="Context" value="ctx-secret"><input type="hidden" name="Other" value="kept"></form><p>echo: correct horse</p></body></html>`;
    const { base } = await serve([() => ({ body: fixture('adfs3-login.html') }), () => ({ body: page })]);
    const debugDir = await mkdtemp(join(tmpdir(), 'awsfed-flow-'));
    const error = (await signIn(options(base, { saveDebugPage: saveDebugPageTo(debugDir) })).catch((e: unknown) => e)) as { code: string; message: string; hint: string };
    expect(error.code).toBe('IDP_UNKNOWN_PAGE');
    expect(error.message).toContain('"Odd page"');
    expect(error.message).not.toContain('?');
    const path = join(debugDir, 'awsfed-page-2.html');
    expect(error.hint).toContain(path);
    const saved = await readFile(path, 'utf8');
    expect(saved).not.toContain('correct horse');
    expect(saved).not.toContain('ctx-secret');
    expect(saved).toContain('kept');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('refuses to send the password in the URL of a form without method (GET)', async () => {
    const page = `<html><head><title>Sign in</title></head><body><form action="/login?next=1">
      <input type="text" name="username"><input type="password" name="pw"><input type="submit" value="Go"></form></body></html>`;
    const { base, seen } = await serve([() => ({ body: page }), () => ({ body: 'should not be reached' })]);
    const opts = options(base);
    const error = (await signIn(opts).catch((e: unknown) => e)) as { code: string; message: string; hint: string };
    expect(error.code).toBe('IDP_FORM_GET_PASSWORD');
    expect(error.message).toContain('would send the password in the URL');
    expect(error.message).not.toContain('?');
    expect(error.message).not.toContain('correct horse');
    expect(error.hint).toEqual(expect.any(String));
    expect(seen).toHaveLength(1);
    expect(seen.map((s) => s.url).join(' ')).not.toContain('correct');
  });

  // A browser would post the form wherever its action points; awsfed posts the user name and password
  // only to the origin that served the form (https may replace http on the same host). A page with an
  // injected form (or a proxy rewriting it) must not send the password to another host, even over https.
  it('never posts the credentials to another origin than the page that holds the form', async () => {
    const elsewhere: string[] = [];
    const other = createServer((req, res) => {
      req.on('data', (d: Buffer) => elsewhere.push(d.toString('utf8')));
      req.on('end', () => res.end(fixture('saml-post.html')));
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const target = `http://localhost:${(other.address() as AddressInfo).port}/adfs/ls/`;
      const page = fixture('adfs3-login.html').replace(/action="[^"]*"/, `action="${target}"`);
      const { base, seen } = await serve([() => ({ body: page }), () => ({ body: 'should not be reached' })]);
      const error = (await signIn(options(base)).catch((e: unknown) => e)) as { code: string; message: string; hint: string };
      expect(error).toMatchObject({ code: 'IDP_CROSS_ORIGIN_FORM', exitCode: 3 });
      expect(error.message).toContain(new URL(base).host);
      expect(error.message).toContain(new URL(target).host);
      expect(error.hint).toMatch(/IdP URL/);
      expect(elsewhere).toEqual([]);
      expect(seen).toHaveLength(1);
    } finally {
      other.closeAllConnections();
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  it('stops after maxSteps', async () => {
    const { base } = await serve([() => ({ body: fixture('site-selection.html') })]);
    await expect(signIn(options(base, { maxSteps: 3 }))).rejects.toMatchObject({ code: 'IDP_TOO_MANY_STEPS' });
  });

  it('an IdP that answers each request in time but stalls the sign-in ends in SIGNIN_TIMEOUT naming its host and --timeout', async () => {
    // The POST's answer trickles (a byte every 50 ms, 10 s in all) under a generous per-request deadline:
    // only the sign-in deadline can end it early.
    const { base, seen } = await serve([() => ({ body: fixture('adfs3-login.html') }), () => ({ trickle: { bytes: 200, tickMs: 50 }, body: fixture('saml-post.html') })]);
    const error = await signIn(options(base, { http: createHttpClient({ timeoutMs: 60_000 }), timeoutMs: 600 })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SIGNIN_TIMEOUT', exitCode: 3, message: expect.stringContaining(new URL(base).host), hint: expect.stringContaining('--timeout') });
    expect(seen).toHaveLength(2);
  }, 30_000);

  it('time spent at the password prompt does not count towards the sign-in deadline', async () => {
    const { base } = await serve([() => ({ body: fixture('adfs3-login.html') }), () => ({ body: fixture('saml-post.html') })]);
    const opts = options(base, { timeoutMs: 1000 });
    // A user who takes three times the whole deadline to type the password still signs in.
    opts.credentials = { username: async () => 'alice@example.com', password: () => new Promise((resolve) => setTimeout(() => resolve('correct horse'), 3000)) };
    await expect(signIn(opts)).resolves.toMatchObject({ samlResponse: SAML });
  }, 30_000);

  // cheerio builds about 1 KiB of DOM per element: 1 MiB of bare tags (under the body limit) would take
  // 350 MiB. A real AD FS page has a few hundred tags.
  it('refuses a page with tens of thousands of tags (the classifier element cap), naming the host', async () => {
    const { base } = await serve([() => ({ body: `<html><body>${'<p>'.repeat(30_000)}</body></html>` })]);
    await expect(signIn(options(base))).rejects.toMatchObject({
      code: 'IDP_PAGE_TOO_COMPLEX',
      exitCode: 3,
      message: expect.stringContaining(new URL(base).host),
    });
  });
});

