/**
 * A loopback Duo emulator for tests and the demo: the classic frame conversation (Duo Web v2, what
 * the DuoAdfsAdapter iframe runs) and the frameless Universal Prompt (v4), with the request and answer
 * shapes the public tools (venth/aws-adfs, saml2aws) learned from the real service: `sid` in the prompt
 * URL, `{"stat":"OK","response":{...}}` JSON, status codes pushed/calling/allow/deny/timeout, `_xsrf`,
 * Verified Push's `step_up_code`, the exit page's duo_code/state form. These shapes rest on the public
 * tools' code and Duo's documentation, not on captures of our own.
 *
 * Duo is https only; the emulator always serves TLS (a KeyPair from a test CA). Knobs: approve after N
 * status polls, deny, Duo's own timeout, never answer (for awsfed's time limit), the passcode it accepts,
 * Verified Push, and the factors the prompt page offers.
 *
 * The AD FS emulator talks to it through `integration` (in-process, as AD FS talks to Duo's API
 * server-to-server): it signs the classic request, checks sig_response, builds the frameless URL and
 * redeems duo_code.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KeyPair } from './certs.js';
import { escapeHtml } from './adfs-pages.js';
import { listenOnLoopback, readBody, requestUrl } from './loopback-server.js';

export const DUO_EMULATOR_PASSCODE = '246810';
export const DUO_VERIFIED_PUSH_CODE = '481516';

export type DuoOutcome = 'approve' | 'deny' | 'timeout' | 'never';

export interface DuoEmulatorOptions {
  https: KeyPair;
  /** What a push or call ends in. Default 'approve'. */
  outcome?: DuoOutcome;
  /** Status polls answered "pushed"/"calling" before the outcome. Default 2. */
  answerAfterPolls?: number;
  passcode?: string;
  /** Universal Prompt pushes carry a step_up_code the user types into Duo Mobile. */
  verifiedPush?: boolean;
  /** Factors on the prompt page. Default Duo Push, Phone Call, Passcode. */
  factors?: string[];
}

export interface DuoRequestRecord {
  method: string;
  path: string;
  /** Posted field names, never values. */
  fieldNames: string[];
}

/** What AD FS (the emulator) needs from Duo. */
export interface DuoIntegration {
  /** host:port, as the classic page names it. */
  host: string;
  signRequest(username: string): string;
  /** The user a sig_response proves, or undefined. */
  verifySigResponse(sigResponse: string): string | undefined;
  framelessAuthUrl(params: { username: string; redirectUri: string }): string;
  /** The user a duo_code proves for `state`, once; undefined otherwise. */
  redeemCode(code: string, state: string): string | undefined;
}

export interface DuoEmulator {
  origin: string;
  integration: DuoIntegration;
  requests: DuoRequestRecord[];
  close(): Promise<void>;
}

const DEFAULT_FACTORS = ['Duo Push', 'Phone Call', 'Passcode'];

interface DuoSession {
  username: string;
  flow: 'classic' | 'universal';
  xsrf: string;
  redirectUri?: string;
  state?: string;
  context?: string;
  authMethod?: string;
}

interface DuoTransaction {
  sid: string;
  factor: string;
  passcodeOk: boolean;
  polls: number;
  allowed: boolean;
}

interface Reply {
  status: number;
  body?: string;
  location?: string;
  json?: unknown;
}

class DuoServer {
  readonly requests: DuoRequestRecord[] = [];
  origin = '';
  private readonly skey = randomBytes(32);
  private readonly akey = randomBytes(32);
  private readonly sessions = new Map<string, DuoSession>();
  private readonly txs = new Map<string, DuoTransaction>();
  private readonly pending = new Map<string, { username: string; redirectUri: string }>();
  private readonly cookies = new Map<string, string>();
  private readonly codes = new Map<string, { username: string; state: string }>();

  constructor(private readonly opts: DuoEmulatorOptions) {}

