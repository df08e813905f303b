/**
 * Credentials for a profile that may sit at the end of a role chain, and the machinery refresh shares:
 *
 *   root keys (credentials file, or a gateway `awsfed login` when missing/expired)
 *     -> executeHops along the chain -> one atomic write of every new key set -> the target's keys.
 *
 * ensureProfileCredentials is what switch/exec/console use: cached keys when they are valid long enough,
 * else only the hops that need it (a valid cached intermediate profile is reused), then a write-back so
 * that the AWS CLI and the next awsfed run see the same keys.
 */
import { configSectionName, resolveAwsPaths } from '../config/paths.js';
import type { AwsPaths } from '../config/paths.js';
import { resolveSettings, settingOrigin } from '../config/settings.js';
import type { Flags } from '../config/settings.js';
import { applyCredentials, principalMismatch, readStoredCredentials } from '../credentials/credentials.js';
import type { StoredCredentials } from '../credentials/credentials.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import type { IniDocument } from '../ini/document.js';
import { parseIni } from '../ini/document.js';
import type { AwsCredentials, StsTarget } from '../sts/client.js';
import { type ProxyConfig, proxyConfigFrom } from '../http/proxy.js';
import { isGatewayProfile, parseRoleArn, readDestination } from '../catalog/destination.js';
import { roleSessionNameFrom, sanitizeSessionName } from '../catalog/session-name.js';
import { loadCaBundle } from '../config/ca-bundle.js';
import { stsRegionFor } from '../partition.js';
import { executeHops } from './execute.js';
import type { ExecuteOptions, HopOutcome } from './execute.js';
import { chainPath, planChains } from '../catalog/chain-plan.js';
import type { Hop } from '../catalog/chain-plan.js';
import { formatTime } from '../ui/format.js';

export interface ResolvedCredentials {
  profile: string;
  credentials: AwsCredentials;
  region?: string;
  source: 'cache' | 'assumed' | 'login';
}

/** Root keys closer to expiry than this are treated as expired: the hops need a moment to run. */
const ROOT_MARGIN_SECONDS = 60;
const DEFAULT_MIN_VALIDITY_SECONDS = 300;

/**
 * Signs in to a gateway profile (the login command, passed in by the commands that chain: the chain
 * code never imports a command). A re-login keeps the role the profile last held and rides on the
 * IdP session when there is one.
 */
export type GatewaySignIn = (
  request: { profile: string; noPrompt: boolean; flags?: Flags },
  deps: Deps,
) => Promise<{ credentials: AwsCredentials; accountId: string; roleName: string }>;

/** What a chain needs from its root: keys (or why there are none), where STS is, whose name to use. */
export interface RootContext {
  profile: string;
  credentials?: AwsCredentials;
  /** Why there are no credentials (login failed, not a gateway, ...). */
  error?: AppError;
  /** True when a gateway login ran in this process for this root. */
  loggedIn: boolean;
  /** Region for hops without their own; the root profile's settings region (default us-east-1). */
  region: string;
  endpoint?: string;
  caBundlePem?: string;
  /** The root's proxies (--proxy / AWSFED_PROXY / awsfed_proxy of the root, else the standard variables). */
  proxy?: ProxyConfig;
  /** RoleSessionName for hops without role_session_name. */
  sessionName: string;
}

/** Both AWS files as the caller has just read them (under its lock): used instead of reading them again. */
export interface AwsFilesSnapshot {
  credentials: IniDocument;
  config: IniDocument;
}

export interface PrepareRootsOptions {
  /** The files already read (ensureProfileCredentials passes on what it read or was given). */
  files?: AwsFilesSnapshot;
  noPrompt: boolean;
  /** How a gateway root without valid keys is signed in to (unless `login` is false). */
  signIn: GatewaySignIn;
  /** Keys already in hand (e.g. from the login that just ran), by root profile. */
  provided?: Map<string, AwsCredentials>;
  /** Flags that apply to these roots' STS settings (login --chain passes its --sts-endpoint, --region, --ca-bundle). */
  flags?: Flags;
  /** Log in to a gateway root whose keys are missing or expired (default true). */
  login?: boolean;
  /** Keys closer to expiry than this count as expired (default 60 s: enough for the hops to run). */
  minValiditySeconds?: number;
}

export function credentialsValid(credentials: { expiration: Date }, now: Date, minValiditySeconds: number): boolean {
  return credentials.expiration.getTime() - now.getTime() >= minValiditySeconds * 1000;
}

