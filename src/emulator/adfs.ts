/**
 * A loopback AD FS emulator (plus one non-AD FS IdP shaped like Keycloak) for `awsfed demo` and tests.
 *
 * It answers the IdP-initiated sign-on URL the way AD FS does: the forms page (or the AD FS 2019 paginated
 * pages, or the AD FS 2.0 ASP.NET page), error texts in the same elements, MFA adapter pages carrying a
 * hidden AuthMethod and an opaque Context, and finally the auto-post page with a signed SAMLResponse for
 * https://signin.aws.amazon.com/saml. Sessions are MSISAuth cookies kept in memory.
 *
 * Nothing here logs or stores a posted or query value: `requests` keeps method, path, query key names
 * (values shown as …), posted field names and status only.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback, readBody, RequestBodyTooLarge } from './loopback-server.js';
import { createSelfSignedIdentity, type KeyPair } from './certs.js';
import { createChallenge, ntlmMessageType, parseAuthenticate, verifyNtlmV2 } from './ntlm-server.js';
import type { DuoIntegration } from './duo.js';
import { issueSamlResponse, type IssuedRole } from './saml-issuer.js';
import {
  AdfsText,
  escapeHtml,
  mfaAdapterInfo,
  renderAdfs2FormsSignInPage,
  renderAdfsDuoPage,
  renderAdfsErrorPage,
  renderAdfsLoginPage,
  renderAdfsMfaChoicePage,
  renderAdfsMfaPage,
  type MfaView,
  renderAdfsPaginatedPasswordPage,
  renderAdfsPaginatedUserNamePage,
  renderAdfsPasswordExpiredPage,
  renderAdfsSamlPostPage,
  renderAdfsSignedInPage,
  renderAdfsSiteSelectionPage,
  renderAdfsWsFedPostPage,
  renderAspNetServerErrorPage,
  renderKeycloakErrorPage,
  renderKeycloakLoginPage,
  renderKeycloakSamlPostPage,
  renderKeycloakUpdatePasswordPage,
  type ErrorTextStyle,
} from './adfs-pages.js';

export type AdfsVariant = 'adfs3' | 'adfs2019' | 'adfs2' | 'generic' | 'site-selection' | 'disabled';

export interface AdfsUser {
  /** Matched case-insensitively; 'alice', 'CORP\\alice' and 'alice@corp.example' all match 'alice'. */
  username: string;
  password: string;
  roles: IssuedRole[];
  /** Default: the user's UPN. */
  roleSessionName?: string;
  sessionDuration?: number;
  locked?: boolean;
  passwordExpired?: boolean;
  /** e.g. 'AzureMfaAuthentication', 'SecurIDAuthentication': after a correct password, show that adapter's page. */
  mfaAdapter?: string;
  /**
   * Push adapters (AzureMfaAuthentication) approve after this many polls (posts of AuthMethod + Context).
   * Undefined: never approved, the wait page comes back forever.
   */
  mfaPushApproveAfterPolls?: number;
  /** Push adapters: the user declines on the phone at this poll. */
  mfaPushDenyAfterPolls?: number;
  /** Azure MFA number matching: the number shown in p#validEntropyNumber. */
  mfaNumberToMatch?: string;
  /** AzureMfaAuthentication asks for a verification code (#verificationCodeInput) instead of a push. */
  mfaAzureCode?: boolean;
  /** AzureMfaServerAuthentication: the blocking POST answers after this long (default at once). */
  mfaServerAnswerAfterMs?: number;
  /** AzureMfaServerAuthentication: the phone call is declined. */
  mfaServerDeny?: boolean;
  /** SecurID: after the passcode, ask for the next tokencode (EMULATOR_MFA_NEXT_CODE). */
  mfaSecurIdNextTokencode?: boolean;
  /** SecurID: after the passcode, ask for a new PIN (typed twice). */
  mfaSecurIdNewPin?: boolean;
  /** After this many wrong codes the adapter says "too many attempts" (default: never). */
  mfaMaxAttempts?: number;
  /** Several additional providers: the "choose a method" page offers these AuthMethod values first. */
  mfaMethods?: string[];
  /** With mfaAdapter 'DuoAdfsAdapter' and the emulator's `duo`: which Duo page hands over. Default 'classic'. */
  duoFlow?: 'classic' | 'universal';
}

export interface AdfsRelyingParty {
  id: string;
  name: string;
  /** Where the token is posted. Default: https://signin.aws.amazon.com/saml for urn:amazon:webservices. */
  acsUrl?: string;
  /** Office 365 uses WS-Federation (wresult), everything else here SAML POST. Default 'saml'. */
  protocol?: 'saml' | 'wsfed';
}

