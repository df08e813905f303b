/**
 * awsfed refresh [NAME...] [--all]: AssumeRole into destination profiles along their chains and write
 * each one's keys into its own credentials section, so that tools which cannot chain (or that should
 * not prompt) find ready keys. Also what `awsfed login --chain` runs after the gateway login.
 *
 * One failing destination never loses the others: the table shows every profile, the successes are
 * written in one atomic update, and the exit code is 5 when anything failed.
 */
import { resolveAwsPaths } from '../config/paths.js';
import { parseDuration } from '../config/settings.js';
import type { Flags } from '../config/settings.js';
import type { Deps } from '../deps.js';
import { ExitCode, UsageError } from '../errors.js';
import type { AppError } from '../errors.js';
import { parseIni } from '../ini/document.js';
import type { AwsCredentials } from '../sts/client.js';
import { parseRoleArn, readDestinations } from '../catalog/destination.js';
import { prepareRoots, runChains } from '../chain/credentials.js';
import { createGatewaySignIn } from './gateway-sign-in.js';
import type { ExecuteOptions } from '../chain/execute.js';
import { chainRoot, planChains } from '../catalog/chain-plan.js';
import { formatExpiry, formatTimestamp } from '../ui/format.js';
import { formatTable } from '../ui/table.js';

export interface RefreshOptions {
  names?: string[];
  all?: boolean;
  concurrency?: string | number;
  /** DurationSeconds for destinations without duration_seconds ("1h", "900"); role chaining caps it at 3600. */
  duration?: string | number;
  noPrompt?: boolean;
  /** --no-session: a gateway re-login neither uses nor saves the IdP session cache. */
  noSession?: boolean;
  /** login --chain: every destination whose chain root is this profile. */
  root?: string;
  /** Keys the caller already holds for `root` (the login that just ran). */
  rootCredentials?: AwsCredentials;
  /** Flags for the roots' STS settings (login --chain passes --sts-endpoint, --region, --ca-bundle). */
  flags?: Flags;
  /** Test seams. */
  sleep?: ExecuteOptions['sleep'];
}

export interface RefreshRow {
  profile: string;
  roleArn?: string;
  accountId?: string;
  roleName?: string;
  result: 'ok' | 'failed' | 'skipped';
  expiration?: Date;
  assumedRoleArn?: string;
  durationSeconds?: number;
  notes: string[];
  error?: AppError;
}

export interface RefreshResult {
  rows: RefreshRow[];
  /** Gateways that were signed in to during the run. */
  loggedIn: string[];
  credentialsFile: string;
  configFile: string;
  exitCode: number;
}

const MAX_CONCURRENCY = 64;

export function parseConcurrency(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_CONCURRENCY) {
    throw new UsageError('CONCURRENCY_INVALID', `--concurrency is "${value}"; give a whole number from 1 to ${MAX_CONCURRENCY}.`, {
      hint: 'The default, 8, keeps well under STS request limits.',
    });
  }
  return n;
}

export async function refresh(options: RefreshOptions, deps: Deps): Promise<RefreshResult> {
  const concurrency = parseConcurrency(options.concurrency);
  const durationSeconds = options.duration === undefined ? undefined : typeof options.duration === 'number' ? options.duration : parseDuration(options.duration);
  const paths = resolveAwsPaths(deps.env, deps.homeDir);
  const config = (await deps.files.read(paths.configFile)) ?? parseIni('', paths.configFile);
  const names = options.names ?? [];

  let targets: string[];
  if (options.root !== undefined) {
    const root = options.root;
    targets = readDestinations(config)
      .map((d) => d.name)
      .filter((name) => {
        try {
          return chainRoot(config, name) === root;
        } catch {
          return false; // a broken chain has no root to belong to; `awsfed refresh --all` reports it
        }
      });
  } else if (options.all) {
    targets = readDestinations(config).map((d) => d.name);
  } else if (names.length > 0) {
    targets = names;
  } else {
    throw new UsageError('REFRESH_NOTHING', 'Name the destination profiles to refresh, or pass --all.', {
      hint: 'e.g. `awsfed refresh prod`, `awsfed refresh --all`; `awsfed list` shows the destinations.',
    });
  }

  const plan = planChains(config, targets);
  const provided = new Map<string, AwsCredentials>();
  if (options.root !== undefined && options.rootCredentials) provided.set(options.root, options.rootCredentials);
  const roots = await prepareRoots(plan.roots, paths, deps, {
    noPrompt: Boolean(options.noPrompt),
    signIn: createGatewaySignIn({ noSession: Boolean(options.noSession) }),
    provided,
    ...(options.flags ? { flags: options.flags } : {}),
  });
  const outcomes = await runChains(plan.hops, roots, paths, deps, {
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });

  const rows: RefreshRow[] = [];
  plan.hops.forEach((hop, i) => {
    const outcome = outcomes[i]!;
    const role = parseRoleArn(hop.roleArn);
    const row: RefreshRow = {
      profile: hop.profile,
      roleArn: hop.roleArn,
      ...(role ? { accountId: role.accountId, roleName: role.roleName } : {}),
      result: outcome.ok ? 'ok' : outcome.skipped ? 'skipped' : 'failed',
      notes: outcome.ok ? outcome.notes : [],
    };
    if (outcome.ok) {
      row.expiration = outcome.credentials.expiration;
      row.assumedRoleArn = outcome.credentials.assumedRoleArn;
      row.durationSeconds = outcome.durationSeconds;
    } else {
      row.error = outcome.error;
    }
    rows.push(row);
  });
  for (const { profile, error } of plan.errors) rows.push({ profile, result: 'failed', notes: [], error });

  return {
    rows,
    loggedIn: [...roots.values()].filter((r) => r.loggedIn).map((r) => r.profile),
    credentialsFile: paths.credentialsFile,
    configFile: paths.configFile,
    exitCode: refreshExitCode(rows),
  };
}

