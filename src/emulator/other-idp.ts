/**
 * A loopback emulator of SAML IdPs other than AD FS (Keycloak, PingFederate with PingID, F5 BIG-IP APM,
 * SimpleSAMLphp, Shibboleth, and a generic IdP with a one-code second step), for tests: the login form,
 * its re-shown form with the IdP's error text, the second-factor page of each (one-time code, Keycloak's
 * device choice, PingID swipe with number matching and its status poll, Keycloak WebAuthn), and the
 * auto-post page with a signed SAMLResponse. Pages come from other-idp-pages.ts.
 *
 * Knobs per user: the second factor, the OTP devices (and the one whose code is accepted), polls before
 * a push is approved or denied. The right code is EMULATOR_MFA_CODE. Nothing here stores a posted value;
 * `requests` keeps the method, the path and the posted field names.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createSelfSignedIdentity, type KeyPair } from './certs.js';
import { listenOnLoopback, readBody, RequestBodyTooLarge } from './loopback-server.js';
import { AWS_RELYING_PARTY_ID, AWS_SIGNIN_URL, EMULATOR_MFA_CODE, type AdfsRequestRecord } from './adfs.js';
import { renderKeycloakSamlPostPage } from './adfs-pages.js';
import {
  OtherIdpText,
  renderF5Login,
  renderF5Mfa,
  renderGenericCode,
  renderGenericLogin,
  renderKeycloakLogin,
  renderKeycloakOtp,
  renderKeycloakWebAuthn,
  renderPingLogin,
  renderPingOtp,
  renderPingSwipe,
  renderShibbolethLogin,
  renderSimpleSamlError,
  renderSimpleSamlLogin,
  type CodePageData,
  type LoginPageData,
  type OtherIdpKind,
} from './other-idp-pages.js';
import { issueSamlResponse, type IssuedRole } from './saml-issuer.js';
import { startStsEmulator, type StsEmulator } from './sts.js';

export interface OtherIdpUser {
  username: string;
  password: string;
  roles: IssuedRole[];
  /** After the password: a one-time code page, a PingID swipe, or a WebAuthn page. Default none. */
  second?: 'otp' | 'push' | 'webauthn';
  /** Keycloak OTP devices / F5 methods offered beside the code field; the first is the default. */
  devices?: Array<{ id: string; label: string }>;
  /** The code is accepted only with this device selected (default any). */
  acceptDevice?: string;
  /** Keycloak's older `totp` field instead of `otp`. */
  otpFieldName?: string;
  pushApproveAfterPolls?: number;
  pushDenyAfterPolls?: number;
  numberToMatch?: string;
}

export interface OtherIdpEmulatorOptions {
  kind: OtherIdpKind;
  users: OtherIdpUser[];
  signer?: KeyPair;
  /** SimpleSAMLphp: answer the entry URL with its error page (title, message). */
  entryError?: { title: string; message: string };
}

export interface OtherIdpEmulator {
  origin: string;
  entryUrl: string;
  signer: KeyPair;
  requests: AdfsRequestRecord[];
  close(): Promise<void>;
}

interface Session {
  user?: OtherIdpUser;
  polls: number;
}

interface Reply {
  status: number;
  body: string;
  contentType?: string;
}

const MAX_BODY_BYTES = 256 * 1024;

class OtherIdpServer {
  readonly requests: AdfsRequestRecord[] = [];
  private readonly sessions = new Map<string, Session>();
  origin = '';