export interface AdfsEmulatorOptions {
  variant: AdfsVariant;
  /**
   * Windows integrated sign-in (issue 9 item 2): a user agent in WIASupportedUserAgents is sent to
   * /adfs/ls/wia, which speaks NTLM (Type 2 challenge, NTLMv2 check of the Type 3). dropAfterChallenge:
   * the connection closes after the challenge (a proxy without keep-alive). negotiateOnly: only
   * `WWW-Authenticate: Negotiate` is offered (Kerberos). kerberos: `Authorization: Negotiate` tokens
   * are checked for real with the `kerberos` package against the keytab of the process (KRB5_KTNAME)
   * for `service` (default HTTP@<the Host the client asked for>), and the user is the ticket's principal without
   * its realm; `mutual: 'forged'` answers with a final token that proves nothing (a server that is not
   * AD FS). Without it every Negotiate token is refused (AD FS whose KDC does not know the ticket).
   */
  wia?: { domain?: string; dropAfterChallenge?: boolean; negotiateOnly?: boolean; kerberos?: { service?: string; mutual?: 'forged' } };
  users: AdfsUser[];
  /** Default: createSelfSignedIdentity('adfs.emulator'). */
  signer?: KeyPair;
  /** Default http://<host>/adfs/services/trust (Keycloak-like 'generic': <origin>/realms/corp). */
  issuer?: string;
  https?: KeyPair;
  clock?: () => Date;
  /** For site selection; default: Amazon Web Services, Microsoft Office 365 Identity Platform, Salesforce. */
  relyingParties?: AdfsRelyingParty[];
  /** The Duo emulator behind the DuoAdfsAdapter (src/emulator/duo.ts). */
  duo?: DuoIntegration;
  /**
   * How long a sign-in's MSISAuth session is honoured, counted from the sign-in like AD FS's SSO lifetime
   * (Set-AdfsProperties -SsoLifetime, 480 minutes by default; a reuse does not extend it). After that, a
   * GET with the cookies gets the login page again. Default 28800 s.
   */
  sessionLifetimeSeconds?: number;
  /**
   * With "Keep me signed in" (Kmsi=true posted with the password, when AD FS has KMSI enabled) the
   * session cookies become persistent (Expires) and the session lasts this long instead
   * (Set-AdfsProperties -KmsiLifetimeMins, 1440 by default). Default 86400 s.
   */
  kmsiLifetimeSeconds?: number;
  /** Held back before every answer, like a remote IdP's round trip (the bench's 50 ms rows). Default 0. */
  latencyMs?: number;
}

export interface AdfsRequestRecord {
  method: string;
  /** Pathname plus the query's key names, every value replaced by … (e.g. `/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=…`). */
  path: string;
  /** Posted field names in order, duplicates kept; never values. */
  fieldNames: string[];
  status: number;
}

export interface AdfsEmulator {
  origin: string;
  entryUrl: string;
  signer: KeyPair;
  requests: AdfsRequestRecord[];
  /** Ends every sign-in session on the server (as an AD FS restart or an admin revocation would). */
  endSessions(): void;
  close(): Promise<void>;
}

export const AWS_RELYING_PARTY_ID = 'urn:amazon:webservices';
export const AWS_SIGNIN_URL = 'https://signin.aws.amazon.com/saml';
/** The code that completes any code-based MFA adapter. */
export const EMULATOR_MFA_CODE = '123456';
/** The code the emulator treats as expired. */
export const EMULATOR_MFA_EXPIRED_CODE = '999999';
/** SecurID's next tokencode. */
export const EMULATOR_MFA_NEXT_CODE = '654321';

export const DEFAULT_RELYING_PARTIES: readonly AdfsRelyingParty[] = [
  { id: AWS_RELYING_PARTY_ID, name: 'Amazon Web Services', acsUrl: AWS_SIGNIN_URL },
  {
    id: 'urn:federation:MicrosoftOnline',
    name: 'Microsoft Office 365 Identity Platform',
    acsUrl: 'https://login.microsoftonline.com/login.srf',
    protocol: 'wsfed',
  },
  { id: 'https://saml.salesforce.com', name: 'Salesforce', acsUrl: 'https://login.salesforce.com/' },
];

const KEYCLOAK_REALM = 'corp';
const KEYCLOAK_CLIENT_PATH = `/realms/${KEYCLOAK_REALM}/protocol/saml/clients/amazon-aws`;
const KEYCLOAK_AUTHENTICATE_PATH = `/realms/${KEYCLOAK_REALM}/login-actions/authenticate`;
const IDP_INITIATED_PATH = /^\/adfs\/ls\/idpinitiatedsignon(\.aspx)?$/i;
const ADFS2_FORMS_PATH = /^\/adfs\/ls\/formssignin\.aspx$/i;
const MAX_BODY_BYTES = 1024 * 1024;
/** AD FS's default SSO lifetime: 480 minutes. */
const DEFAULT_SESSION_LIFETIME_SECONDS = 8 * 60 * 60;
/** AD FS's default KMSI lifetime: 1440 minutes. */
const DEFAULT_KMSI_LIFETIME_SECONDS = 24 * 60 * 60;

/** AD FS shows relying parties by opaque GUIDs; derive stable ones from the identifier. */
export function relyingPartyGuid(id: string): string {
  const h = createHash('sha1').update(`adfs-rp:${id}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** AD FS's default WIASupportedUserAgents: IE ("MSIE"), IE 11 ("Trident/7.0") and Edge's IE mode; not Chrome or Firefox. */
function isWiaUserAgent(ua: string): boolean {
  return /MSIE \d|Trident\/7\.0|MSIPC|Windows Rights Management Client/.test(ua);
}

/** The host name of a Host header (no port, no IPv6 brackets). */
function hostnameOf(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  try {
    return new URL(`http://${header}`).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
}

function needsSecondFactor(user: AdfsUser): boolean {
  return (user.mfaMethods !== undefined && user.mfaMethods.length > 0) || user.mfaAdapter !== undefined;
}

/** 'CORP\\alice' -> 'alice', 'alice@corp.example' -> 'alice', lower-cased. */
function accountKey(name: string): string {
  let n = name.trim();
  const slash = n.lastIndexOf('\\');
  if (slash >= 0) n = n.slice(slash + 1);
  const at = n.indexOf('@');
  if (at >= 0) n = n.slice(0, at);
  return n.toLowerCase();
}

function upnOf(user: AdfsUser): string {
  const name = user.username.includes('\\') ? user.username.slice(user.username.lastIndexOf('\\') + 1) : user.username;
  return name.includes('@') ? name : `${name}@corp.example`;
}

function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

/** What `requests[].path` keeps of a URL: the pathname and the query's key names, never a value. */
function recordedPath(url: URL): string {
  const keys = [...url.searchParams.keys()].map((k) => `${encodeURIComponent(k)}=…`);
  return keys.length > 0 ? `${url.pathname}?${keys.join('&')}` : url.pathname;
}

/** ASP.NET reads query keys case-insensitively. */
function queryParam(url: URL, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of url.searchParams) if (k.toLowerCase() === lower) return v;
  return undefined;
}

