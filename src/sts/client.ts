/**
 * The three STS calls awsfed makes, over @aws-sdk/client-sts (loaded lazily: it is the heaviest
 * dependency and commands such as `--help` never need it).
 *
 * - AssumeRoleWithSAML is unsigned: the SDK's auth scheme for it is smithy.api#noAuth, so no credential
 *   provider chain is consulted. We still pass a credentials provider that throws, so that a future SDK
 *   change could never make it read ~/.aws or the instance metadata service behind our back.
 * - AssumeRole and GetCallerIdentity are SigV4-signed with exactly the credentials given.
 * - The JS SDK ignores AWS_CA_BUNDLE, so a CA bundle is passed to the https.Agent explicitly.
 * - Retries: the SDK's standard mode retries throttling, 5xx and connection errors, never auth failures.
 * - Each call has a deadline over all its attempts (STS_TIMEOUT): the SDK's requestTimeout is a socket
 *   idle timeout, which an endpoint trickling one byte at a time resets forever (issue 6, item 7).
 */
import https from 'node:https';
import { Readable } from 'node:stream';
import { StsError } from '../errors.js';
import { trustedCas } from '../net-errors.js';
import { type ProxyConfig, proxyFor } from '../http/proxy.js';
import { failedOutcome, requestLine } from '../http/request-line.js';
import { stsEndpointUrl } from './endpoint.js';
import { mapStsError, type StsErrorContext, type StsOperation } from './errors.js';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export interface StsTarget {
  region: string;
  endpoint?: string;
  caBundlePem?: string;
  /** Per-attempt timeouts (default 10 s to connect, 30 s of silence on the socket). */
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Deadline for one call, all attempts and the whole answer included (default 60 s). */
  callTimeoutMs?: number;
  /** Total attempts including the first (default 3). */
  maxAttempts?: number;
  /** The proxies in force (src/http/proxy.ts); unset: direct (the Sts port fills it from the environment). */
  proxy?: ProxyConfig;
  /** Receives one line per HTTP attempt (method, host+path, status, operation) for --debug; never a body or header. */
  requestLog?: (line: string) => void;
}

export interface SamlCredentials extends AwsCredentials {
  assumedRoleArn: string;
  assumedRoleId?: string;
  subject?: string;
}

type StsModule = typeof import('@aws-sdk/client-sts');
type StsClientInstance = InstanceType<StsModule['STSClient']>;

function endpointLabel(target: StsTarget): string {
  return target.endpoint ? `STS at ${target.endpoint}` : `STS in ${target.region}`;
}

let sdkLoading: Promise<StsModule> | undefined;

/** The SDK, imported once per process (preloadSdk may have started it during the sign-in). */
async function loadSdk(): Promise<StsModule> {
  return (sdkLoading ??= import('@aws-sdk/client-sts'));
}

/**
 * Starts loading the SDK (the largest chunk a login loads, about 30 ms of compiling) without waiting:
 * a login calls it once its first IdP request is out, so the SDK loads while the IdP answers instead
 * of after it (issue 8, item 3). A failure is left to the call that needs the SDK.
 */
export function preloadSdk(): void {
  loadSdk().catch(() => undefined);
}

/** The URL STS is called at, for the proxy choice (NO_PROXY matches its host). */
function stsUrl(target: StsTarget): string {
  return stsEndpointUrl(target.region, target.endpoint);
}

/**
 * The SDK's agents: through the proxy when one is in force for the endpoint (its connection to the proxy
 * closed by the call's deadline), else a plain https.Agent carrying the CA bundle, else the SDK's own.
 */
async function requestAgents(target: StsTarget, signal: AbortSignal): Promise<{ httpAgent?: import('node:http').Agent; httpsAgent?: import('node:http').Agent }> {
  const ca = target.caBundlePem ? trustedCas(target.caBundlePem) : undefined;
  const choice = proxyFor(stsUrl(target), target.proxy);
  if (choice) {
    const { forwardAgent, tunnelAgent } = await import('../http/proxy-agents.js');
    return stsUrl(target).startsWith('https:')
      ? { httpsAgent: tunnelAgent(choice, { signal, keepAlive: true, ...(ca ? { ca } : {}) }) }
      : { httpAgent: forwardAgent(choice, { signal, keepAlive: true }) };
  }
  // `ca` replaces Node's roots: keep them, so that a corporate CA for the IdP (or a TLS-inspecting
  // proxy) does not break the path to the real, publicly trusted STS endpoint.
  return ca ? { httpsAgent: new https.Agent({ ca, keepAlive: true }) } : {};
}