  readonly integration: DuoIntegration = {
    host: '',
    signRequest: (username) => {
      const tx = this.signed('TX', username, this.skey);
      const app = this.signed('APP', username, this.akey);
      return `${tx}:${app}`;
    },
    verifySigResponse: (sig) => {
      const [auth, app] = sig.split(':');
      const user = auth ? this.cookies.get(auth) : undefined;
      if (!user || !app || this.verifySigned(app, 'APP', this.akey) !== user) return undefined;
      this.cookies.delete(auth!);
      return user;
    },
    framelessAuthUrl: ({ username, redirectUri }) => {
      const request = randomBytes(12).toString('hex');
      this.pending.set(request, { username, redirectUri });
      return `${this.origin}/frame/frameless/v4/auth?client_id=DIEMULATOR0000000000&request=${request}`;
    },
    redeemCode: (code, state) => {
      const entry = this.codes.get(code);
      if (!entry || entry.state !== state) return undefined;
      this.codes.delete(code);
      return entry.username;
    },
  };

  private signed(prefix: string, username: string, key: Buffer): string {
    const payload = Buffer.from(`${username}|DIEMULATOR0000000000|${Math.floor(Date.now() / 1000) + 300}`).toString('base64');
    const mac = createHmac('sha1', key).update(`${prefix}|${payload}`).digest('hex');
    return `${prefix}|${payload}|${mac}`;
  }

  private verifySigned(value: string, prefix: string, key: Buffer): string | undefined {
    const [p, payload, mac] = value.split('|');
    if (p !== prefix || !payload || !mac) return undefined;
    if (createHmac('sha1', key).update(`${prefix}|${payload}`).digest('hex') !== mac) return undefined;
    return Buffer.from(payload, 'base64').toString('utf8').split('|')[0];
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = requestUrl(req.url);
    let form = new URLSearchParams();
    let reply: Reply;
    try {
      if (method === 'POST') form = new URLSearchParams((await readBody(req, 256 * 1024)).toString('utf8'));
      this.requests.push({ method, path: url.pathname, fieldNames: [...form.keys()] });
      reply = this.route(method, url, form);
    } catch {
      reply = { status: 500, body: 'emulator error' };
    }
    const headers: Record<string, string> = {
      'content-type': reply.json !== undefined ? 'application/json' : 'text/html; charset=utf-8',
      'cache-control': 'no-store',
    };
    if (reply.location) headers.location = reply.location;
    res.writeHead(reply.status, headers);
    res.end(reply.json !== undefined ? JSON.stringify(reply.json) : (reply.body ?? ''));
  }

