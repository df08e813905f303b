/**
 * A loopback AWS federation endpoint (signin.aws.amazon.com/federation) for the tests and the demo:
 *
 *   GET /federation?Action=getSigninToken[&SessionDuration=N]&Session={"sessionId","sessionKey","sessionToken"}
 *       -> 200 {"SigninToken":"..."} when validateSession accepts the keys;
 *          400 for unknown/expired keys, a malformed Session, SessionDuration outside 900..43200,
 *          or SessionDuration with role-chained credentials (AWS rejects that combination).
 *   GET /federation?Action=login&Issuer=...&Destination=https://...&SigninToken=...
 *       -> 302 Location: Destination while the token is valid (15 minutes), else 400.
 *   POST /saml  SAMLResponse=...[&RelayState=...]  (what a browser posts after the IdP)
 *       -> the role page in the shape `samlPage` names (legacy, markup-2024, client-2023, interstitial),
 *          listing the accounts of the assertion's roles with the names of `accountNames`; or 'redirect'
 *          (302 to the console, as with one role), 'error' (500), 'slow' (no answer until close).
 *
 * Bodies of the 400 answers are the emulator's own wording (AWS sends an HTML error page). Every call is
 * recorded in `calls` without secrets: the access key shows its last 4 characters, tokens and keys never.
 */
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import type { KeyPair } from './certs.js';
import { listenOnLoopback, readBody, requestUrl } from './loopback-server.js';
import { renderSigninPage, roleArnsOfSamlResponse, type SigninPageShape } from './signin-pages.js';
import type { StsEmulator } from './sts.js';

export interface SessionCheck {
  ok: boolean;
  /** Credentials from role chaining: SessionDuration is refused for them. */
  chained: boolean;
}

export interface SigninEmulatorOptions {
  /** Decides whether the session keys are valid; default: every well-formed session, not chained. */
  validateSession?: (accessKeyId: string, secretAccessKey: string, sessionToken: string) => SessionCheck;
  clock?: () => Date;
  https?: KeyPair;
  /** What POST /saml answers (default legacy); can be changed later through `samlPage`. */
  samlPage?: SamlPageMode;
  /** Account id -> the name the page shows; accounts not named here show "Account: ID". */
  accountNames?: Record<string, string>;
}

export type SamlPageMode = SigninPageShape | 'redirect' | 'error' | 'slow';

export interface SigninCall {
  action: string;
  status: number;
  at: Date;
  /** Last 4 characters of the session's access key id (getSigninToken). */
  accessKeyIdLast4?: string;
  sessionDuration?: number;
  chained?: boolean;
  issuer?: string;
  destination?: string;
  /** Set on 302 answers. */
  location?: string;
  error?: string;
  /** POST /saml: whether a SAMLResponse came (never its value) and the shape answered. */
  samlResponsePresent?: boolean;
  samlPage?: SamlPageMode;
}

export interface SigninEmulator {
  /** Origin to use as the sign-in endpoint override (http://127.0.0.1:PORT). */
  url: string;
  calls: SigninCall[];
  /** What the next POST /saml answers. */
  samlPage: SamlPageMode;
  close(): Promise<void>;
}

interface IssuedToken {
  expiresAt: number;
  sessionDuration?: number;
  chained: boolean;
}

const TOKEN_LIFETIME_MS = 15 * 60 * 1000;

/** validateSession backed by the STS emulator: the keys must be ones it issued, unexpired. */
export function stsSessionValidator(sts: Pick<StsEmulator, 'issued'>, clock: () => Date = () => new Date()): SigninEmulatorOptions['validateSession'] {
  return (accessKeyId, secretAccessKey, sessionToken) => {
    const s = sts.issued(accessKeyId);
    const ok = s !== undefined && s.secretAccessKey === secretAccessKey && s.sessionToken === sessionToken && clock() < s.expiration;
    return { ok, chained: s?.chained ?? false };
  };
}