/**
 * Keys for each root: from `provided`, else the credentials file when valid, else a gateway login
 * (non-interactive under --no-prompt or without a TTY: the login itself decides), else an error kept in
 * the context so that the other roots' chains still run.
 */
export async function prepareRoots(roots: string[], paths: AwsPaths, deps: Deps, opts: PrepareRootsOptions): Promise<Map<string, RootContext>> {
  const now = deps.clock();
  const stored = opts.files?.credentials ?? (await deps.files.read(paths.credentialsFile)) ?? parseIni('', paths.credentialsFile);
  let config = opts.files?.config ?? (await deps.files.read(paths.configFile)) ?? parseIni('', paths.configFile);
  const found = new Map<string, { credentials?: AwsCredentials; error?: AppError; loggedIn: boolean }>();
  for (const root of roots) {
    const given = opts.provided?.get(root);
    if (given) {
      found.set(root, { credentials: given, loggedIn: false });
      continue;
    }
    const cached = readStoredCredentials(stored, root);
    if (cached && credentialsValid(cached, now, opts.minValiditySeconds ?? ROOT_MARGIN_SECONDS)) {
      found.set(root, { credentials: cached, loggedIn: false });
      continue;
    }
    const why = !cached
      ? 'it has no temporary keys in the credentials file'
      : cached.expiration.getTime() <= now.getTime()
        ? `its keys expired at ${formatTime(cached.expiration)}`
        : `its keys expire at ${formatTime(cached.expiration)}`;
    if (!isGatewayProfile(config, root)) {
      found.set(root, {
        loggedIn: false,
        error: new AppError('CHAIN_ROOT_NO_CREDENTIALS', `Chain root ${root} cannot be used: ${why}, and it is not an awsfed gateway profile.`, {
          hint: `Configure it as a gateway (awsfed configure --profile ${root}) or put fresh temporary keys into [${root}] of ${paths.credentialsFile}.`,
        }),
      });
      continue;
    }
    if (opts.login === false) {
      found.set(root, {
        loggedIn: false,
        error: new AppError('CHAIN_ROOT_NO_CREDENTIALS', `Gateway ${root} has no valid keys: ${why}.`, {
          hint: `Run \`awsfed login --profile ${root}\` first.`,
        }),
      });
      continue;
    }
    deps.err(`Gateway ${root}: ${why}; signing in.`);
    try {
      const result = await opts.signIn({ profile: root, noPrompt: opts.noPrompt, ...(opts.flags ? { flags: opts.flags } : {}) }, deps);
      found.set(root, { credentials: result.credentials, loggedIn: true });
      deps.err(`Signed in to gateway ${root} (${result.accountId}/${result.roleName}).`);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      found.set(root, { loggedIn: false, error });
    }
  }
  // A login writes awsfed_role_session_name and region into the config: read them after the logins.
  if ([...found.values()].some((f) => f.loggedIn)) config = (await deps.files.read(paths.configFile)) ?? config;

  const contexts = new Map<string, RootContext>();
  const caBundles = new Map<string, Promise<string | undefined>>();
  for (const root of roots) {
    const f = found.get(root)!;
    const section = config.getSection(configSectionName(root));
    const settings = resolveSettings(opts.flags ?? {}, deps.env, { value: root, source: 'flag' }, section);
    const context: RootContext = {
      profile: root,
      loggedIn: f.loggedIn,
      region: settings.region.value,
      sessionName: roleSessionNameFrom(config, root) ?? sanitizeSessionName(deps.env.USER || deps.env.USERNAME || 'awsfed'),
    };
    if (settings.stsEndpoint.value !== undefined) context.endpoint = settings.stsEndpoint.value;
    context.proxy = proxyConfigFrom(
      deps.env,
      settings.proxy.value === undefined ? undefined : { value: settings.proxy.value, origin: settingOrigin('proxy', settings.proxy, deps.env, root, paths.configFile) },
    );
    if (f.credentials) context.credentials = f.credentials;
    if (f.error) context.error = f.error;
    if (settings.caBundle.value !== undefined) {
      // Several roots usually share one bundle: read each file once.
      const path = settings.caBundle.value;
      if (!caBundles.has(path)) caBundles.set(path, loadCaBundle(path));
      context.caBundlePem = await caBundles.get(path);
    }
    contexts.set(root, context);
  }
  return contexts;
}