async function createClient(target: StsTarget, credentials: AwsCredentials | 'none', signal: AbortSignal): Promise<{ sdk: StsModule; client: StsClientInstance }> {
  const [sdk, agents] = await Promise.all([loadSdk(), requestAgents(target, signal)]);
  const client = new sdk.STSClient({
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    maxAttempts: target.maxAttempts ?? 3,
    // Every setting the SDK would otherwise look up in AWS_* variables and ~/.aws/config (the user's
    // profile, read behind awsfed's back, with awsfed's own settings resolved in src/config/settings.ts):
    // given here, nothing is read, and the login saves the file reads before its STS call.
    retryMode: 'standard',
    defaultsMode: 'legacy',
    useFipsEndpoint: false,
    useDualstackEndpoint: false,
    userAgentAppId: async () => undefined,
    sigv4aSigningRegionSet: [],
    // The endpoint is ours (--sts-endpoint, AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL, in settings.ts) or STS's own.
    ignoreConfiguredEndpointUrls: true,
    disableClockSkewCorrection: false,
    // Pin the auth scheme so that an auth_scheme_preference in the user's config cannot make the SDK
    // sign AssumeRoleWithSAML (sigv4a) or skip signing the others.
    authSchemePreference: credentials === 'none' ? ['noAuth'] : ['sigv4'],
    credentials:
      credentials === 'none'
        ? async () => {
            throw new StsError('STS_UNEXPECTED_SIGNING', 'AssumeRoleWithSAML must not be signed, but the SDK asked for credentials');
          }
        : {
            accessKeyId: credentials.accessKeyId,
            secretAccessKey: credentials.secretAccessKey,
            sessionToken: credentials.sessionToken,
            expiration: credentials.expiration,
          },
    requestHandler: {
      connectionTimeout: target.connectTimeoutMs ?? 10_000,
      requestTimeout: target.requestTimeoutMs ?? 30_000,
      ...agents,
    },
  });
  limitResponseBody(client);
  return { sdk, client };
}

/** The credentials and assumed-role identity of an AssumeRole / AssumeRoleWithSAML answer, checked (see checkedCredentials). */
function sessionCredentials(
  out: { Credentials?: Parameters<typeof requireCredentials>[0]; AssumedRoleUser?: { Arn?: string; AssumedRoleId?: string } },
  roleArn: string,
  ctx: StsErrorContext,
  durationSeconds: number,
): SamlCredentials {
  const credentials = checkedCredentials(requireCredentials(out.Credentials, ctx), ctx, durationSeconds);
  const assumedRoleArn = out.AssumedRoleUser?.Arn ?? roleArn;
  if (!ARN.test(assumedRoleArn)) throw badAnswer(ctx, 'an assumed-role ARN that is not an ARN');
  const result: SamlCredentials = { ...credentials, assumedRoleArn };
  if (out.AssumedRoleUser?.AssumedRoleId) result.assumedRoleId = out.AssumedRoleUser.AssumedRoleId;
  return result;
}

function requireCredentials(
  c: { AccessKeyId?: string | undefined; SecretAccessKey?: string | undefined; SessionToken?: string | undefined; Expiration?: Date | undefined } | undefined,
  ctx: StsErrorContext,
): AwsCredentials {
  // AWS always sends all four: an answer without them is a proxy page or another service.
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) throw badAnswer(ctx, 'no complete credentials');
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
}

/** IAM: access key ids are 16..128 word characters; keys, tokens and ARNs are printable ASCII without spaces. */
const ACCESS_KEY_ID = /^\w{16,128}$/;
const PRINTABLE = /^[\x21-\x7e]+$/;
const ARN = /^arn:[\x21-\x7e]+$/;

/**
 * What STS answers is written into ~/.aws/credentials and trusted for freshness, so it is checked like
 * any other input: a line break from a broken or hostile endpoint must not reach the INI writer, and an
 * expiry claimed for year 9999 must not make the keys look valid forever (they would never be refreshed).
 * STS issues keys for the duration asked, so the expiry kept is at most now + that duration: with this
 * computer's clock behind, that is a little early, never late. An expiry already past is refused:
 * the keys would be useless, and the clock is the likely cause. Never quotes a value (they are secrets).
 */
function checkedCredentials(credentials: AwsCredentials, ctx: StsErrorContext, durationSeconds: number): AwsCredentials {
  if (!ACCESS_KEY_ID.test(credentials.accessKeyId)) throw badAnswer(ctx, 'an access key id that is not 16 to 128 letters and digits');
  if (!PRINTABLE.test(credentials.secretAccessKey)) throw badAnswer(ctx, 'a secret key with spaces or control characters');
  if (!PRINTABLE.test(credentials.sessionToken)) throw badAnswer(ctx, 'a session token with spaces or control characters');
  const now = Date.now();
  const expires = credentials.expiration.getTime();
  if (Number.isNaN(expires) || expires <= now) {
    throw new StsError('STS_BAD_RESPONSE', `${ctx.endpointLabel} answered ${ctx.operation} with credentials that have already expired`, {
      hint: "Check this computer's clock (the keys are timed by STS's clock), and that the STS endpoint (--sts-endpoint / AWS_ENDPOINT_URL_STS) is AWS STS",
    });
  }
  const latest = now + durationSeconds * 1000;
  return expires > latest ? { ...credentials, expiration: new Date(latest) } : credentials;
}