export async function startSigninEmulator(opts: SigninEmulatorOptions = {}): Promise<SigninEmulator> {
  const clock = opts.clock ?? (() => new Date());
  const validate = opts.validateSession ?? (() => ({ ok: true, chained: false }));
  const calls: SigninCall[] = [];
  const tokens = new Map<string, IssuedToken>();

  function getSigninToken(params: URLSearchParams, call: SigninCall): { status: number; body: string } {
    const bad = (error: string) => {
      call.error = error;
      return { status: 400, body: `Bad Request: ${error}` };
    };
    let session: { sessionId?: unknown; sessionKey?: unknown; sessionToken?: unknown };
    try {
      session = JSON.parse(params.get('Session') ?? '') as typeof session;
    } catch {
      return bad('the Session parameter is not JSON');
    }
    const { sessionId, sessionKey, sessionToken } = session ?? {};
    if (typeof sessionId !== 'string' || typeof sessionKey !== 'string' || typeof sessionToken !== 'string') {
      return bad('the Session parameter needs sessionId, sessionKey and sessionToken');
    }
    call.accessKeyIdLast4 = sessionId.slice(-4);
    const rawDuration = params.get('SessionDuration');
    let sessionDuration: number | undefined;
    if (rawDuration !== null) {
      sessionDuration = Number(rawDuration);
      call.sessionDuration = sessionDuration;
      if (!Number.isInteger(sessionDuration) || sessionDuration < 900 || sessionDuration > 43200) {
        return bad('SessionDuration must be 900..43200');
      }
    }
    const check = validate(sessionId, sessionKey, sessionToken);
    call.chained = check.chained;
    if (!check.ok) return bad('the session credentials are not valid');
    if (sessionDuration !== undefined && check.chained) {
      return bad('SessionDuration is not supported for credentials obtained by role chaining');
    }
    const token = randomBytes(48).toString('base64url');
    tokens.set(token, { expiresAt: clock().getTime() + TOKEN_LIFETIME_MS, chained: check.chained, ...(sessionDuration !== undefined ? { sessionDuration } : {}) });
    return { status: 200, body: JSON.stringify({ SigninToken: token }) };
  }

  function login(params: URLSearchParams, call: SigninCall): { status: number; body: string; location?: string } {
    const destination = params.get('Destination') ?? '';
    const issuer = params.get('Issuer');
    if (issuer !== null) call.issuer = issuer;
    call.destination = destination;
    const issued = tokens.get(params.get('SigninToken') ?? '');
    if (!issued || clock().getTime() >= issued.expiresAt) {
      call.error = 'the sign-in token is not valid or has expired';
      return { status: 400, body: `Bad Request: ${call.error}` };
    }
    let url: URL | undefined;
    try {
      url = new URL(destination);
    } catch {
      url = undefined;
    }
    if (!url || url.protocol !== 'https:') {
      call.error = 'Destination must be an https URL';
      return { status: 400, body: `Bad Request: ${call.error}` };
    }
    call.location = destination;
    return { status: 302, body: '', location: destination };
  }

  const state = { samlPage: opts.samlPage ?? ('legacy' as SamlPageMode) };

  async function samlPost(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const call: SigninCall = { action: 'saml', status: 0, at: clock(), samlPage: state.samlPage };
    calls.push(call);
    const form = new URLSearchParams((await readBody(req, 1024 * 1024).catch(() => Buffer.alloc(0))).toString('utf8'));
    const samlResponse = form.get('SAMLResponse') ?? '';
    call.samlResponsePresent = samlResponse !== '';
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      call.status = status;
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
      res.end(body);
    };
    if (!call.samlResponsePresent) return send(400, '<html><body>Bad Request: no SAMLResponse</body></html>');
    const mode = state.samlPage;
    if (mode === 'slow') return; // held open until close(): the client's deadline must end it
    if (mode === 'error') return send(500, '<html><head><title>Error</title></head><body>Internal error</body></html>');
    if (mode === 'redirect') return send(302, '', { location: 'https://console.aws.amazon.com/console/home' });
    const byAccount = new Map<string, string[]>();
    for (const arn of roleArnsOfSamlResponse(samlResponse)) {
      const id = /:iam::(\d{12}):/.exec(arn)![1]!;
      byAccount.set(id, [...(byAccount.get(id) ?? []), arn]);
    }
    const accounts = [...byAccount].map(([id, roleArns]) => ({ id, roleArns, ...(opts.accountNames?.[id] !== undefined ? { name: opts.accountNames[id] } : {}) }));
    send(200, renderSigninPage(mode, accounts));
  }

  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = requestUrl(req.url);
    if (req.method === 'POST' && url.pathname === '/saml') {
      void samlPost(req, res);
      return;
    }
    const action = url.searchParams.get('Action') ?? '';
    const call: SigninCall = { action, status: 0, at: clock() };
    let answer: { status: number; body: string; location?: string };
    if (req.method !== 'GET' || url.pathname !== '/federation') {
      call.error = 'not found';
      answer = { status: 404, body: 'Not Found' };
    } else if (action === 'getSigninToken') {
      answer = getSigninToken(url.searchParams, call);
    } else if (action === 'login') {
      answer = login(url.searchParams, call);
    } else {
      call.error = 'unknown Action';
      answer = { status: 400, body: 'Bad Request: unknown Action' };
    }
    call.status = answer.status;
    calls.push(call);
    const headers: Record<string, string | number> = {
      'content-type': answer.status === 200 ? 'application/json' : 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(answer.body),
    };
    if (answer.location !== undefined) headers.location = answer.location;
    res.writeHead(answer.status, headers);
    res.end(answer.body);
  };
  const server = await listenOnLoopback(listener, opts.https);
  return {
    url: server.origin,
    calls,
    get samlPage() {
      return state.samlPage;
    },
    set samlPage(mode: SamlPageMode) {
      state.samlPage = mode;
    },
    close: () => server.close(),
  };
}