/** Root profile of every hop (hops are topological: a hop's source is a root or an earlier hop). */
export function hopRoots(hops: Hop[]): Map<string, string> {
  const rootOf = new Map<string, string>();
  for (const hop of hops) rootOf.set(hop.profile, rootOf.get(hop.sourceProfile) ?? hop.sourceProfile);
  return rootOf;
}

export interface RunChainsOptions {
  concurrency?: number;
  /** DurationSeconds for hops without duration_seconds (e.g. login --duration); capped at 3600 by executeHops. */
  durationSeconds?: number;
  sleep?: ExecuteOptions['sleep'];
}

/**
 * Runs the hops with each root's keys and STS settings, then writes every success into its own
 * credentials section in one atomic update. Hops of a root without keys fail with the root's error
 * and never reach STS. Outcomes are in hop order.
 */
export async function runChains(hops: Hop[], roots: Map<string, RootContext>, paths: AwsPaths, deps: Deps, opts: RunChainsOptions = {}): Promise<HopOutcome[]> {
  const rootOf = hopRoots(hops);
  const runnable: Hop[] = [];
  const blocked = new Map<string, HopOutcome>();
  const keys = new Map<string, AwsCredentials>();
  for (const hop of hops) {
    const root = roots.get(rootOf.get(hop.profile) ?? '');
    if (!root?.credentials) {
      const rootName = rootOf.get(hop.profile) ?? hop.sourceProfile;
      const cause = root?.error;
      blocked.set(hop.profile, {
        profile: hop.profile,
        ok: false,
        skipped: true,
        error: new AppError('CHAIN_ROOT_FAILED', `${hop.profile} skipped: no credentials for its root ${rootName}${cause ? ` (${cause.message})` : ''}`, {
          hint: cause?.hint ?? `Run \`awsfed login --profile ${rootName}\`.`,
          cause,
        }),
      });
      continue;
    }
    keys.set(root.profile, root.credentials);
    const withDefaults: Hop = { ...hop };
    withDefaults.roleSessionName ??= root.sessionName;
    if (withDefaults.durationSeconds === undefined && opts.durationSeconds !== undefined) withDefaults.durationSeconds = opts.durationSeconds;
    runnable.push(withDefaults);
  }

  const { withProgress } = await import('../ui/progress.js');
  const executed = await withProgress(runnable.length > 0 ? deps.progress?.() : undefined, `Asking AWS STS for ${runnable.length === 1 ? runnable[0]!.profile : `${runnable.length} profiles`}…`, () => executeHops(runnable, keys, {
    ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
    assumeRole: deps.sts.assumeRole,
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
    log: deps.log,
    defaultSessionName: deps.env.USER || 'awsfed',
    sts: (region, hop): StsTarget => {
      const root = roots.get(rootOf.get(hop.profile) ?? '')!;
      // A role in another partition than the root's region needs that partition's STS (unless an
      // endpoint is configured, which then serves every region).
      const partition = parseRoleArn(hop.roleArn)?.partition ?? 'aws';
      return {
        region: root.endpoint !== undefined ? (region ?? root.region) : stsRegionFor(partition, region ?? root.region),
        ...(root.endpoint !== undefined ? { endpoint: root.endpoint } : {}),
        ...(root.caBundlePem !== undefined ? { caBundlePem: root.caBundlePem } : {}),
        ...(root.proxy !== undefined ? { proxy: root.proxy } : {}),
      };
    },
  }));
  const byProfile = new Map(executed.map((o) => [o.profile, o]));
  const outcomes = hops.map((h) => blocked.get(h.profile) ?? byProfile.get(h.profile)!);

  const successes = outcomes.filter((o): o is Extract<HopOutcome, { ok: true }> => o.ok);
  if (successes.length > 0) {
    await deps.files.update(paths.credentialsFile, (doc) => {
      for (const o of successes) applyCredentials(doc, o.profile, { ...o.credentials, principalArn: o.credentials.assumedRoleArn });
    }, { onWait: deps.err });
  }
  return outcomes;
}

/**
 * Credentials for `name`: cached keys valid for at least minValiditySeconds (default 300), else
 * AssumeRole along chainPath(name) from the nearest profile with valid cached keys (logging in to the
 * gateway when the root's keys are missing or expired), writing the refreshed keys back.
 * Throws ChainError for a broken chain, and the failing hop's error when a hop fails.
 */
