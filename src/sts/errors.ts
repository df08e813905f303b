/**
 * Turns whatever @aws-sdk/client-sts throws into an StsError with a stable code, a one-line message that
 * quotes the service (AWS itself names ARNs and limits, never keys or assertions; an echoing proxy or
 * endpoint might, so the request's secrets are redacted and control characters dropped) and a hint that
 * says what to do next. A redacted copy of the SDK error (name and message) is the `cause`, for --debug.
 */
import { StsError } from '../errors.js';
import { describeProxyFailure, proxyFailureOf } from '../http/proxy.js';
import { errorCode, isTlsErrorCode, isUnreachableCode } from '../net-errors.js';
import { redactValues } from '../redact.js';

export type StsOperation = 'AssumeRoleWithSAML' | 'AssumeRole' | 'GetCallerIdentity';

export interface StsErrorContext {
  operation: StsOperation;
  /** Where the request went: the explicit endpoint, or "STS in REGION". */
  endpointLabel: string;
  roleArn?: string;
  principalArn?: string;
  durationSeconds?: number;
  /** What the request carried that must never be quoted back (SAML assertion, secret key, session token). */
  secrets?: readonly string[];
}

interface SdkErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  Code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The AWS error code, only when STS actually answered: the SDK sets `name` to the modelled exception
 * name or to the wire code. Network errors also carry `$metadata` (attempt counts) but no HTTP status.
 */
function awsCode(err: SdkErrorLike): string | undefined {
  const answered = typeof err.$metadata?.httpStatusCode === 'number' || err.$fault === 'client' || err.$fault === 'server';
  return answered ? (str(err.Code) ?? str(err.name)) : undefined;
}

