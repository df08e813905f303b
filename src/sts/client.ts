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
import { StsError } from '../errors.js';
import { trustedCas } from '../net-errors.js';
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

async function loadSdk(): Promise<StsModule> {
  return import('@aws-sdk/client-sts');
}

async function createClient(target: StsTarget, credentials: AwsCredentials | 'none'): Promise<{ sdk: StsModule; client: StsClientInstance }> {
  const sdk = await loadSdk();
  const client = new sdk.STSClient({
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    maxAttempts: target.maxAttempts ?? 3,
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
      // `ca` replaces Node's roots: keep them, so that a corporate CA for the IdP (or a TLS-inspecting
      // proxy) does not break the path to the real, publicly trusted STS endpoint.
      ...(target.caBundlePem ? { httpsAgent: new https.Agent({ ca: trustedCas(target.caBundlePem), keepAlive: true }) } : {}),
    },
  });
  return { sdk, client };
}

/** The credentials and assumed-role identity of an AssumeRole / AssumeRoleWithSAML answer. */
function sessionCredentials(
  out: { Credentials?: Parameters<typeof requireCredentials>[0]; AssumedRoleUser?: { Arn?: string; AssumedRoleId?: string } },
  roleArn: string,
  operation: StsOperation,
): SamlCredentials {
  const result: SamlCredentials = { ...requireCredentials(out.Credentials, operation), assumedRoleArn: out.AssumedRoleUser?.Arn ?? roleArn };
  if (out.AssumedRoleUser?.AssumedRoleId) result.assumedRoleId = out.AssumedRoleUser.AssumedRoleId;
  return result;
}

function requireCredentials(
  c: { AccessKeyId?: string | undefined; SecretAccessKey?: string | undefined; SessionToken?: string | undefined; Expiration?: Date | undefined } | undefined,
  operation: StsOperation,
): AwsCredentials {
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
    throw new StsError('STS_ERROR', `STS ${operation} answered without complete credentials`, {
      hint: 'This is unexpected from AWS; check the STS endpoint setting',
    });
  }
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
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
  let setup: { sdk: StsModule; client: StsClientInstance };
  try {
    setup = await createClient(target, auth);
  } catch (error) {
    throw mapStsError(error, ctx);
  }
  const timeoutMs = target.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  try {
    return await call(setup.sdk, setup.client, { abortSignal: deadline.signal });
  } catch (error) {
    if (deadline.signal.aborted) throw callTimeoutError(ctx, timeoutMs);
    throw mapStsError(error, ctx);
  } finally {
    clearTimeout(timer);
    setup.client.destroy();
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
    const result = sessionCredentials(out, input.roleArn, ctx.operation);
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
    return sessionCredentials(out, input.roleArn, ctx.operation);
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