export async function ensureProfileCredentials(
  name: string,
  deps: Deps,
  opts: { noPrompt: boolean; signIn: GatewaySignIn; minValiditySeconds?: number; files?: AwsFilesSnapshot },
): Promise<ResolvedCredentials> {
  const minValidity = opts.minValiditySeconds ?? DEFAULT_MIN_VALIDITY_SECONDS;
  const paths = resolveAwsPaths(deps.env, deps.homeDir);
  const config = opts.files?.config ?? (await deps.files.read(paths.configFile)) ?? parseIni('', paths.configFile);
  const path = chainPath(config, name); // [name, source, ..., root]
  const root = path[path.length - 1]!;
  const region = regionOf(config, name) ?? regionOf(config, root);
  const withRegion = (r: Omit<ResolvedCredentials, 'region'>): ResolvedCredentials => (region !== undefined ? { ...r, region } : r);

  const stored = opts.files?.credentials ?? (await deps.files.read(paths.credentialsFile)) ?? parseIni('', paths.credentialsFile);
  // Read once here, then handed to prepareRoots rather than read by it again.
  const files: AwsFilesSnapshot = { config, credentials: stored };
  const now = deps.clock();
  // Keys of another role under a destination's name (a stray login, a hand edit) are stale like expired ones.
  const usable = (profile: string, keys: StoredCredentials | undefined, seconds: number): keys is StoredCredentials => {
    if (!keys || !credentialsValid(keys, now, seconds)) return false;
    const roleArn = readDestination(config, profile)?.roleArn;
    const mismatch = roleArn === undefined ? undefined : principalMismatch(keys, roleArn);
    if (mismatch !== undefined) deps.log.debug(`${profile}: cached ${mismatch}, not ${roleArn}; assuming it again`);
    return mismatch === undefined;
  };
  const cached = readStoredCredentials(stored, name);
  if (usable(name, cached, minValidity)) return withRegion({ profile: name, credentials: cached, source: 'cache' });

  if (path.length === 1) {
    // The target is a root: only a gateway login can refresh it.
    const contexts = await prepareRoots([root], paths, deps, { files, noPrompt: opts.noPrompt, signIn: opts.signIn, minValiditySeconds: minValidity });
    const context = contexts.get(root)!;
    if (!context.credentials) throw context.error!;
    return withRegion({ profile: name, credentials: context.credentials, source: context.loggedIn ? 'login' : 'cache' });
  }

  // Start from the nearest intermediate profile whose cached keys still hold for the hops to run.
  let start = path.length - 1; // index of the profile whose keys the first hop uses
  const provided = new Map<string, AwsCredentials>();
  for (let i = 1; i < path.length - 1; i++) {
    const keys = readStoredCredentials(stored, path[i]!);
    if (usable(path[i]!, keys, ROOT_MARGIN_SECONDS)) {
      start = i;
      provided.set(path[i]!, keys);
      break;
    }
  }
  const startProfile = path[start]!;
  const hopsNeeded = planChains(config, [name]).hops.filter((h) => path.indexOf(h.profile) < start);
  // Hops are planned from the root; when a cached intermediate is the start, it acts as the root.
  const contexts = await prepareRoots([root], paths, deps, {
    files,
    noPrompt: opts.noPrompt,
    signIn: opts.signIn,
    ...(start < path.length - 1 ? { login: false } : {}),
  });
  const rootContext = contexts.get(root)!;
  let startContext: RootContext;
  if (start === path.length - 1) {
    if (!rootContext.credentials) throw rootContext.error!;
    startContext = rootContext;
  } else {
    // Same STS settings and session name as the root; the keys are the cached intermediate's.
    const { error: _unused, ...settings } = rootContext;
    startContext = { ...settings, profile: startProfile, credentials: provided.get(startProfile)!, loggedIn: false };
  }
  const outcomes = await runChains(hopsNeeded, new Map([[startProfile, startContext]]), paths, deps);
  const failed = outcomes.find((o) => !o.ok);
  if (failed && !failed.ok) throw failed.error;
  const target = outcomes.find((o) => o.profile === name);
  if (!target?.ok) throw new AppError('CHAIN_UNRESOLVED', `No credentials were obtained for ${name}.`);
  return withRegion({ profile: name, credentials: target.credentials, source: rootContext.loggedIn ? 'login' : 'assumed' });
}

function regionOf(config: IniDocument, profile: string): string | undefined {
  const value = config.get(configSectionName(profile), 'region')?.trim();
  return value === undefined || value === '' ? undefined : value;
}