function badAnswer(ctx: StsErrorContext, what: string): StsError {
  return new StsError('STS_BAD_RESPONSE', `${ctx.endpointLabel} answered ${ctx.operation} with ${what}`, {
    hint: 'Check that the STS endpoint (--sts-endpoint / AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL) is AWS STS and not a proxy or another service',
  });
}

/**
 * Largest STS answer read. A real one is a few KiB (the session token is the largest part, under 2 KiB);
 * the SDK buffers the whole body before parsing it, so without a cap an endpoint could make it hold
 * gigabytes (1.5 GB took 5 s to end in "Cannot create a string longer than ..."; issue 6, item 8).
 */
export const MAX_STS_RESPONSE_BYTES = 1024 * 1024;

/** The stream error when the answer outgrows MAX_STS_RESPONSE_BYTES; found again on the SDK's error. */
class StsBodyTooLarge extends Error {
  constructor() {
    super(`STS answer larger than ${MAX_STS_RESPONSE_BYTES} bytes`);
    this.name = 'StsBodyTooLarge';
  }
}

/**
 * A deserialize-step middleware that runs just inside the SDK's own deserializer: the body it gets
 * back from the transport is replaced by one that counts the bytes and fails (closing the socket) past
 * the limit, before the deserializer collects it.
 */
function limitResponseBody(client: StsClientInstance): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args);
      const response = out.response as { body?: unknown };
      if (response && response.body instanceof Readable) response.body = limited(response.body);
      return out;
    },
    { step: 'deserialize', priority: 'low', name: 'awsfedResponseBodyLimit' },
  );
}

/**
 * The --debug request list (issue 8, item 3) names STS calls as the IdP client names its requests. In the
 * deserialize step, which runs once per attempt (inside the retry middleware), so a retry shows as a
 * second line. Method, host and path only: the query and body carry the assertion or a signature.
 */
function logAttempts(client: StsClientInstance, log: (line: string) => void, operation: StsOperation): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { method?: string; protocol?: string; hostname?: string; port?: number; path?: string };
      // requestLine keeps host and path only; the scheme just makes the parts a URL (a default port drops out).
      const url = `${request.protocol ?? 'https:'}//${request.hostname ?? 'unknown-host'}${request.port ? `:${request.port}` : ''}${request.path ?? '/'}`;
      const line = (outcome: string): string => requestLine({ method: request.method ?? 'POST', url, reason: `STS ${operation}` }, outcome);
      try {
        const out = await next(args);
        log(line(String((out.response as { statusCode?: number }).statusCode ?? '?')));
        return out;
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        log(line(status !== undefined ? String(status) : failedOutcome((error as { code?: string; name?: string }).code ?? (error as Error).name)));
        throw error;
      }
    },
    { step: 'deserialize', priority: 'high', name: 'awsfedRequestLog' },
  );
}

function limited(source: Readable): Readable {
  let size = 0;
  return Readable.from(
    (async function* () {
      try {
        for await (const chunk of source) {
          size += (chunk as Buffer).length;
          if (size > MAX_STS_RESPONSE_BYTES) throw new StsBodyTooLarge();
          yield chunk as Buffer;
        }
      } finally {
        if (!source.readableEnded) source.destroy();
      }
    })(),
    { objectMode: false },
  );
}