  constructor(
    private readonly opts: OtherIdpEmulatorOptions,
    readonly signer: KeyPair,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', this.origin);
    const record: AdfsRequestRecord = { method, path: url.pathname, fieldNames: [], status: 0 };
    res.on('finish', () => {
      record.status = res.statusCode;
      this.requests.push(record);
    });
    let reply: Reply;
    try {
      let form = new URLSearchParams();
      if (method === 'POST') {
        form = new URLSearchParams((await readBody(req, MAX_BODY_BYTES)).toString('utf8'));
        record.fieldNames = [...form.keys()];
      }
      reply = this.route(method, url, form);
    } catch (error) {
      reply = { status: error instanceof RequestBodyTooLarge ? 413 : 500, body: 'emulator error', contentType: 'text/plain' };
    }
    res.writeHead(reply.status, { 'content-type': reply.contentType ?? 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(reply.body);
  }

  private route(method: string, url: URL, form: URLSearchParams): Reply {
    const sid = url.searchParams.get('sid') ?? '';
    if (method === 'GET' && url.pathname === '/sso/start') {
      if (this.opts.entryError) return { status: 500, body: renderSimpleSamlError(this.opts.entryError) };
      const id = randomUUID();
      this.sessions.set(id, { polls: 0 });
      return ok(this.loginPage({ action: this.action('/sso/login', id) }));
    }
    const session = this.sessions.get(sid);
    if (session === undefined) return { status: 400, body: '<html><head><title>Session expired</title></head><body><p role="alert">Your session has expired.</p></body></html>' };
    if (method === 'POST' && url.pathname === '/sso/login') return this.login(sid, session, form);
    if (method === 'POST' && url.pathname === '/sso/mfa' && session.user) return this.code(sid, session.user, form);
    if (method === 'POST' && url.pathname === '/pingid/ppm/auth/status' && session.user) return this.pushStatus(session);
    if (method === 'POST' && url.pathname === '/pingid/ppm/auth' && session.user) {
      return this.pushApproved(session) ? this.saml(sid, session.user) : ok(renderPingSwipe(this.swipeData(sid, session.user)));
    }
    return { status: 404, body: '<html><head><title>Not Found</title></head><body><h1>Not Found</h1></body></html>' };
  }

  private action(path: string, sid: string): string {
    return `${this.origin}${path}?sid=${sid}`;
  }

  private login(sid: string, session: Session, form: URLSearchParams): Reply {
    const [userField, passField] = FIELDS[this.opts.kind];
    const username = form.get(userField) ?? '';
    const user = this.opts.users.find((u) => u.username.toLowerCase() === username.toLowerCase());
    if (user === undefined || user.password !== (form.get(passField) ?? '')) {
      return ok(this.loginPage({ action: this.action('/sso/login', sid), username, errorText: BAD_CREDENTIALS[this.opts.kind] }));
    }
    session.user = user;
    switch (user.second) {
      case undefined:
        return this.saml(sid, user);
      case 'webauthn':
        return ok(renderKeycloakWebAuthn({ action: this.action('/sso/mfa', sid) }));
      case 'push':
        return ok(renderPingSwipe(this.swipeData(sid, user)));
      case 'otp':
        return ok(this.codePage(user, { action: this.action('/sso/mfa', sid) }));
    }
  }

  private code(sid: string, user: OtherIdpUser, form: URLSearchParams): Reply {
    const field = CODE_FIELD[this.opts.kind] ?? user.otpFieldName ?? 'otp';
    const device = form.get(this.opts.kind === 'f5' ? 'mfamethod' : 'selectedCredentialId') ?? user.devices?.[0]?.id;
    const deviceOk = user.acceptDevice === undefined || device === user.acceptDevice;
    if (form.get(field) === EMULATOR_MFA_CODE && deviceOk) return this.saml(sid, user);
    return ok(this.codePage(user, { action: this.action('/sso/mfa', sid), errorText: BAD_CODE[this.opts.kind] }));
  }

  private swipeData(sid: string, user: OtherIdpUser): Parameters<typeof renderPingSwipe>[0] {
    return { action: this.action('/pingid/ppm/auth', sid), statusUrl: this.action('/pingid/ppm/auth/status', sid), ...(user.numberToMatch ? { numberToMatch: user.numberToMatch } : {}) };
  }

  private pushStatus(session: Session): Reply {
    session.polls += 1;
    const user = session.user!;
    let status = 'PENDING';
    if (user.pushDenyAfterPolls !== undefined && session.polls >= user.pushDenyAfterPolls) status = 'DENIED';
    else if (this.pushApproved(session)) status = 'OK';
    return { status: 200, body: JSON.stringify({ status }), contentType: 'application/json' };
  }

  private pushApproved(session: Session): boolean {
    const after = session.user?.pushApproveAfterPolls;
    return after !== undefined && session.polls >= after && session.user?.pushDenyAfterPolls === undefined;
  }

  private loginPage(d: LoginPageData): string {
    switch (this.opts.kind) {
      case 'keycloak':
        return renderKeycloakLogin(d);
      case 'pingfed':
        return renderPingLogin(d);
      case 'f5':
        return renderF5Login(d);
      case 'simplesamlphp':
        return renderSimpleSamlLogin(d);
      case 'shibboleth':
        return renderShibbolethLogin(d);
      case 'generic':
        return renderGenericLogin(d);
    }
  }

  private codePage(user: OtherIdpUser, d: CodePageData): string {
    const data = { ...d, ...(user.devices ? { devices: user.devices } : {}), ...(user.otpFieldName ? { fieldName: user.otpFieldName } : {}) };
    switch (this.opts.kind) {
      case 'keycloak':
        return renderKeycloakOtp(data);
      case 'pingfed':
        return renderPingOtp(data);
      case 'f5':
        return renderF5Mfa(data);
      default:
        return renderGenericCode(data);
    }
  }

  private saml(sid: string, user: OtherIdpUser): Reply {
    this.sessions.delete(sid);
    const samlResponse = issueSamlResponse({
      signer: this.signer,
      issuer: `${this.origin}/${this.opts.kind}`,
      nameId: user.username,
      roles: user.roles,
      roleSessionName: user.username,
      now: new Date(),
      recipient: AWS_SIGNIN_URL,
      audience: AWS_RELYING_PARTY_ID,
    });
    return ok(renderKeycloakSamlPostPage({ action: AWS_SIGNIN_URL, samlResponse }));
  }
}

const FIELDS: Record<OtherIdpKind, [string, string]> = {
  keycloak: ['username', 'password'],
  pingfed: ['pf.username', 'pf.pass'],
  f5: ['username', 'password'],
  simplesamlphp: ['username', 'password'],
  shibboleth: ['j_username', 'j_password'],
  generic: ['user', 'pass'],
};

const CODE_FIELD: Partial<Record<OtherIdpKind, string>> = { pingfed: 'otp', f5: 'mfatoken', simplesamlphp: 'code', shibboleth: 'code', generic: 'code' };

const BAD_CREDENTIALS: Record<OtherIdpKind, string> = {
  keycloak: OtherIdpText.keycloakBadCredentials,
  pingfed: OtherIdpText.pingBadCredentials,
  f5: OtherIdpText.f5BadCredentials,
  simplesamlphp: OtherIdpText.simpleSamlBadCredentials,
  shibboleth: OtherIdpText.shibbolethBadCredentials,
  generic: OtherIdpText.genericBadCredentials,
};

const BAD_CODE: Record<OtherIdpKind, string> = {
  keycloak: OtherIdpText.keycloakBadOtp,
  pingfed: OtherIdpText.pingBadOtp,
  f5: OtherIdpText.f5BadOtp,
  simplesamlphp: OtherIdpText.genericBadCode,
  shibboleth: OtherIdpText.genericBadCode,
  generic: OtherIdpText.genericBadCode,
};

function ok(body: string): Reply {
  return { status: 200, body };
}

export async function startOtherIdpEmulator(opts: OtherIdpEmulatorOptions): Promise<OtherIdpEmulator> {
  const signer = opts.signer ?? createSelfSignedIdentity(`${opts.kind}.emulator`);
  const emulator = new OtherIdpServer(opts, signer);
  const server = await listenOnLoopback((req, res) => void emulator.handle(req, res));
  emulator.origin = server.origin;
  return { origin: server.origin, entryUrl: `${server.origin}/sso/start`, signer, requests: emulator.requests, close: () => server.close() };
}

/** The IdP emulator with an STS emulator that trusts its signer, for end-to-end tests. */
export async function startOtherIdpEnvironment(opts: Omit<OtherIdpEmulatorOptions, 'signer'>): Promise<{ idp: OtherIdpEmulator; sts: StsEmulator; close(): Promise<void> }> {
  const signer = createSelfSignedIdentity(`${opts.kind} signing`);
  const roles = new Map<string, IssuedRole>();
  for (const user of opts.users) for (const role of user.roles) roles.set(role.roleArn, role);
  const sts = await startStsEmulator({
    providers: [...new Set([...roles.values()].map((r) => r.principalArn))].map((principalArn) => ({ principalArn, certPem: signer.certPem })),
    roles: [...roles.values()].map((r) => ({ roleArn: r.roleArn, maxSessionDuration: 43200 })),
  });
  const idp = await startOtherIdpEmulator({ ...opts, signer }).catch(async (error: unknown) => {
    await sts.close();
    throw error;
  });
  return { idp, sts, close: async () => void (await Promise.all([idp.close(), sts.close()])) };
}