interface Reply {
  status: number;
  body?: string;
  location?: string;
  cookies?: string[];
  contentType?: string;
  /** Close the connection after answering (the request body was left unread). */
  close?: boolean;
  /** WWW-Authenticate challenges (one header each). */
  authenticate?: string[];
}

interface AdfsSession {
  user: AdfsUser;
  authenticatedAt: Date;
  lifetimeSeconds: number;
}

interface MfaContext {
  user: AdfsUser;
  /** The adapter of this round; undefined while the "choose a method" page is shown. */
  adapter: string | undefined;
  polls: number;
  wrong: number;
  stage: 'main' | 'next-tokencode' | 'new-pin';
}

interface KeycloakAuthSession {
  tabId: string;
  execution: string;
  sessionCode: string;
}

class AdfsEmulatorServer {
  readonly requests: AdfsRequestRecord[] = [];
  private readonly sessions = new Map<string, AdfsSession>();
  private readonly mfaContexts = new Map<string, MfaContext>();
  private readonly keycloakSessions = new Map<string, KeycloakAuthSession>();
  private readonly relyingParties: AdfsRelyingParty[];
  private readonly clock: () => Date;
  private readonly secure: boolean;
  // AD FS 2.0 view state: constant per emulator, checked on postback like ASP.NET's MAC would.
  private readonly viewState = randomBytes(96).toString('base64');
  private readonly eventValidation = randomBytes(48).toString('base64');
  private readonly viewStateGenerator = randomBytes(4).toString('hex').toUpperCase();
  origin = '';

  constructor(
    private readonly opts: AdfsEmulatorOptions,
    readonly signer: KeyPair,
  ) {
    this.relyingParties = (opts.relyingParties ?? DEFAULT_RELYING_PARTIES).map((rp) => ({ ...rp }));
    this.clock = opts.clock ?? (() => new Date());
    this.secure = opts.https !== undefined;
  }

  get entryUrl(): string {
    switch (this.opts.variant) {
      case 'site-selection':
        return `${this.origin}/adfs/ls/IdpInitiatedSignOn.aspx`;
      case 'generic':
        return `${this.origin}${KEYCLOAK_CLIENT_PATH}`;
      default:
        return `${this.origin}/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=${AWS_RELYING_PARTY_ID}`;
    }
  }

  private get issuer(): string {
    if (this.opts.issuer !== undefined) return this.opts.issuer;
    if (this.opts.variant === 'generic') return `${this.origin}/realms/${KEYCLOAK_REALM}`;
    return `http://${new URL(this.origin).host}/adfs/services/trust`;
  }