  private route(method: string, url: URL, form: URLSearchParams): Reply {
    const path = url.pathname;
    const sid = url.searchParams.get('sid') ?? form.get('sid') ?? '';
    const session = this.sessions.get(sid);
    // classic
    if (path === '/frame/web/v1/auth' && method === 'POST') {
      const username = this.verifySigned(url.searchParams.get('tx') ?? '', 'TX', this.skey);
      if (!username) return { status: 400, body: '<html><body>Invalid request.</body></html>' };
      return { status: 302, location: `/frame/prompt?sid=${this.newSession({ username, flow: 'classic' })}` };
    }
    if (path === '/frame/prompt' && method === 'GET' && session?.flow === 'classic') return { status: 200, body: this.promptPage(sid, session, '/frame/prompt') };
    if ((path === '/frame/prompt' || path === '/frame/v4/prompt') && method === 'POST') return this.startFactor(form, session, sid);
    if ((path === '/frame/status' || path === '/frame/v4/status') && method === 'POST') return this.status(form, session, path === '/frame/status');
    const result = /^\/frame\/status\/([0-9a-f]+)$/.exec(path);
    if (result && method === 'POST') {
      const tx = this.txs.get(result[1]!);
      if (!session || !tx || tx.sid !== sid || !tx.allowed) return fail('Unknown transaction.');
      this.txs.delete(result[1]!);
      const cookie = this.signed('AUTH', session.username, this.skey);
      this.cookies.set(cookie, session.username);
      return ok({ cookie, parent: 'None' });
    }
    // universal (frameless v4)
    if (path === '/frame/frameless/v4/auth') {
      if (method === 'POST' && !url.searchParams.has('sid')) {
        const request = this.pending.get(url.searchParams.get('request') ?? '');
        if (!request) return { status: 400, body: '<html><body>Invalid request.</body></html>' };
        this.pending.delete(url.searchParams.get('request') ?? '');
        const newSid = this.newSession({
          username: request.username,
          flow: 'universal',
          redirectUri: request.redirectUri,
          state: randomBytes(16).toString('hex'),
          context: form.get('context') ?? '',
          authMethod: form.get('authMethod') ?? 'DuoAdfsAdapter',
        });
        return { status: 302, location: `/frame/frameless/v4/auth?sid=${newSid}&tx=${randomBytes(8).toString('hex')}` };
      }
      if (!session || session.flow !== 'universal') return { status: 400, body: '<html><body>Session expired.</body></html>' };
      if (method === 'GET') return { status: 200, body: this.factsPage(url, session) };
      if (form.get('_xsrf') !== session.xsrf) return { status: 403, body: '<html><body>Forbidden.</body></html>' };
      return { status: 302, location: `/frame/v4/auth/prompt?sid=${sid}` };
    }
    if (path === '/frame/v4/auth/prompt' && method === 'GET' && session?.flow === 'universal') return { status: 200, body: this.promptPage(sid, session, '/frame/v4/prompt') };
    if (path === '/frame/v4/oidc/exit' && method === 'POST') {
      const tx = this.txs.get(form.get('txid') ?? '');
      if (!session || !tx || tx.sid !== sid || !tx.allowed || form.get('_xsrf') !== session.xsrf) return { status: 400, body: '<html><body>Invalid request.</body></html>' };
      this.txs.delete(form.get('txid') ?? '');
      const code = randomBytes(24).toString('hex');
      this.codes.set(code, { username: session.username, state: session.state ?? '' });
      return { status: 200, body: exitPage(session, code) };
    }
    return { status: 404, body: '<html><body>Not found.</body></html>' };
  }

  private newSession(s: Omit<DuoSession, 'xsrf'>): string {
    const sid = randomBytes(24).toString('hex');
    this.sessions.set(sid, { ...s, xsrf: randomBytes(16).toString('hex') });
    return sid;
  }

  private startFactor(form: URLSearchParams, session: DuoSession | undefined, sid: string): Reply {
    if (!session) return fail('Invalid session.');
    const factor = form.get('factor') ?? '';
    if (!(this.opts.factors ?? DEFAULT_FACTORS).includes(factor)) return fail('Invalid factor.');
    const txid = randomBytes(16).toString('hex');
    const passcode = form.get('passcode');
    this.txs.set(txid, { sid, factor, passcodeOk: passcode === (this.opts.passcode ?? DUO_EMULATOR_PASSCODE), polls: 0, allowed: false });
    return ok({ txid });
  }

  private status(form: URLSearchParams, session: DuoSession | undefined, classic: boolean): Reply {
    const txid = form.get('txid') ?? '';
    const tx = this.txs.get(txid);
    if (!session || !tx || tx.sid !== form.get('sid')) return fail('Unknown transaction.');
    const allow = (): Reply => {
      tx.allowed = true;
      return ok({ status_code: 'allow', status: 'Success. Logging you in...', result: 'SUCCESS', ...(classic ? { result_url: `/frame/status/${txid}` } : {}) });
    };
    if (tx.factor === 'Passcode') {
      if (tx.passcodeOk) return allow();
      this.txs.delete(txid);
      return ok({ status_code: 'deny', status: 'Incorrect passcode. Please try again.', result: 'FAILURE', reason: 'Incorrect passcode' });
    }
    tx.polls += 1;
    const outcome = this.opts.outcome ?? 'approve';
    if (outcome === 'never' || tx.polls <= (this.opts.answerAfterPolls ?? 2)) {
      const phone = tx.factor === 'Phone Call';
      return ok({
        status_code: phone ? 'calling' : 'pushed',
        status: phone ? 'Calling your phone...' : 'Pushed a login request to your device...',
        // Verified Push is a Universal Prompt feature.
        ...(!phone && this.opts.verifiedPush && session.flow === 'universal' ? { step_up_code: DUO_VERIFIED_PUSH_CODE } : {}),
      });
    }
    if (outcome === 'approve') return allow();
    this.txs.delete(txid);
    if (outcome === 'deny') return ok({ status_code: 'deny', status: 'Login request denied.', result: 'FAILURE', reason: 'User rejected' });
    return ok({ status_code: 'timeout', status: 'Login timed out.', result: 'FAILURE' });
  }