/** Keeps one line of printable text and a sane length, whatever the service sends. */
function oneLine(message: string): string {
  const flat = message.replace(/[\p{Cc}\p{Cf}\s]+/gu, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
}

const MIN_SECRET_LENGTH = 8;

/**
 * The service's message, quoted. An echoing proxy or endpoint can put the request into it, so the
 * request's secrets are redacted before the message is cut to length.
 */
function quote(message: string | undefined, secrets: readonly string[] | undefined): string {
  return message ? `: ${oneLine(redactSecrets(message, secrets))}` : '';
}

function redactSecrets(text: string, secrets: readonly string[] | undefined): string {
  // The request body is form-encoded: an echo carries the base64 assertion with + / = percent-encoded.
  // Real keys, tokens and assertions are long; a short value (a test's "token") would only mangle
  // AWS's own words ("The security token included in the request is invalid").
  const forms = (secrets ?? []).filter((secret) => secret.length >= MIN_SECRET_LENGTH).flatMap((secret) => [secret, encodeURIComponent(secret)]);
  return redactValues(text, forms);
}

/**
 * The cause kept for --debug: the SDK error's name and redacted message only. The SDK error itself
 * can carry the service's unredacted message and response details.
 */
function safeCause(err: SdkErrorLike & { name?: unknown }, ctx: StsErrorContext): Error {
  const cause = new Error(redactSecrets(str(err.message) ?? 'unknown error', ctx.secrets));
  cause.name = typeof err.name === 'string' ? err.name : 'Error';
  return cause;
}

export function mapStsError(error: unknown, ctx: StsErrorContext): StsError {
  if (error instanceof StsError) return error;
  const proxyFailure = proxyFailureOf(error);
  if (proxyFailure) {
    const { message, hint } = describeProxyFailure(proxyFailure);
    return new StsError('STS_PROXY', `${message}, on the way to ${ctx.endpointLabel}`, { hint, cause: new Error(proxyFailure.message) });
  }
  const err = (error && typeof error === 'object' ? error : {}) as SdkErrorLike;
  const message = str(err.message);
  const code = awsCode(err);
  const cause = safeCause(err, ctx);
  const op = ctx.operation;
  const role = ctx.roleArn ? ` for ${ctx.roleArn}` : '';

  // An answer that is not an STS XML document (an HTML error page from a proxy, a wrong endpoint, a
  // crashing emulator such as moto on a multi-role assertion): the SDK then names the error "Unknown"
  // or throws a deserialization error addressed to SDK developers. Say what happened instead.
  const status = err.$metadata?.httpStatusCode;
  if (code !== undefined && (code === 'Unknown' || (message !== undefined && /Deserialization error/i.test(message)))) {
    return new StsError(
      'STS_BAD_RESPONSE',
      `${ctx.endpointLabel} answered ${op}${typeof status === 'number' ? ` with HTTP ${status}` : ''} but not with an STS response`,
      {
        cause,
        hint: 'Check that the STS endpoint (--sts-endpoint / AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL) is AWS STS and not a web page or proxy; --debug shows the SDK error',
      },
    );
  }

  if (code) {
    const aws = `STS ${op} failed${role} (${code})${quote(message, ctx.secrets)}`;
    switch (code) {
      case 'AccessDenied':
      case 'AccessDeniedException':
        return new StsError('STS_ACCESS_DENIED', aws, {
          cause,
          hint:
            op === 'AssumeRoleWithSAML'
              ? `Check that the role trusts the SAML provider ${ctx.principalArn ?? 'ARN'} (sts:AssumeRoleWithSAML) and that the provider's metadata in IAM is current`
              : 'Check the target role\'s trust policy allows the source role (and the external ID, if one is required)',
        });
      case 'InvalidIdentityToken':
      case 'InvalidIdentityTokenException':
        return new StsError('STS_INVALID_IDENTITY_TOKEN', aws, {
          cause,
          hint: 'AWS could not validate the SAML assertion: check that the IAM SAML provider has the IdP\'s current token-signing certificate (re-upload the federation metadata after a certificate rollover)',
        });
      case 'ExpiredTokenException':
        return new StsError('STS_EXPIRED_ASSERTION', aws, {
          cause,
          hint: 'The SAML assertion must be used within 5 minutes of issuance; run the login again (and check this computer\'s clock)',
        });
      case 'ExpiredToken':
        return new StsError('STS_EXPIRED_CREDENTIALS', aws, {
          cause,
          hint: 'The source credentials have expired; run the login again',
        });
      case 'InvalidClientTokenId':
      case 'SignatureDoesNotMatch':
      case 'MissingAuthenticationToken':
        return new StsError('STS_INVALID_CREDENTIALS', aws, {
          cause,
          hint: 'The source credentials were rejected; run the login again to get fresh ones',
        });
      case 'IDPRejectedClaim':
      case 'IDPRejectedClaimException':
        return new StsError('STS_IDP_REJECTED_CLAIM', aws, {
          cause,
          hint: 'AWS rejected a claim in the SAML assertion; check the claim rules of the AWS relying party in AD FS',
        });
      case 'RegionDisabledException':
        return new StsError('STS_REGION_DISABLED', aws, {
          cause,
          hint: 'Enable STS in that region for the account (IAM > Account settings) or use --region us-east-1',
        });
      case 'ValidationError':
        if (message && /DurationSeconds exceeds/i.test(message)) {
          const chaining = /chaining/i.test(message);
          return new StsError('STS_DURATION_TOO_LONG', aws, {
            cause,
            hint: chaining
              ? 'A role assumed with other role credentials is limited to 1 hour: use --duration 3600 or less for chained profiles'
              : 'Use --duration 3600 (or a lower value) or raise the role\'s MaxSessionDuration in IAM',
          });
        }
        return new StsError('STS_VALIDATION', aws, {
          cause,
          hint: 'Check the role ARN, principal ARN, session name and --duration (900 to 43200 seconds)',
        });
      case 'Throttling':
      case 'ThrottlingException':
      case 'RequestLimitExceeded':
        return new StsError('STS_THROTTLED', aws, { cause, hint: 'STS is throttling requests; wait a moment and try again' });
      default:
        return new StsError('STS_ERROR', aws, {
          cause,
          hint: 'See the AWS error above; run with --debug for details',
        });
    }
  }

  const errno = errorCode(error);
  if (isTlsErrorCode(errno)) {
    return new StsError('STS_TLS', `Cannot verify the TLS certificate of ${ctx.endpointLabel} (${errno})`, {
      cause,
      hint: 'If a proxy or private endpoint uses an internal CA, pass it with --ca-bundle (or AWS_CA_BUNDLE)',
    });
  }
  if (isUnreachableCode(errno) || str(err.name) === 'TimeoutError' || str(err.name) === 'AbortError') {
    return new StsError('STS_UNREACHABLE', `Cannot reach ${ctx.endpointLabel}${errno ? ` (${errno})` : ''}`, {
      cause,
      hint: 'Check the network, proxy settings and the STS endpoint (--sts-endpoint / AWS_ENDPOINT_URL_STS)',
    });
  }
  return new StsError('STS_ERROR', `STS ${op} failed${role}${quote(message, ctx.secrets)}`, {
    cause,
    hint: 'Run with --debug for details',
  });
}