  private get errorStyle(): ErrorTextStyle {
    return this.opts.variant === 'adfs2019' ? 'span' : 'label';
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', this.origin);
    const record: AdfsRequestRecord = { method, path: recordedPath(url), fieldNames: [], status: 0 };
    res.on('finish', () => {
      record.status = res.statusCode;
      this.requests.push(record);
    });
    let reply: Reply;
    try {
      let form = new URLSearchParams();
      if (method === 'POST') {
        const type = String(req.headers['content-type'] ?? '');
        const body = (await readBody(req, MAX_BODY_BYTES)).toString('utf8');
        if (type.includes('application/x-www-form-urlencoded')) form = new URLSearchParams(body);
        record.fieldNames = [...form.keys()];
      }
      const cookies = parseCookies(req.headers.cookie);
      reply = (this.opts.wia && (await this.wia(req, method, url, cookies, form))) || (await this.route(method, url, form, cookies));
    } catch (error) {
      reply =
        error instanceof RequestBodyTooLarge
          ? { status: 413, body: 'Request body too large', contentType: 'text/plain; charset=utf-8', close: true }
          : { status: 500, body: 'Internal emulator error', contentType: 'text/plain; charset=utf-8' };
    }
    const headers: Record<string, string | string[]> = {
      'cache-control': 'no-cache, no-store',
      pragma: 'no-cache',
      'content-type': reply.contentType ?? 'text/html; charset=utf-8',
    };
    if (reply.location !== undefined) headers.location = reply.location;
    if (reply.close) headers.connection = 'close';
    if (reply.authenticate !== undefined) headers['www-authenticate'] = reply.authenticate;
    if (reply.cookies !== undefined && reply.cookies.length > 0) headers['set-cookie'] = reply.cookies;
    // unref: a held-back answer must not keep a process alive after close() (which ends the connection).
    if (this.opts.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.opts.latencyMs).unref());
    if (res.destroyed) return; // the client gave up (or close() ended the connection) while we waited
    res.writeHead(reply.status, headers);
    res.end(reply.body ?? '');
  }

  private route(method: string, url: URL, form: URLSearchParams, cookies: Map<string, string>): Reply | Promise<Reply> {
    if (this.opts.variant === 'generic') {
      if (url.pathname === KEYCLOAK_CLIENT_PATH && method === 'GET') return this.keycloakStart();
      if (url.pathname === KEYCLOAK_AUTHENTICATE_PATH && method === 'POST') return this.keycloakAuthenticate(url, form, cookies);
      return notFound();
    }
    if (IDP_INITIATED_PATH.test(url.pathname) && (method === 'GET' || method === 'POST')) {
      return this.idpInitiated(method, url, form, cookies);
    }
    if (this.opts.variant === 'adfs2' && ADFS2_FORMS_PATH.test(url.pathname) && (method === 'GET' || method === 'POST')) {
      return this.adfs2Forms(method, url, form);
    }
    return notFound();
  }

  // ---------------------------------------------------------------- Windows integrated sign-in (NTLM)

  /** NTLM authenticates the connection: the challenge lives with the socket that asked for it. */
  private readonly ntlmChallenges = new WeakMap<object, Buffer>();

  /** The WIA routes, or undefined for the forms routes. */
  private async wia(req: IncomingMessage, method: string, url: URL, cookies: Map<string, string>, form: URLSearchParams): Promise<Reply | undefined> {
    const wia = this.opts.wia!;
    const ua = String(req.headers['user-agent'] ?? '');
    if (IDP_INITIATED_PATH.test(url.pathname)) {
      if (!isWiaUserAgent(ua) || this.sessionFrom(cookies) !== undefined || this.primaryFrom(cookies) !== undefined) return undefined;
      // AD FS authenticates once it knows the relying party: with loginToRp at once, else after the site
      // selection page (which needs no sign-in) is posted.
      const loginToRp = queryParam(url, 'loginToRp');
      if (method === 'GET' && loginToRp !== undefined && loginToRp !== '') return { status: 302, location: `/adfs/ls/wia${url.search}` };
      if (method === 'POST' && form.get('SignInOtherSite') === 'SignInOtherSite') {
        const rp = this.relyingParties.find((r) => relyingPartyGuid(r.id) === form.get('RelyingParty'));
        if (rp !== undefined) return { status: 302, location: `/adfs/ls/wia?loginToRp=${encodeURIComponent(rp.id)}` };
      }
      return undefined;
    }
    if (url.pathname.toLowerCase() !== '/adfs/ls/wia' || method !== 'GET') return undefined;
    // AD FS sends a user agent outside WIASupportedUserAgents back to the forms page.
    if (!isWiaUserAgent(ua)) return { status: 302, location: `/adfs/ls/IdpInitiatedSignOn.aspx${url.search}` };
    const offer: Reply = { status: 401, body: '', authenticate: wia.negotiateOnly ? ['Negotiate'] : ['Negotiate', 'NTLM'] };
    const negotiate = /^Negotiate\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
    // The service is the host the client asked for (http.sys accepts a ticket for any SPN of its account).
    if (negotiate !== undefined) return (await this.kerberos(negotiate, `/adfs/ls/IdpInitiatedSignOn.aspx${url.search}`, hostnameOf(req.headers.host) ?? url.hostname)) ?? offer;
    const token = /^NTLM\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
    if (token === undefined || wia.negotiateOnly) return offer;
    const type = ntlmMessageType(token);
    if (type === 1) {
      const { token: type2, challenge } = createChallenge(wia.domain ?? 'CORP');
      this.ntlmChallenges.set(req.socket, challenge);
      return { status: 401, body: '', authenticate: [`NTLM ${type2}`], ...(wia.dropAfterChallenge ? { close: true } : {}) };
    }
    const challenge = this.ntlmChallenges.get(req.socket);
    this.ntlmChallenges.delete(req.socket);
    const answer = type === 3 ? parseAuthenticate(token) : undefined;
    // A Type 3 on a connection that got no challenge cannot be checked: start again, as IIS does.
    if (challenge === undefined || answer === undefined) return offer;
    const user = this.opts.users.find((u) => accountKey(u.username) === accountKey(answer.user));
    if (user === undefined || user.locked || !verifyNtlmV2(answer, user.password, challenge)) return offer;
    return this.wiaAuthenticated(user, `/adfs/ls/IdpInitiatedSignOn.aspx${url.search}`);
  }

  /**
   * Windows sign-in is the primary authentication only: a user with a second factor gets a primary
   * session (its own MSISAuth token) and the sign-on page then shows the MFA page, as AD FS does when its
   * additional-authentication rules apply after WIA.
   */
  private readonly primarySessions = new Map<string, AdfsUser>();

  private wiaAuthenticated(user: AdfsUser, location: string): Reply {
    if (!needsSecondFactor(user)) return this.authenticated(user, location);
    const token = randomBytes(48).toString('base64');
    this.primarySessions.set(token, user);
    return { status: 302, location, cookies: [`MSISAuth=${token}; path=/adfs; HttpOnly${this.secure ? '; Secure' : ''}`] };
  }

  private primaryFrom(cookies: Map<string, string>): AdfsUser | undefined {
    const token = cookies.get('MSISAuth');
    return token === undefined ? undefined : this.primarySessions.get(token);
  }

  /** A Negotiate token checked against the keytab: the redirect with the session and the final token, or undefined (refused). */
  private async kerberos(token: string, location: string, host: string): Promise<Reply | undefined> {
    const options = this.opts.wia?.kerberos;
    if (options === undefined) return undefined;
    const loaded = (await import('kerberos')) as unknown as { default?: typeof import('kerberos') } & typeof import('kerberos');
    const kerberos = loaded.default ?? loaded;
    let principal: string;
    let final: string;
    try {
      const server = await kerberos.initializeServer(options.service ?? `HTTP@${host}`);
      final = (await server.step(token)) ?? '';
      principal = server.username ?? '';
    } catch {
      return undefined; // not a ticket for this service, or not Kerberos at all: IIS answers 401 again
    }
    const user = this.opts.users.find((u) => accountKey(u.username) === accountKey(principal.split('@')[0] ?? ''));
    if (user === undefined || user.locked) return undefined;
    const reply = this.wiaAuthenticated(user, location);
    const proof = options.mutual === 'forged' ? randomBytes(64).toString('base64') : final;
    return proof === '' ? reply : { ...reply, authenticate: [`Negotiate ${proof}`] };
  }

  // ---------------------------------------------------------------- AD FS 2012 R2 / 2016 / 2019

  private errorPage(opts: { relyingParty?: string; message?: string; details?: string[] }, status = 200): Reply {
    // AD FS answers its error page with 200; the page itself is the only signal.
    return {
      status,
      body: renderAdfsErrorPage({ activityId: randomUUID(), time: this.clock(), ...opts }),
    };
  }

  private idpInitiated(method: string, url: URL, form: URLSearchParams, cookies: Map<string, string>): Reply | Promise<Reply> {
    if (this.opts.variant === 'disabled') {
      // Since AD FS 2016 the page is off unless Set-AdfsProperties -EnableIdpInitiatedSignonPage $true.
      return this.errorPage({
        details: ['MSIS7012: An error occurred while processing the request. Contact your administrator for details.'],
      });
    }
    const session = this.sessionFrom(cookies);
    const loginToRp = queryParam(url, 'loginToRp');
    let rp: AdfsRelyingParty | undefined;
    if (loginToRp !== undefined && loginToRp !== '') {
      rp = this.relyingParties.find((r) => r.id.toLowerCase() === loginToRp.toLowerCase());
      if (rp === undefined) {
        return this.errorPage({
          relyingParty: loginToRp,
          details: [`MSIS7007: The requested relying party trust '${loginToRp}' is unspecified or unsupported.`],
        });
      }
    }
    const action = withClientRequestId(url);

    const primary = session === undefined ? this.primaryFrom(cookies) : undefined;
    if (method === 'GET') {
      if (session !== undefined) return this.signedIn(session.user, rp, action);
      if (rp === undefined) return this.siteSelection(action, false);
      if (primary !== undefined) return this.startSecondFactor(primary, action);
      if (this.opts.variant === 'adfs2') {
        return { status: 302, location: `/adfs/ls/FormsSignIn.aspx?ReturnUrl=${encodeURIComponent(action)}` };
      }
      return this.loginPage(action, {});
    }

    // POST
    if (rp === undefined && form.has('SignInOtherSite')) return this.siteSelectionPost(url, form, session, primary);
    if (form.has('duo_code')) return this.duoUniversalPost(action, form, rp);
    if (form.has('Context')) return this.mfaPost(action, form, rp);
    return this.formsPost(action, form, rp);
  }

  private siteSelection(action: string, signedIn: boolean): Reply {
    return {
      status: 200,
      body: renderAdfsSiteSelectionPage({
        action,
        signedIn,
        relyingParties: this.relyingParties.map((rp) => ({ value: relyingPartyGuid(rp.id), name: rp.name })),
      }),
    };
  }

  private siteSelectionPost(url: URL, form: URLSearchParams, session: AdfsSession | undefined, primary?: AdfsUser): Reply {
    const base = withClientRequestId(url);
    if (form.has('SignOut')) {
      return { status: 200, cookies: this.clearSessionCookies(), body: this.siteSelection(base, false).body };
    }
    if (form.get('SignInOtherSite') !== 'SignInOtherSite') {
      // "Sign in to this site": the forms page, then "You are signed in."
      return session !== undefined ? this.siteSelection(base, true) : this.loginPage(base, {});
    }
    const guid = form.get('RelyingParty') ?? '';
    const rp = this.relyingParties.find((r) => relyingPartyGuid(r.id) === guid);
    if (rp === undefined) return this.errorPage({ details: [`MSIS7007: The requested relying party trust '${guid}' is unspecified or unsupported.`] });
    // The chosen relying party rides along in the form action, so the sign-in post knows where to go.
    const action = withClientRequestId(new URL(`/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=${encodeURIComponent(rp.id)}`, this.origin));
    if (session !== undefined) return this.signedIn(session.user, rp, action);
    if (primary !== undefined) return this.startSecondFactor(primary, action);
    return this.loginPage(action, {});
  }

  private loginPage(action: string, o: { userName?: string; errorText?: string; passwordPage?: boolean }): Reply {
    const optionsAction = `${this.origin}${action}`;
    if (this.opts.variant === 'adfs2019') {
      const body =
        o.passwordPage && o.userName !== undefined && o.userName !== ''
          ? renderAdfsPaginatedPasswordPage({ action, optionsAction, userName: o.userName, errorText: o.errorText })
          : renderAdfsPaginatedUserNamePage({ action, optionsAction, userName: o.userName, errorText: o.errorText });
      return { status: 200, body };
    }
    return {
      status: 200,
      body: renderAdfsLoginPage({ action, optionsAction, errorStyle: this.errorStyle, userName: o.userName, errorText: o.errorText }),
    };
  }

  private formsPost(action: string, form: URLSearchParams, rp: AdfsRelyingParty | undefined): Reply {
    const userNames = form.getAll('UserName');
    const passwords = form.getAll('Password');
    for (const [name, values] of [['UserName', userNames], ['Password', passwords]] as const) {
      if (values.length > 1) {
        return this.errorPage({ relyingParty: rp?.id, details: [`Duplicate post parameter '${name}'.`] });
      }
    }
    const userName = userNames[0] ?? '';
    const authMethods = form.getAll('AuthMethod');
    // A leaked empty AuthMethod (from form#options) or two of them: AD FS cannot pick a method.
    if (authMethods.length > 1 || (authMethods.length === 1 && authMethods[0] !== 'FormsAuthentication')) {
      return this.loginPage(action, {
        userName,
        errorText: AdfsText.authMethodUnavailable(userName),
        passwordPage: passwords.length > 0,
      });
    }
    if (passwords.length === 0) {
      if (this.opts.variant === 'adfs2019' && userName !== '') return this.loginPage(action, { userName, passwordPage: true });
      return this.loginPage(action, { userName });
    }
    const password = passwords[0] ?? '';
    const user = this.findUser(userName);
    if (user?.locked) return this.loginPage(action, { userName, errorText: AdfsText.accountLocked, passwordPage: true });
    if (user === undefined || user.password !== password) {
      return this.loginPage(action, { userName, errorText: AdfsText.badCredentials, passwordPage: true });
    }
    if (user.passwordExpired) {
      return {
        status: 200,
        body: renderAdfsPasswordExpiredPage({ action: '/adfs/portal/updatepassword/', userName, errorStyle: this.errorStyle }),
      };
    }
    if (needsSecondFactor(user)) return this.startSecondFactor(user, action);
    return this.authenticated(user, action, form.get('Kmsi') === 'true');
  }

  /** The first MFA page: the choice of methods when several are set up, else the one adapter's page. */
  private startSecondFactor(user: AdfsUser, action: string): Reply {
    const choose = user.mfaMethods !== undefined && user.mfaMethods.length > 0;
    const state: MfaContext = { user, adapter: choose ? undefined : user.mfaAdapter, polls: 0, wrong: 0, stage: 'main' };
    return this.mfaPage(action, state, this.newMfaContext(state));
  }

  /** Real Context values are large encrypted blobs that change every round; only the latest is accepted. */
  private newMfaContext(state: MfaContext): string {
    const context = randomBytes(900).toString('base64');
    this.mfaContexts.set(context, state);
    return context;
  }

  private mfaPage(action: string, state: MfaContext, context: string, errorText?: string): Reply {
    const { user } = state;
    const duo = this.opts.duo;
    if (state.adapter === 'DuoAdfsAdapter' && duo !== undefined && errorText === undefined) {
      const redirectUri = `${this.origin}${action}`;
      const page = user.duoFlow === 'universal'
        ? { flow: 'universal' as const, framelessUrl: duo.framelessAuthUrl({ username: upnOf(user), redirectUri }) }
        : { flow: 'classic' as const, host: duo.host, sigRequest: duo.signRequest(upnOf(user)) };
      return { status: 200, body: renderAdfsDuoPage({ duo: page, context, action, optionsAction: redirectUri, errorStyle: this.errorStyle }) };
    }
    if (state.adapter === undefined) {
      return {
        status: 200,
        body: renderAdfsMfaChoicePage({ adapters: user.mfaMethods ?? [], context, optionsAction: `${this.origin}${action}`, userName: upnOf(user) }),
      };
    }
    const view: MfaView =
      state.stage !== 'main'
        ? { kind: state.stage }
        : state.adapter === 'AzureMfaAuthentication'
          ? user.mfaAzureCode
            ? { kind: 'azure-code' }
            : { kind: 'push', ...(user.mfaNumberToMatch !== undefined ? { numberToMatch: user.mfaNumberToMatch } : {}) }
          : { kind: 'default' };
    return {
      status: 200,
      body: renderAdfsMfaPage({
        adapter: state.adapter,
        context,
        action,
        optionsAction: `${this.origin}${action}`,
        userName: upnOf(user),
        errorStyle: this.errorStyle,
        errorText,
        view,
      }),
    };
  }

  private async mfaPost(action: string, form: URLSearchParams, rp: AdfsRelyingParty | undefined): Promise<Reply> {
    const contexts = form.getAll('Context');
    const key = contexts.length === 1 ? (contexts[0] ?? '') : '';
    const state = this.mfaContexts.get(key);
    if (state === undefined) {
      return this.errorPage({ relyingParty: rp?.id, details: ['The authentication context is missing, duplicated or expired.'] });
    }
    // Each round gets a new Context; the old one is spent.
    this.mfaContexts.delete(key);
    const again = (errorText?: string): Reply => this.mfaPage(action, state, this.newMfaContext(state), errorText);
    const { user } = state;
    const authMethods = form.getAll('AuthMethod');
    if (state.adapter === undefined) {
      const chosen = authMethods.length === 1 ? authMethods[0] : undefined;
      if (chosen === undefined || !(user.mfaMethods ?? []).includes(chosen)) return again();
      state.adapter = chosen;
      return again();
    }
    const adapter = state.adapter;
    if (authMethods.length !== 1 || authMethods[0] !== adapter) return again(AdfsText.authMethodUnavailable(upnOf(user)));
    if (adapter === 'DuoAdfsAdapter' && this.opts.duo !== undefined) {
      const answers = form.getAll('sig_response');
      if (answers.length !== 1 || this.opts.duo.verifySigResponse(answers[0] ?? '') !== upnOf(user)) return again(AdfsText.mfaCodeRejected);
      return this.authenticated(user, action);
    }
    const info = mfaAdapterInfo(adapter);

    if (info.kind === 'server') {
      if (user.mfaServerAnswerAfterMs !== undefined) await new Promise((resolve) => setTimeout(resolve, user.mfaServerAnswerAfterMs));
      if (user.mfaServerDeny) return again(AdfsText.azureMfaServerDenied);
      return this.authenticated(user, action);
    }
    if (info.kind === 'push' && !user.mfaAzureCode) {
      state.polls += 1;
      if (user.mfaPushDenyAfterPolls !== undefined && state.polls >= user.mfaPushDenyAfterPolls) return again(AdfsText.azureMfaDenied);
      if (user.mfaPushApproveAfterPolls !== undefined && state.polls >= user.mfaPushApproveAfterPolls) return this.authenticated(user, action);
      return again();
    }
    if (info.kind === 'duo') return again();

    const field = state.stage === 'next-tokencode' ? 'NextTokencode' : state.stage === 'new-pin' ? 'NewPin' : info.codeField;
    const codes = form.getAll(field);
    const code = codes[0] ?? '';
    if (codes.length !== 1 || code === '') return again();
    if (state.stage === 'new-pin') {
      if (form.get('ConfirmPin') !== code || !/^\d{4,8}$/.test(code)) return again('The PINs do not match or are not 4 to 8 digits.');
      return this.authenticated(user, action);
    }
    const expected = state.stage === 'next-tokencode' ? EMULATOR_MFA_NEXT_CODE : EMULATOR_MFA_CODE;
    if (code === EMULATOR_MFA_EXPIRED_CODE) return again(AdfsText.mfaCodeExpired);
    if (code !== expected) {
      state.wrong += 1;
      if (user.mfaMaxAttempts !== undefined && state.wrong >= user.mfaMaxAttempts) return again(AdfsText.mfaTooManyAttempts);
      return again(AdfsText.mfaCodeRejected);
    }
    if (adapter === 'SecurIDAuthentication' && state.stage === 'main') {
      if (user.mfaSecurIdNextTokencode) {
        state.stage = 'next-tokencode';
        return again();
      }
      if (user.mfaSecurIdNewPin) {
        state.stage = 'new-pin';
        return again();
      }
    }
    return this.authenticated(user, action);
  }

  /** Duo's exit page posts duo_code, state and the adapter's context back; AD FS redeems the code at Duo. */
  private duoUniversalPost(action: string, form: URLSearchParams, rp: AdfsRelyingParty | undefined): Reply {
    const key = form.get('context') ?? '';
    const context = this.mfaContexts.get(key);
    const duo = this.opts.duo;
    const user = context?.user;
    if (user === undefined || duo === undefined || duo.redeemCode(form.get('duo_code') ?? '', form.get('state') ?? '') !== upnOf(user)) {
      return this.errorPage({ relyingParty: rp?.id, details: ['The Duo authentication response is missing, invalid or expired.'] });
    }
    this.mfaContexts.delete(key);
    return this.authenticated(user, action);
  }

  /** Sign-in done: MSIS cookies and a redirect back to the same URL, which then yields the token. */
  private authenticated(user: AdfsUser, location: string, kmsi = false): Reply {
    const token = randomBytes(48).toString('base64');
    const now = this.clock();
    const lifetimeSeconds = kmsi
      ? (this.opts.kmsiLifetimeSeconds ?? DEFAULT_KMSI_LIFETIME_SECONDS)
      : (this.opts.sessionLifetimeSeconds ?? DEFAULT_SESSION_LIFETIME_SECONDS);
    this.sessions.set(token, { user, authenticatedAt: now, lifetimeSeconds });
    // Without KMSI the MSIS cookies are session cookies (no Expires): gone when the browser closes.
    const expires = kmsi ? `; expires=${new Date(now.getTime() + lifetimeSeconds * 1000).toUTCString()}` : '';
    const attrs = `path=/adfs${expires}; HttpOnly${this.secure ? '; Secure' : ''}`;
    return {
      status: 302,
      location,
      cookies: [
        `MSISAuth=${token}; ${attrs}`,
        `MSISAuthenticated=${Buffer.from(now.toISOString()).toString('base64')}; ${attrs}`,
        `MSISLoopDetectionCookie=${encodeURIComponent(`${now.toISOString()}\\1`)}; ${attrs}`,
      ],
    };
  }

  private clearSessionCookies(): string[] {
    const attrs = `path=/adfs; expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly${this.secure ? '; Secure' : ''}`;
    return [`MSISAuth=; ${attrs}`, `MSISAuthenticated=; ${attrs}`];
  }

  private sessionFrom(cookies: Map<string, string>): AdfsSession | undefined {
    const token = cookies.get('MSISAuth');
    const session = token === undefined ? undefined : this.sessions.get(token);
    if (session === undefined) return undefined;
    if (this.clock().getTime() - session.authenticatedAt.getTime() >= session.lifetimeSeconds * 1000) {
      // Past the SSO lifetime the cookie is worthless: AD FS shows the sign-in page again.
      this.sessions.delete(token!);
      return undefined;
    }
    return session;
  }

  endSessions(): void {
    this.sessions.clear();
  }

  /** The page a signed-in user gets for a relying party: the auto-post form (or "signed in" without one). */
  private signedIn(user: AdfsUser, rp: AdfsRelyingParty | undefined, action: string): Reply {
    if (rp === undefined) return this.siteSelection(action, true);
    const acsUrl = rp.acsUrl ?? (rp.id === AWS_RELYING_PARTY_ID ? AWS_SIGNIN_URL : undefined);
    if (acsUrl === undefined) return { status: 200, body: renderAdfsSignedInPage({ relyingPartyName: rp.name }) };
    if (rp.protocol === 'wsfed') {
      const wresult = `<t:RequestSecurityTokenResponse xmlns:t="http://schemas.xmlsoap.org/ws/2005/02/trust"><wsp:AppliesTo xmlns:wsp="http://schemas.xmlsoap.org/ws/2004/09/policy"><wsa:EndpointReference xmlns:wsa="http://www.w3.org/2005/08/addressing"><wsa:Address>${escapeHtml(rp.id)}</wsa:Address></wsa:EndpointReference></wsp:AppliesTo></t:RequestSecurityTokenResponse>`;
      return { status: 200, body: renderAdfsWsFedPostPage({ action: acsUrl, wresult }) };
    }
    return { status: 200, body: renderAdfsSamlPostPage({ action: acsUrl, samlResponse: this.samlFor(user, rp.id, acsUrl) }) };
  }

  private samlFor(user: AdfsUser, audience: string, recipient: string): string {
    const upn = upnOf(user);
    const isAws = audience === AWS_RELYING_PARTY_ID;
    return issueSamlResponse({
      signer: this.signer,
      issuer: this.issuer,
      nameId: upn,
      roles: isAws ? user.roles : [],
      roleSessionName: isAws ? (user.roleSessionName ?? upn) : undefined,
      sessionDuration: isAws ? user.sessionDuration : undefined,
      now: this.clock(),
      recipient,
      audience,
    });
  }

  private findUser(name: string): AdfsUser | undefined {
    const key = accountKey(name);
    if (key === '') return undefined;
    return this.opts.users.find((u) => accountKey(u.username) === key);
  }

  // ---------------------------------------------------------------- AD FS 2.0 (ASP.NET WebForms)

  private adfs2Forms(method: string, url: URL, form: URLSearchParams): Reply {
    const returnUrlRaw = queryParam(url, 'ReturnUrl') ?? '';
    // Only local AD FS URLs, like ASP.NET's forms authentication.
    const returnUrl = returnUrlRaw.startsWith('/adfs/') ? returnUrlRaw : `/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=${AWS_RELYING_PARTY_ID}`;
    const action = `./FormsSignIn.aspx${url.search}`;
    const page = (userName?: string, errorText?: string): Reply => ({
      status: 200,
      body: renderAdfs2FormsSignInPage({
        action,
        viewState: this.viewState,
        viewStateGenerator: this.viewStateGenerator,
        eventValidation: this.eventValidation,
        userName,
        errorText,
      }),
    });
    if (method === 'GET') return page();

    const viewState = form.get('__VIEWSTATE');
    if (viewState === null || viewState === '') {
      return aspNetError('The state information is invalid for this page and might be corrupted.', 'System.Web.HttpException');
    }
    if (viewState !== this.viewState) {
      return aspNetError('Validation of viewstate MAC failed.', 'System.Web.HttpException');
    }
    if (form.get('__EVENTVALIDATION') !== this.eventValidation) {
      return aspNetError('Invalid postback or callback argument.', 'System.ArgumentException');
    }
    // ASP.NET joins repeated fields with commas, which then fails as a user name or password.
    const userName = form.getAll('ctl00$ContentPlaceHolder1$UsernameTextBox').join(',');
    const password = form.getAll('ctl00$ContentPlaceHolder1$PasswordTextBox').join(',');
    // Without the button's name ASP.NET raises no click event: the page simply comes back.
    if (!form.has('ctl00$ContentPlaceHolder1$SubmitButton')) return page(userName);
    const user = this.findUser(userName);
    if (user?.locked) return page(userName, AdfsText.accountLocked);
    if (user === undefined || user.password !== password) return page(userName, AdfsText.badCredentialsAdfs2);
    if (user.passwordExpired) return page(userName, AdfsText.passwordExpired);
    return this.authenticated(user, returnUrl);
  }

  // ---------------------------------------------------------------- Keycloak-like generic IdP

  private keycloakAction(id: string): string {
    const s = this.keycloakSessions.get(id);
    const q = new URLSearchParams({
      session_code: s?.sessionCode ?? '',
      execution: s?.execution ?? '',
      client_id: AWS_RELYING_PARTY_ID,
      tab_id: s?.tabId ?? '',
    });
    return `${this.origin}${KEYCLOAK_AUTHENTICATE_PATH}?${q.toString()}`;
  }

  private keycloakStart(): Reply {
    const id = randomUUID();
    this.keycloakSessions.set(id, {
      tabId: randomBytes(8).toString('base64url'),
      execution: randomUUID(),
      sessionCode: randomBytes(32).toString('base64url'),
    });
    const attrs = `Path=/realms/${KEYCLOAK_REALM}/; HttpOnly${this.secure ? '; Secure' : ''}`;
    return {
      status: 200,
      cookies: [`AUTH_SESSION_ID=${id}.emulator; ${attrs}`, `KC_RESTART=${randomBytes(120).toString('base64url')}; ${attrs}`],
      body: renderKeycloakLoginPage({ action: this.keycloakAction(id), realm: KEYCLOAK_REALM }),
    };
  }

  private keycloakAuthenticate(url: URL, form: URLSearchParams, cookies: Map<string, string>): Reply {
    const id = (cookies.get('AUTH_SESSION_ID') ?? '').split('.')[0] ?? '';
    const session = this.keycloakSessions.get(id);
    if (session === undefined) {
      return { status: 400, body: renderKeycloakErrorPage({ realm: KEYCLOAK_REALM, message: AdfsText.keycloakCookieNotFound }) };
    }
    if (url.searchParams.get('tab_id') !== session.tabId) {
      return {
        status: 400,
        body: renderKeycloakErrorPage({ realm: KEYCLOAK_REALM, message: 'Your login attempt timed out. Login will start from the beginning.' }),
      };
    }
    // Keycloak takes the first value of a repeated field.
    const username = form.get('username') ?? '';
    const password = form.get('password') ?? '';
    const action = this.keycloakAction(id);
    const user = this.findUser(username);
    if (user === undefined || user.password !== password) {
      return {
        status: 200,
        body: renderKeycloakLoginPage({ action, realm: KEYCLOAK_REALM, username, errorText: AdfsText.keycloakBadCredentials }),
      };
    }
    if (user.locked) {
      return {
        status: 200,
        body: renderKeycloakLoginPage({ action, realm: KEYCLOAK_REALM, username, errorText: AdfsText.keycloakAccountDisabled }),
      };
    }
    if (user.passwordExpired) return { status: 200, body: renderKeycloakUpdatePasswordPage({ action, realm: KEYCLOAK_REALM }) };
    this.keycloakSessions.delete(id);
    return {
      status: 200,
      body: renderKeycloakSamlPostPage({ action: AWS_SIGNIN_URL, samlResponse: this.samlFor(user, AWS_RELYING_PARTY_ID, AWS_SIGNIN_URL) }),
    };
  }
}