function isBodyTooLarge(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if (current instanceof StsBodyTooLarge) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

function tooLargeError(ctx: StsErrorContext): StsError {
  return new StsError('STS_BAD_RESPONSE', `${ctx.endpointLabel} sent more than ${MAX_STS_RESPONSE_BYTES} bytes in answer to ${ctx.operation}; an STS answer is a few KiB`, {
    hint: 'Check that the STS endpoint (--sts-endpoint / AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL) is AWS STS and not a download, a web page or a proxy',
  });
}

const DEFAULT_CALL_TIMEOUT_MS = 60_000;

/**
 * Creates the client, runs one call under its deadline, maps every failure (setup included) to an
 * StsError, destroys the client. The deadline's signal belongs to this call alone: calls running in
 * parallel (a chained refresh) never share a signal, so none collects listeners from the others.
 */
async function withClient<T>(
  ctx: StsErrorContext,
  target: StsTarget,
  auth: Parameters<typeof createClient>[1],
  call: (sdk: StsModule, client: StsClientInstance, options: { abortSignal: AbortSignal }) => Promise<T>,
): Promise<T> {
  const timeoutMs = target.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  const deadline = new AbortController();
  // Closes the connections to a proxy when the call ends, however it ends (keep-alive sockets included).
  const done = new AbortController();
  let setup: { sdk: StsModule; client: StsClientInstance };
  try {
    setup = await createClient(target, auth, AbortSignal.any([deadline.signal, done.signal]));
  } catch (error) {
    throw mapStsError(error, ctx);
  }
  if (target.requestLog) logAttempts(setup.client, target.requestLog, ctx.operation);
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  try {
    return await call(setup.sdk, setup.client, { abortSignal: deadline.signal });
  } catch (error) {
    if (deadline.signal.aborted) throw callTimeoutError(ctx, timeoutMs);
    if (isBodyTooLarge(error)) throw tooLargeError(ctx);
    throw mapStsError(error, ctx);
  } finally {
    clearTimeout(timer);
    setup.client.destroy();
    done.abort();
  }
}

function callTimeoutError(ctx: StsErrorContext, timeoutMs: number): StsError {
  const seconds = timeoutMs % 1000 === 0 ? `${timeoutMs / 1000} s` : `${(timeoutMs / 1000).toFixed(1)} s`;
  return new StsError('STS_TIMEOUT', `${ctx.endpointLabel} did not answer ${ctx.operation} within ${seconds}`, {
    hint: 'STS or the network is stalling: check the network, proxy settings and the STS endpoint (--sts-endpoint / AWS_ENDPOINT_URL_STS), then try again.',
    cause: Object.assign(new Error(`call deadline of ${timeoutMs} ms exceeded`), { code: 'ETIMEDOUT' }),
  });
}

export async function assumeRoleWithSaml(
  target: StsTarget,
  input: { roleArn: string; principalArn: string; samlAssertion: string; durationSeconds: number },
): Promise<SamlCredentials> {
  const ctx: StsErrorContext = {
    operation: 'AssumeRoleWithSAML',
    endpointLabel: endpointLabel(target),
    roleArn: input.roleArn,
    principalArn: input.principalArn,
    durationSeconds: input.durationSeconds,
    secrets: [input.samlAssertion],
  };
  return withClient(ctx, target, 'none', async (sdk, client, options) => {
    const out = await client.send(
      new sdk.AssumeRoleWithSAMLCommand({
        RoleArn: input.roleArn,
        PrincipalArn: input.principalArn,
        SAMLAssertion: input.samlAssertion,
        DurationSeconds: input.durationSeconds,
      }),
      options,
    );
    const result = sessionCredentials(out, input.roleArn, ctx, input.durationSeconds);
    if (out.Subject) result.subject = out.Subject;
    return result;
  });
}

export async function assumeRole(
  target: StsTarget,
  creds: AwsCredentials,
  input: { roleArn: string; roleSessionName: string; durationSeconds: number; externalId?: string },
): Promise<SamlCredentials> {
  const ctx: StsErrorContext = {
    operation: 'AssumeRole',
    endpointLabel: endpointLabel(target),
    roleArn: input.roleArn,
    durationSeconds: input.durationSeconds,
    secrets: [creds.secretAccessKey, creds.sessionToken],
  };
  return withClient(ctx, target, creds, async (sdk, client, options) => {
    const out = await client.send(
      new sdk.AssumeRoleCommand({
        RoleArn: input.roleArn,
        RoleSessionName: input.roleSessionName,
        DurationSeconds: input.durationSeconds,
        ...(input.externalId !== undefined ? { ExternalId: input.externalId } : {}),
      }),
      options,
    );
    return sessionCredentials(out, input.roleArn, ctx, input.durationSeconds);
  });
}

export async function getCallerIdentity(target: StsTarget, creds: AwsCredentials): Promise<{ account: string; arn: string; userId: string }> {
  const ctx: StsErrorContext = {
    operation: 'GetCallerIdentity',
    endpointLabel: endpointLabel(target),
    secrets: [creds.secretAccessKey, creds.sessionToken],
  };
  return withClient(ctx, target, creds, async (sdk, client, options) => {
    const out = await client.send(new sdk.GetCallerIdentityCommand({}), options);
    if (!out.Account || !out.Arn || !out.UserId) {
      throw new StsError('STS_ERROR', 'STS GetCallerIdentity answered without Account, Arn or UserId', {
        hint: 'This is unexpected from AWS; check the STS endpoint setting',
      });
    }
    return { account: out.Account, arn: out.Arn, userId: out.UserId };
  });
}
