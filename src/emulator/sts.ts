/**
 * A loopback AWS STS that speaks the Query protocol the JS SDK uses (POST form body, Action=...,
 * Version=2011-06-15, XML answers in the https://sts.amazonaws.com/doc/2011-06-15/ namespace).
 * It implements AssumeRoleWithSAML, AssumeRole and GetCallerIdentity with the checks that matter to
 * awsfed: the SAML signature against the registered provider certificate, the role/provider pair in the
 * assertion, the 5-minute redemption window, session duration limits (role maximum, role chaining),
 * SigV4 on signed calls and the expiry of the credentials it issued. Error codes, HTTP statuses and
 * messages follow AWS where AWS documents them; the few messages AWS does not document are marked.
 *
 * It never prints anything: every call is recorded in `calls`, with the value of every parameter whose
 * name says it is secret (SAMLAssertion, TokenCode, WebIdentityToken, X-Amz-Signature, ...) redacted.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type http from 'node:http';
import { listenOnLoopback, readBody, requestUrl, RequestBodyTooLarge } from './loopback-server.js';
import type { KeyPair } from './certs.js';
import { AssertionRejected, verifySamlAssertion, type VerifiedAssertion } from './sts-saml.js';
import {
  assumeRoleWithSamlXml,
  assumeRoleXml,
  errorXml,
  getCallerIdentityXml,
  type IssuedCredentialsXml,
} from './sts-responses.js';
import { parseAuthorization, verifySigV4, type ParsedAuthorization } from './sts-sigv4.js';

export interface StsEmulatorRole {
  roleArn: string;
  /** Default 3600, like IAM's default MaxSessionDuration. */
  maxSessionDuration?: number;
  /** Provider ARNs (for SAML) or role ARNs (for AssumeRole) the trust policy allows; default any. */
  trustedPrincipals?: string[];
  /** When set, AssumeRole must pass this ExternalId (sts:ExternalId condition). */
  externalId?: string;
}

export interface StsEmulatorProvider {
  principalArn: string;
  certPem: string;
  /** When set, the assertion's Issuer must equal it (the entityID in the provider's metadata). */
  issuer?: string;
}

export interface StsEmulatorOptions {
  providers: StsEmulatorProvider[];
  roles: StsEmulatorRole[];
  clock?: () => Date;
  latencyMs?: number;
  https?: KeyPair;
  /**
   * Reject AssumeRoleWithSAML when DurationSeconds exceeds the assertion's SessionDuration attribute.
   * Default true. Real AWS documents that attribute for console sessions only and limits the API session
   * by SessionNotOnOrAfter; the emulator is stricter so that callers learn to honour the IdP's limit.
   */
  enforceAssertionSessionDuration?: boolean;
  /** Answer the first N calls with Throttling (HTTP 400), to exercise client retries. */
  throttleFirst?: number;
  /** Check SigV4 signatures cryptographically (default true); the access key must be one this emulator issued. */
  verifySignatures?: boolean;
}

export interface StsCall {
  action: string;
  params: Record<string, string>;
  status: number;
  errorCode?: string;
  at: Date;
  /** Whether the request carried a SigV4 Authorization header (AssumeRoleWithSAML never should). */
  signed?: boolean;
  /** The access key id a signed call was made with (an id, not a secret): which credentials the caller used. */
  accessKeyId?: string;
}

/** What the emulator knows about credentials it issued (for the sign-in emulator's getSigninToken check). */
export interface IssuedSession {
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  assumedRoleArn: string;
  /** True for AssumeRole (every one is role chaining here), false for AssumeRoleWithSAML. */
  chained: boolean;
}

export interface StsEmulator {
  url: string;
  calls: StsCall[];
  /** The session behind an access key this emulator issued, or undefined. */
  issued(accessKeyId: string): IssuedSession | undefined;
  close(): Promise<void>;
}

interface Session {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  roleArn: string;
  roleSessionName: string;
  account: string;
  assumedRoleArn: string;
  assumedRoleId: string;
  chained: boolean;
}

class StsFault extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
  }
}

const MAX_BODY_BYTES = 1024 * 1024;
const SAML_REDEMPTION_WINDOW_MS = 5 * 60 * 1000;
const CHAINING_LIMIT_SECONDS = 3600;
const SESSION_NAME_RE = /^[\w+=,.@-]{2,64}$/;
const REDACTED = '[REDACTED]';
/** Parameter names whose values are never recorded: assertions, tokens, presigned-URL signatures and credentials. */
const SECRET_PARAM = /Assertion|Token|Signature|Credential|Secret|Password/i;

/** The parameters as recorded in `calls`: secret-named ones replaced by '[REDACTED]'. */
export function redactParams(params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) out[k] = SECRET_PARAM.test(k) ? REDACTED : v;
  return out;
}