  /** The frameless flow's first page: the form the browser posts back with its facts and the _xsrf token. */
  private factsPage(url: URL, session: DuoSession): string {
    const tx = url.searchParams.get('tx') ?? '';
    return `<!DOCTYPE html><html><head><title>Duo Security</title></head><body>
<form id="plugin_form" method="post" action="${escapeHtml(`${url.pathname}${url.search}`)}">
  <input type="hidden" name="tx" value="${escapeHtml(tx)}">
  <input type="hidden" name="parent" value="">
  <input type="hidden" name="_xsrf" value="${escapeHtml(session.xsrf)}">
  <input type="hidden" name="java_version" value=""><input type="hidden" name="flash_version" value="">
  <input type="hidden" name="screen_resolution_width" value=""><input type="hidden" name="screen_resolution_height" value="">
  <input type="hidden" name="color_depth" value=""><input type="hidden" name="is_cef_browser" value="">
  <input type="hidden" name="react_support" value="">
</form>
<script>document.getElementById('plugin_form').submit();</script>
</body></html>`;
  }

  /** The prompt page: device select, one factor button per factor, the preferred factor and device. */
  private promptPage(sid: string, session: DuoSession, action: string): string {
    const factors = this.opts.factors ?? DEFAULT_FACTORS;
    const buttons = factors.map((f) => `<button type="submit" name="factor" value="${escapeHtml(f)}">${escapeHtml(f)}</button>`).join('\n    ');
    return `<!DOCTYPE html><html><head><title>Duo Security</title></head><body>
<form id="login-form" method="post" action="${escapeHtml(action)}">
  <input type="hidden" name="sid" value="${escapeHtml(sid)}">
  ${session.flow === 'universal' ? `<input type="hidden" name="_xsrf" value="${escapeHtml(session.xsrf)}">` : ''}
  <input type="hidden" name="preferred_factor" value="${escapeHtml(factors[0] ?? '')}">
  <input type="hidden" name="preferred_device" value="phone1">
  <input type="hidden" name="out_of_date" value="">
  <select name="device"><option value="phone1">iOS (XXX-XXX-0123)</option></select>
  <fieldset>
    ${buttons}
    <input type="text" name="passcode" autocomplete="off" value="">
  </fieldset>
</form>
</body></html>`;
  }
}

function exitPage(session: DuoSession, code: string): string {
  return `<!DOCTYPE html><html><head><title>Duo Security</title></head><body>
<form id="adfs_form" class="adfs_form" method="post" action="${escapeHtml(session.redirectUri ?? '')}">
  <input type="hidden" name="duo_code" value="${escapeHtml(code)}">
  <input type="hidden" name="state" value="${escapeHtml(session.state ?? '')}">
  <input type="hidden" name="context" value="${escapeHtml(session.context ?? '')}">
  <input type="hidden" name="authMethod" value="${escapeHtml(session.authMethod ?? '')}">
</form>
<script>document.getElementById('adfs_form').submit();</script>
</body></html>`;
}

function ok(response: unknown): Reply {
  return { status: 200, json: { stat: 'OK', response } };
}

function fail(message: string): Reply {
  return { status: 200, json: { stat: 'FAIL', code: 40002, message } };
}

export async function startDuoEmulator(opts: DuoEmulatorOptions): Promise<DuoEmulator> {
  const duo = new DuoServer(opts);
  const server = await listenOnLoopback((req, res) => void duo.handle(req, res), opts.https);
  duo.origin = server.origin;
  (duo.integration as { host: string }).host = new URL(server.origin).host;
  return { origin: server.origin, integration: duo.integration, requests: duo.requests, close: () => server.close() };
}
