/**
 * The AWS federation sign-in URLs (IAM User Guide, "Enable custom identity broker access to the AWS
 * console"): temporary credentials -> getSigninToken -> a login URL that opens the console. Pure.
 *
 *   https://SIGNIN/federation?Action=getSigninToken[&SessionDuration=N]&Session={"sessionId","sessionKey","sessionToken"}
 *   https://SIGNIN/federation?Action=login&Issuer=...&Destination=https://CONSOLE/...&SigninToken=...
 *
 * SessionDuration (900..43200 s) may be sent only for credentials from an AssumeRole* call made with
 * credentials that are not themselves a role session: the gateway's AssumeRoleWithSAML keys qualify,
 * a destination reached by role chaining does not, and the federation endpoint answers HTTP 400 when it
 * is sent anyway (aws-vault and others drop it for chained sessions for that reason). Without it, the
 * console session of a chained role lasts at most one hour.
 *
 * The Session value, the request URL and the sign-in token are secrets (the token opens the console for
 * 15 minutes): callers never log them.
 */
import { UsageError } from '../errors.js';
import { checkRegion } from '../identifiers/identifiers.js';
import type { Partition } from '../saml/types.js';

export interface PartitionHosts {
  signin: string;
  console: string;
}

/** Sign-in and console hosts per partition (aws, China, GovCloud (US)). */
export const PARTITION_HOSTS: Record<Partition, PartitionHosts> = {
  aws: { signin: 'signin.aws.amazon.com', console: 'console.aws.amazon.com' },
  'aws-cn': { signin: 'signin.amazonaws.cn', console: 'console.amazonaws.cn' },
  'aws-us-gov': { signin: 'signin.amazonaws-us-gov.com', console: 'console.amazonaws-us-gov.com' },
};

export const SESSION_DURATION_MIN = 900;
export const SESSION_DURATION_MAX = 43200;
/** A sign-in token is valid for 15 minutes after it is issued. */
export const SIGNIN_TOKEN_LIFETIME_SECONDS = 900;
export const DEFAULT_ISSUER = 'awsfed';

export interface FederationCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/**
 * The base of the federation endpoint: https://SIGNIN for the partition, or the override (tests,
 * private endpoints) without a trailing slash.
 */
export function signinBase(partition: Partition, override?: string): string {
  if (override !== undefined && override.trim() !== '') return override.trim().replace(/\/+$/, '');
  return `https://${PARTITION_HOSTS[partition].signin}`;
}

/** RFC 3986 query value encoding (encodeURIComponent leaves !'()* alone; AWS and browsers accept both). */
export function encodeQueryValue(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function sessionJson(creds: FederationCredentials): string {
  return JSON.stringify({ sessionId: creds.accessKeyId, sessionKey: creds.secretAccessKey, sessionToken: creds.sessionToken });
}

export function getSigninTokenUrl(base: string, creds: FederationCredentials, sessionDuration?: number): string {
  const duration = sessionDuration === undefined ? '' : `&SessionDuration=${sessionDuration}`;
  return `${base}/federation?Action=getSigninToken${duration}&Session=${encodeQueryValue(sessionJson(creds))}`;
}

export function loginUrl(base: string, opts: { destination: string; signinToken: string; issuer?: string }): string {
  return (
    `${base}/federation?Action=login&Issuer=${encodeQueryValue(opts.issuer ?? DEFAULT_ISSUER)}` +
    `&Destination=${encodeQueryValue(opts.destination)}&SigninToken=${encodeQueryValue(opts.signinToken)}`
  );
}

const SERVICE = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Where the console opens: a full https URL as given; a service name ("s3", "cloudwatch") as
 * https://CONSOLE/SERVICE/home?region=R; nothing as https://CONSOLE/console/home?region=R, or
 * https://CONSOLE/ when no region is known.
 */
export function consoleDestination(partition: Partition, opts: { region?: string; destination?: string } = {}): string {
  const host = PARTITION_HOSTS[partition].console;
  const region = opts.region?.trim() || undefined;
  if (region !== undefined) checkRegion(region, 'the console region');
  const query = region === undefined ? '' : `?region=${region}`;
  const dest = opts.destination?.trim();
  if (dest === undefined || dest === '') return region === undefined ? `https://${host}/` : `https://${host}/console/home${query}`;
  if (/^[a-z][a-z0-9+.-]*:/i.test(dest)) {
    let url: URL;
    try {
      url = new URL(dest);
    } catch {
      url = new URL('invalid:');
    }
    if (url.protocol !== 'https:') {
      throw new UsageError('CONSOLE_BAD_DESTINATION', `--destination "${dest}" is not an https URL`, {
        hint: `Give a console URL such as https://${host}/s3/home, or a service name such as s3.`,
      });
    }
    return dest;
  }
  if (!SERVICE.test(dest)) {
    throw new UsageError('CONSOLE_BAD_DESTINATION', `--destination "${dest}" is neither an https URL nor a console service name`, {
      hint: 'Use a service name as it appears in console URLs (s3, ec2, cloudwatch, iam) or a full https:// console URL.',
    });
  }
  return `https://${host}/${dest}/home${query}`;
}

export interface SessionDurationChoice {
  /** Undefined: do not send SessionDuration. */
  sessionDuration?: number;
  /** A sentence for stderr when the request could not be honoured as given. */
  note?: string;
}

/**
 * SessionDuration for getSigninToken. Chained credentials: never (AWS answers 400). Otherwise the
 * requested value (900..43200), or by default the credentials' remaining lifetime within that range.
 */
export function chooseSessionDuration(opts: {
  chained: boolean;
  requested?: number;
  expiration: Date;
  now: Date;
  profile: string;
}): SessionDurationChoice {
  if (opts.chained) {
    return opts.requested === undefined
      ? {}
      : {
          note: `--duration is ignored for ${opts.profile}: its credentials come from role chaining, for which AWS rejects SessionDuration; the console session lasts at most 1 hour.`,
        };
  }
  if (opts.requested !== undefined) {
    if (!Number.isInteger(opts.requested) || opts.requested < SESSION_DURATION_MIN || opts.requested > SESSION_DURATION_MAX) {
      throw new UsageError('CONSOLE_BAD_DURATION', `--duration ${opts.requested} is outside the console's 900..43200 seconds`, {
        hint: 'Give 900 (15 minutes) to 43200 (12 hours) seconds, or 15m..12h.',
      });
    }
    return { sessionDuration: opts.requested };
  }
  const remaining = Math.floor((opts.expiration.getTime() - opts.now.getTime()) / 1000);
  return { sessionDuration: Math.min(SESSION_DURATION_MAX, Math.max(SESSION_DURATION_MIN, remaining)) };
}
