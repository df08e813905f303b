/**
 * The cache-hit half of `awsfed credential-process` (issue 8, item 1): the keys awsfed already keeps in
 * ~/.aws/credentials ([P] with x_security_token_expires and x_principal_arn) are the cache. An AWS tool
 * starts the helper on every process start, so this module loads almost nothing: no HTTP client, no
 * AWS SDK, no prompt library, no commander. A fast entry (bin.cjs) may call serveCachedCredentials
 * straight from argv; the sign-in path lives in credential-process.ts and is imported only on a miss.
 */
import { configSectionName, resolveAwsPaths } from '../config/paths.js';
import { secondsOf } from '../config/settings.js';
import { principalMismatch, readStoredCredentials } from '../credentials/credentials.js';
import type { AwsFiles } from '../credentials/aws-files.js';
import type { Deps } from '../deps.js';
import { UsageError } from '../errors.js';
import type { IniDocument } from '../ini/document.js';
import { formatTimestamp } from '../ui/format.js';

/** Keys are served while more than this remains (the SDKs refresh about 5 minutes before expiry). */
export const DEFAULT_MIN_TTL_SECONDS = 15 * 60;
/** The longest session STS issues (12 h): a longer minimum could never be met. */
const MAX_MIN_TTL_SECONDS = 43_200;

export interface CredentialProcessOptions {
  profile: string;
  /** Serve cached keys only while more than this many seconds remain (--min-ttl). */
  minTtlSeconds: number;
}

export interface ProcessCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** --min-ttl: seconds (900) or with a unit (30m, 1h), the same syntax as --duration; 0..12h. */
export function parseMinTtl(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MIN_TTL_SECONDS;
  const seconds = secondsOf(text);
  if (seconds === undefined || seconds > MAX_MIN_TTL_SECONDS) {
    throw new UsageError('MIN_TTL_INVALID', `--min-ttl is "${text}"; expected a time from 0 to 12h.`, {
      hint: 'Give seconds (900) or a unit (30m, 1h); the default is 15m.',
    });
  }
  return seconds;
}

/**
 * The options of `credential-process --profile P [--min-ttl T]` from argv (after the command name), for
 * a fast entry that skips commander; undefined for anything else (then the full CLI runs and reports
 * the mistake). --debug is among "anything else": its diagnostics are the full CLI's (runFastPath
 * already hands such a call on before this parser sees it).
 */
export function parseCredentialProcessArgv(argv: readonly string[]): CredentialProcessOptions | undefined {
  let profile: string | undefined;
  let minTtl: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (name === '--profile' || name === '-p' || name === '--min-ttl') {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '') return undefined;
      if (name === '--min-ttl') minTtl = value;
      else profile = value;
    } else return undefined;
  }
  if (profile === undefined) return undefined;
  try {
    return { profile, minTtlSeconds: parseMinTtl(minTtl) };
  } catch {
    return undefined;
  }
}

/** The Version 1 document credential_process callers read (AWS CLI, SDKs): RFC 3339 UTC expiry. */
export function formatProcessCredentials(credentials: ProcessCredentials): string {
  return JSON.stringify({
    Version: 1,
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    SessionToken: credentials.sessionToken,
    Expiration: formatTimestamp(credentials.expiration),
  });
}

/**
 * The JSON for P's cached keys when they hold for more than minTtlSeconds and belong to the role P
 * names (a destination's role_arn: keys of another role under its name are stale); undefined on a miss.
 * Reads the two files and nothing else; never writes, never prints (a miss is said under --debug).
 */
export async function serveCachedCredentials(
  options: CredentialProcessOptions,
  deps: Pick<Deps, 'env' | 'homeDir' | 'clock' | 'log'> & { files: Pick<AwsFiles, 'read'> },
): Promise<string | undefined> {
  const paths = resolveAwsPaths(deps.env, deps.homeDir);
  const stored = await deps.files.read(paths.credentialsFile);
  // The config only matters once there are keys to check against a role_arn: a miss does not read it.
  return cachedCredentialsIn(options, stored, () => deps.files.read(paths.configFile), paths.credentialsFile, deps);
}

/**
 * serveCachedCredentials over files already read (the sign-in path reads them once and passes them on);
 * `config` is asked for only when the keys are valid long enough to be served.
 */
export async function cachedCredentialsIn(
  options: CredentialProcessOptions,
  stored: IniDocument | undefined,
  config: () => Promise<IniDocument | undefined>,
  credentialsFile: string,
  deps: Pick<Deps, 'clock' | 'log'>,
): Promise<string | undefined> {
  const keys = stored ? readStoredCredentials(stored, options.profile) : undefined;
  if (!keys) {
    deps.log.debug(`${options.profile}: no temporary keys in ${credentialsFile}`);
    return undefined;
  }
  const left = keys.expiration.getTime() - deps.clock().getTime();
  if (left <= options.minTtlSeconds * 1000) {
    deps.log.debug(`${options.profile}: cached keys expire at ${formatTimestamp(keys.expiration)}, within --min-ttl ${options.minTtlSeconds} s`);
    return undefined;
  }
  const roleArn = (await config())?.get(configSectionName(options.profile), 'role_arn')?.trim();
  const mismatch = roleArn ? principalMismatch(keys, roleArn) : undefined;
  if (mismatch !== undefined) {
    deps.log.debug(`${options.profile}: cached ${mismatch}, not ${roleArn}`);
    return undefined;
  }
  deps.log.debug(`${options.profile}: cached keys valid until ${formatTimestamp(keys.expiration)}`);
  return formatProcessCredentials(keys);
}