const accessDeniedSaml = (): StsFault => new StsFault(403, 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithSAML');
const invalidToken = (): StsFault =>
  new StsFault(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');

function required(params: Record<string, string>, name: string, member: string): string {
  const v = params[name];
  if (v === undefined || v === '') {
    throw new StsFault(400, 'ValidationError', `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  }
  return v;
}

/** DurationSeconds parsed and checked against the API's own 900..43200 range (default 3600). */
function durationSeconds(params: Record<string, string>): number {
  const raw = params['DurationSeconds'];
  if (raw === undefined) return 3600;
  const n = Number(raw);
  if (!Number.isInteger(n)) {
    throw new StsFault(400, 'ValidationError', `1 validation error detected: Value '${raw}' at 'durationSeconds' failed to satisfy constraint: Member must be an integer`);
  }
  if (n < 900) {
    throw new StsFault(400, 'ValidationError', `1 validation error detected: Value '${n}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`);
  }
  if (n > 43200) {
    throw new StsFault(400, 'ValidationError', `1 validation error detected: Value '${n}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200`);
  }
  return n;
}

function arnParts(roleArn: string): { partition: string; account: string; roleName: string } | undefined {
  const m = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/(?:[^,]*\/)?([\w+=,.@-]+)$/.exec(roleArn);
  if (!m || !m[1] || !m[2] || !m[3]) return undefined;
  return { partition: m[1], account: m[2], roleName: m[3] };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Uppercase base32-style characters from bytes: stable for ids derived from a hash, random otherwise. */
function upperAlnum(bytes: Buffer, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALNUM[(bytes[i % bytes.length] ?? 0) % 32];
  return out;
}

/** IAM role ids look like AROA + 17 characters; derived from the ARN so that they are stable. */
function roleId(roleArn: string): string {
  return `AROA${upperAlnum(createHash('sha256').update(roleArn).digest(), 17)}`;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function subjectType(format: string | undefined): string {
  if (!format) return 'unspecified';
  const m = /:nameid-format:(persistent|transient)$/.exec(format);
  return m?.[1] ?? format;
}

export async function startStsEmulator(opts: StsEmulatorOptions): Promise<StsEmulator> {
  const clock = opts.clock ?? (() => new Date());
  const calls: StsCall[] = [];
  const sessions = new Map<string, Session>();
  const roles = new Map(opts.roles.map((r) => [r.roleArn, r]));
  const providers = new Map(opts.providers.map((p) => [p.principalArn, p]));
  const enforceSessionDurationAttribute = opts.enforceAssertionSessionDuration ?? true;
  const verifySignatures = opts.verifySignatures ?? true;
  let throttleLeft = opts.throttleFirst ?? 0;
  // close() cancels answers still held back by latencyMs instead of leaving their timers running. One
  // set of timers, not a listener per held answer on one shared AbortSignal: with more than 10 answers
  // held at once (a concurrent refresh) that signal tripped Node's MaxListenersExceededWarning.
  const held = new Set<{ timer: ReturnType<typeof setTimeout>; drop: () => void }>();
  const holdBack = (ms: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const entry = {
        timer: setTimeout(() => {
          held.delete(entry);
          resolve();
        }, ms),
        drop: () => {
          clearTimeout(entry.timer);
          reject(new Error('STS emulator closed'));
        },
      };
      held.add(entry);
    });

  function issueSession(roleArn: string, roleSessionName: string, seconds: number, now: Date, notAfter?: Date, chained = false): Session {
    const parts = arnParts(roleArn);
    if (!parts) throw new StsFault(400, 'ValidationError', `Invalid ARN: ${roleArn}`);
    let expiration = new Date(now.getTime() + seconds * 1000);
    if (notAfter && notAfter < expiration) expiration = notAfter;
    const session: Session = {
      accessKeyId: `ASIA${upperAlnum(randomBytes(16), 16)}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `FwoGZXIvYXdzE${randomBytes(240).toString('base64')}`,
      expiration,
      roleArn,
      roleSessionName,
      account: parts.account,
      assumedRoleArn: `arn:${parts.partition}:sts::${parts.account}:assumed-role/${parts.roleName}/${roleSessionName}`,
      assumedRoleId: `${roleId(roleArn)}:${roleSessionName}`,
      chained,
    };
    sessions.set(session.accessKeyId, session);
    return session;
  }

  function creds(s: Session): IssuedCredentialsXml {
    return { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey, sessionToken: s.sessionToken, expiration: s.expiration };
  }

  function checkRoleMax(role: StsEmulatorRole, seconds: number): void {
    if (seconds > (role.maxSessionDuration ?? 3600)) {
      throw new StsFault(400, 'ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    }
  }

  function assumeRoleWithSaml(params: Record<string, string>, requestId: string): string {
    const roleArn = required(params, 'RoleArn', 'roleArn');
    const principalArn = required(params, 'PrincipalArn', 'principalArn');
    const samlAssertion = required(params, 'SAMLAssertion', 'sAMLAssertion');
    if (samlAssertion.length > 100000) {
      throw new StsFault(400, 'ValidationError', "1 validation error detected: Value at 'sAMLAssertion' failed to satisfy constraint: Member must have length less than or equal to 100000");
    }
    const seconds = durationSeconds(params);
    const now = clock();

    const provider = providers.get(principalArn);
    // Not an AWS-documented message: AWS answers an unknown provider with InvalidIdentityToken.
    if (!provider) throw new StsFault(400, 'InvalidIdentityToken', "Specified provider doesn't exist");

    let assertion: VerifiedAssertion;
    try {
      assertion = verifySamlAssertion(samlAssertion, provider.certPem);
    } catch (error) {
      if (error instanceof AssertionRejected && error.reason === 'signature') {
        throw new StsFault(400, 'InvalidIdentityToken', 'Response signature invalid');
      }
      throw new StsFault(400, 'InvalidIdentityToken', 'Invalid SAML response');
    }
    if (provider.issuer !== undefined && assertion.issuer !== provider.issuer) {
      throw new StsFault(400, 'InvalidIdentityToken', 'Issuer not present in specified provider');
    }
    if (assertion.audiences.length > 0 && !assertion.audiences.includes('urn:amazon:webservices')) {
      throw new StsFault(400, 'InvalidIdentityToken', 'Audience in the SAML assertion does not include urn:amazon:webservices');
    }
    const tooOld = assertion.issueInstant !== undefined && now.getTime() - assertion.issueInstant.getTime() > SAML_REDEMPTION_WINDOW_MS;
    const expired = assertion.notOnOrAfter !== undefined && now.getTime() >= assertion.notOnOrAfter.getTime();
    if (tooOld || expired) {
      // The wording AWS uses, quoted in many SAML tools' bug reports.
      throw new StsFault(400, 'ExpiredTokenException', 'Token must be redeemed within 5 minutes of issuance');
    }
    if (assertion.notBefore !== undefined && assertion.notBefore.getTime() - now.getTime() > SAML_REDEMPTION_WINDOW_MS) {
      throw new StsFault(400, 'InvalidIdentityToken', 'SAML assertion is not yet valid');
    }
    if (!assertion.roles.some((r) => r.roleArn === roleArn && r.principalArn === principalArn)) throw accessDeniedSaml();
    const role = roles.get(roleArn);
    if (!role) throw accessDeniedSaml();
    if (role.trustedPrincipals && !role.trustedPrincipals.includes(principalArn)) throw accessDeniedSaml();
    const sessionName = assertion.roleSessionName;
    if (sessionName === undefined) {
      throw new StsFault(400, 'InvalidIdentityToken', 'SAML assertion does not contain a RoleSessionName attribute');
    }
    if (!SESSION_NAME_RE.test(sessionName)) {
      throw new StsFault(400, 'InvalidIdentityToken', 'RoleSessionName in the SAML assertion is not valid');
    }
    checkRoleMax(role, seconds);
    if (enforceSessionDurationAttribute && assertion.sessionDuration !== undefined && seconds > assertion.sessionDuration) {
      // Emulator-only rule (see enforceAssertionSessionDuration), worded like the MaxSessionDuration one.
      throw new StsFault(400, 'ValidationError', 'The requested DurationSeconds exceeds the SessionDuration set in the SAML assertion.');
    }

    const session = issueSession(roleArn, sessionName, seconds, now, assertion.sessionNotOnOrAfter);
    const issuer = assertion.issuer ?? '';
    const providerName = principalArn.slice(principalArn.indexOf('saml-provider/') + 'saml-provider/'.length);
    return assumeRoleWithSamlXml(
      {
        credentials: creds(session),
        assumedRoleId: session.assumedRoleId,
        arn: session.assumedRoleArn,
        subject: assertion.nameId ?? '',
        subjectType: subjectType(assertion.nameIdFormat),
        issuer,
        audience: assertion.recipient ?? 'https://signin.aws.amazon.com/saml',
        // As documented: Base64(SHA1(Issuer + AccountID + "/" + ProviderName)).
        nameQualifier: createHash('sha1').update(`${issuer}${session.account}/${providerName}`).digest('base64'),
      },
      requestId,
    );
  }

  function caller(req: http.IncomingMessage, auth: ParsedAuthorization | undefined, body: Buffer): Session {
    if (!auth) {
      throw new StsFault(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
    }
    const session = sessions.get(auth.accessKeyId);
    if (!session) throw invalidToken();
    if (req.headers['x-amz-security-token'] !== session.sessionToken) throw invalidToken();
    if (
      verifySignatures &&
      !verifySigV4(auth, { method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body }, session.secretAccessKey)
    ) {
      throw new StsFault(
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      );
    }
    if (clock().getTime() >= session.expiration.getTime()) {
      throw new StsFault(403, 'ExpiredToken', 'The security token included in the request is expired');
    }
    return session;
  }

  function assumeRole(params: Record<string, string>, source: Session, requestId: string): string {
    const roleArn = required(params, 'RoleArn', 'roleArn');
    const sessionName = required(params, 'RoleSessionName', 'roleSessionName');
    if (!SESSION_NAME_RE.test(sessionName)) {
      throw new StsFault(400, 'ValidationError', `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
    }
    const seconds = durationSeconds(params);
    const denied = (): StsFault =>
      new StsFault(403, 'AccessDenied', `User: ${source.assumedRoleArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
    const role = roles.get(roleArn);
    if (!role) throw denied();
    if (role.trustedPrincipals && !role.trustedPrincipals.includes(source.roleArn)) throw denied();
    if (role.externalId !== undefined && params['ExternalId'] !== role.externalId) throw denied();
    // Every emulator credential is a role session, so every AssumeRole here is role chaining.
    if (seconds > CHAINING_LIMIT_SECONDS) {
      throw new StsFault(400, 'ValidationError', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    }
    checkRoleMax(role, seconds);
    const session = issueSession(roleArn, sessionName, seconds, clock(), undefined, true);
    return assumeRoleXml({ credentials: creds(session), assumedRoleId: session.assumedRoleId, arn: session.assumedRoleArn }, requestId);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const at = clock();
    let body: Buffer;
    try {
      body = await readBody(req, MAX_BODY_BYTES);
    } catch (error) {
      if (!(error instanceof RequestBodyTooLarge)) throw error;
      res.writeHead(413, { connection: 'close' }).end();
      return;
    }
    const auth = parseAuthorization(firstHeader(req.headers['authorization']));
    const params: Record<string, string> = {};
    const url = requestUrl(req.url);
    for (const [k, v] of url.searchParams) params[k] = v;
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params[k] = v;
    const action = params['Action'] ?? '';

    let status = 200;
    let errorCode: string | undefined;
    let xml: string;
    try {
      if (throttleLeft > 0) {
        throttleLeft--;
        throw new StsFault(400, 'Throttling', 'Rate exceeded');
      }
      if (params['Version'] !== '2011-06-15') {
        throw new StsFault(400, 'InvalidAction', `Could not find operation ${action} for version ${params['Version'] ?? 'NO_VERSION_SPECIFIED'}`);
      }
      switch (action) {
        case 'AssumeRoleWithSAML':
          xml = assumeRoleWithSaml(params, requestId);
          break;
        case 'AssumeRole':
          xml = assumeRole(params, caller(req, auth, body), requestId);
          break;
        case 'GetCallerIdentity': {
          const s = caller(req, auth, body);
          xml = getCallerIdentityXml({ arn: s.assumedRoleArn, userId: s.assumedRoleId, account: s.account }, requestId);
          break;
        }
        default:
          throw new StsFault(400, 'InvalidAction', `Could not find operation ${action} for version 2011-06-15`);
      }
    } catch (error) {
      const fault =
        error instanceof StsFault ? error : new StsFault(500, 'InternalFailure', 'The request processing has failed because of an unknown error.', 'Receiver');
      status = fault.status;
      errorCode = fault.code;
      xml = errorXml({ type: fault.type, code: fault.code, message: fault.message }, requestId);
    }

    const call: StsCall = { action, params: redactParams(params), status, at, signed: req.headers['authorization'] !== undefined };
    if (errorCode !== undefined) call.errorCode = errorCode;
    if (auth !== undefined) call.accessKeyId = auth.accessKeyId;
    calls.push(call);

    if (opts.latencyMs) await holdBack(opts.latencyMs);
    res.writeHead(status, {
      'content-type': 'text/xml',
      'content-length': Buffer.byteLength(xml),
      'x-amzn-requestid': requestId,
    });
    res.end(xml);
  }

  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  };
  const server = await listenOnLoopback(listener, opts.https);

  return {
    url: server.origin,
    calls,
    issued: (accessKeyId) => {
      const s = sessions.get(accessKeyId);
      return s && { secretAccessKey: s.secretAccessKey, sessionToken: s.sessionToken, expiration: s.expiration, assumedRoleArn: s.assumedRoleArn, chained: s.chained };
    },
    close: () => {
      for (const entry of held) entry.drop();
      held.clear();
      return server.close();
    },
  };
}