function notFound(): Reply {
  return { status: 404, body: '<html><head><title>404 - File or directory not found.</title></head><body><h2>404 - File or directory not found.</h2></body></html>' };
}

function aspNetError(message: string, exceptionType: string): Reply {
  return { status: 500, body: renderAspNetServerErrorPage({ message, exceptionType }) };
}

/** The request's path and query, with the client-request-id AD FS adds to every form action. */
function withClientRequestId(url: URL): string {
  if (queryParam(url, 'client-request-id') !== undefined) return `${url.pathname}${url.search}`;
  const sep = url.search === '' ? '?' : '&';
  return `${url.pathname}${url.search}${sep}client-request-id=${randomUUID()}`;
}

/** Starts the emulator on 127.0.0.1 with an ephemeral port. */
export async function startAdfsEmulator(opts: AdfsEmulatorOptions): Promise<AdfsEmulator> {
  const signer = opts.signer ?? createSelfSignedIdentity('adfs.emulator');
  const emulator = new AdfsEmulatorServer(opts, signer);
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    void emulator.handle(req, res);
  };
  const server = await listenOnLoopback(listener, opts.https);
  emulator.origin = server.origin;
  return {
    origin: emulator.origin,
    entryUrl: emulator.entryUrl,
    signer,
    requests: emulator.requests,
    endSessions: () => emulator.endSessions(),
    close: () => server.close(),
  };
}
