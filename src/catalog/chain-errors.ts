/**
 * Errors about how profiles chain to each other in the config file (~/.aws/config or AWS_CONFIG_FILE). All are configuration mistakes the
 * user fixes by editing the config (or with `awsfed add`/`awsfed remove`), so they exit with the usage
 * code 2. Messages name the whole chain, e.g. "prod -> shared -> prod".
 */
import type { AppErrorOptions } from '../errors.js';
import { AppError, type ExitCode } from '../errors.js';
import type { ErrorCodeExiting } from '../error-codes.js';

/** Extract keeps only codes the registry gives exit 2: a code with another status cannot be thrown here. */
export type ChainErrorCode = Extract<
  ErrorCodeExiting<typeof ExitCode.usage>,
  'CHAIN_CYCLE' | 'CHAIN_TOO_LONG' | 'CHAIN_MISSING_SOURCE' | 'CHAIN_NO_SUCH_PROFILE' | 'CHAIN_NOT_A_DESTINATION' | 'CHAIN_UNSUPPORTED_SOURCE'
>;

export class ChainError extends AppError {
  declare readonly code: ChainErrorCode;
  /** The profiles walked, target first; for CHAIN_CYCLE it ends with the repeated profile. */
  readonly path: string[];

  constructor(code: ChainErrorCode, message: string, path: string[], options: AppErrorOptions = {}) {
    super(code, message, options);
    this.path = path;
  }
}

export function formatChainPath(path: string[]): string {
  return path.join(' -> ');
}

/** The config file as messages name it: its real path when known (AWS_CONFIG_FILE may move it). */
function configName(configFile: string | undefined): string {
  return configFile ?? '~/.aws/config';
}

/** `path` ends with the profile seen twice: ["prod", "shared", "prod"]. */
export function chainCycleError(path: string[], hint?: string, configFile?: string): ChainError {
  return new ChainError('CHAIN_CYCLE', `profile chain loops: ${formatChainPath(path)}`, path, {
    hint: hint ?? `Point source_profile of one of these profiles at the gateway profile (edit ${configName(configFile)} or run \`awsfed add ${path[0] ?? 'NAME'} --source ...\`).`,
  });
}

/** A chain longer than MAX_CHAIN_HOPS: only its two ends are quoted (the path may be thousands long). */
export function chainTooLongError(path: string[], next: string, configFile?: string): ChainError {
  const head = path.slice(0, 3).map((p) => (p.length > 60 ? `${p.slice(0, 57)}...` : p));
  return new ChainError('CHAIN_TOO_LONG', `profile chain is longer than ${path.length - 1} hops: ${formatChainPath(head)} -> ... (next: ${next.slice(0, 60)})`, path, {
    hint: `Point source_profile of "${path[0]?.slice(0, 60) ?? 'NAME'}" nearer to its gateway profile (edit ${configName(configFile)}); no role needs that many hops.`,
  });
}

/** `path` ends with the source_profile that has no section: ["prod", "shared", "gw"]. */
export function chainMissingSourceError(path: string[], hint?: string, configFile?: string): ChainError {
  const missing = path[path.length - 1] ?? '';
  const referrer = path[path.length - 2] ?? '';
  return new ChainError('CHAIN_MISSING_SOURCE', `profile chain is broken: ${formatChainPath(path)} (no such profile)`, path, {
    hint: hint ?? `Create profile "${missing}" (for a gateway: awsfed configure --profile ${missing}) or change source_profile of "${referrer}" in ${configName(configFile)}.`,
  });
}

export function noSuchProfileError(name: string, configFile?: string): ChainError {
  return new ChainError('CHAIN_NO_SUCH_PROFILE', `no profile "${name}" in ${configName(configFile)}`, [name], {
    hint: 'Run `awsfed list` to see the destinations and gateways, or `awsfed add` to create one.',
  });
}

export function notADestinationError(path: string[], why: string, hint?: string, configFile?: string): ChainError {
  const name = path[path.length - 1] ?? '';
  const where = path.length > 1 ? ` (in ${formatChainPath(path)})` : '';
  return new ChainError('CHAIN_NOT_A_DESTINATION', `profile "${name}"${where} is not a destination: ${why}`, path, {
    hint: hint ?? `A destination needs role_arn and source_profile; run \`awsfed add ${name} --account ... --role ...\` or fix it in ${configName(configFile)}.`,
  });
}

export function unsupportedSourceError(path: string[], key: string): ChainError {
  const name = path[path.length - 1] ?? '';
  const where = path.length > 1 ? ` (in ${formatChainPath(path)})` : '';
  return new ChainError(
    'CHAIN_UNSUPPORTED_SOURCE',
    `profile "${name}"${where} takes its source credentials from ${key}, which awsfed does not chain from`,
    path,
    { hint: `awsfed follows source_profile only; give "${name}" a source_profile instead of ${key}, or use the AWS CLI for it.` },
  );
}