/**
 * 0 when every profile was refreshed; 7 when a failure came from a prompt that could not be shown
 * (the gateway needed a password under --no-prompt or without a terminal: supplying it fixes the whole
 * run, so that is what a script should learn); else 5.
 */
export function refreshExitCode(rows: readonly RefreshRow[]): number {
  if (rows.every((r) => r.result === 'ok')) return 0;
  return rows.some((r) => r.error?.exitCode === ExitCode.prompt) ? ExitCode.prompt : ExitCode.sts;
}

/** The summary table (stdout), then one line per failure with its hint. */
export function formatRefreshTable(result: RefreshResult, now: Date): string {
  if (result.rows.length === 0) {
    return `No destination profiles to refresh in ${result.configFile}. Add one with \`awsfed add NAME --account ID --role ROLE\`.`;
  }
  const table = formatTable(
    ['PROFILE', 'ACCOUNT/ROLE', 'RESULT', 'EXPIRES / REASON'],
    result.rows.map((r) => [
      r.profile,
      r.accountId && r.roleName ? `${r.accountId}/${r.roleName}` : '-',
      r.result,
      r.result === 'ok' && r.expiration ? formatExpiry(r.expiration, now) : (r.error?.message ?? ''),
    ]),
  );
  const ok = result.rows.filter((r) => r.result === 'ok').length;
  const lines = [table, ''];
  lines.push(
    ok === result.rows.length
      ? `Refreshed ${ok} profile${ok === 1 ? '' : 's'}; keys written to ${result.credentialsFile}.`
      : `Refreshed ${ok} of ${result.rows.length} profiles${ok > 0 ? `; keys written to ${result.credentialsFile}` : ''}.`,
  );
  const failed = result.rows.filter((r) => r.result === 'failed' && r.error);
  for (const r of failed) {
    // A message of several lines keeps them, indented under its profile.
    lines.push(`  ${r.profile}: ${r.error!.message.replace(/\r?\n/g, '\n    ')}`);
    if (r.error!.hint) lines.push(`    hint: ${r.error!.hint}`);
  }
  return lines.join('\n');
}

/** Machine-readable output for --json: no secrets, only what the table shows plus ARNs and codes. */
export function refreshJson(result: RefreshResult): string {
  return JSON.stringify(
    {
      credentialsFile: result.credentialsFile,
      loggedIn: result.loggedIn,
      results: result.rows.map((r) => ({
        profile: r.profile,
        ...(r.roleArn ? { roleArn: r.roleArn } : {}),
        ...(r.accountId ? { accountId: r.accountId, roleName: r.roleName } : {}),
        result: r.result,
        ...(r.expiration ? { expiration: formatTimestamp(r.expiration) } : {}),
        ...(r.assumedRoleArn ? { assumedRoleArn: r.assumedRoleArn } : {}),
        ...(r.durationSeconds !== undefined ? { durationSeconds: r.durationSeconds } : {}),
        notes: r.notes,
        ...(r.error ? { error: { code: r.error.code, message: r.error.message, ...(r.error.hint ? { hint: r.error.hint } : {}) } } : {}),
      })),
    },
    null,
    2,
  );
}

/** Notes worth saying on stderr (the 1-hour cap, throttling retries). */
export function refreshNotes(result: RefreshResult): string[] {
  return result.rows.flatMap((r) => r.notes);
}
