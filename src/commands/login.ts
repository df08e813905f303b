/**
 * awsfed login: AD FS sign-in -> SAML assertion -> role choice -> AssumeRoleWithSAML -> ~/.aws files.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Deps } from '../deps.js';
import { SamlError, UsageError, StsError } from '../errors.js';
import { configSectionName, resolveAwsPaths } from '../config/paths.js';
import type { AwsPaths } from '../config/paths.js';
import { resolveProfileName, resolveSettings, settingOrigin, settingWhere } from '../config/settings.js';
import type { Env, Flags, Resolved, Settings } from '../config/settings.js';
import { checkOutput, checkRegion } from '../identifiers/identifiers.js';
import type { IniDocument } from '../ini/document.js';
import { adoptSessionName } from '../catalog/session-name.js';
import { checkLoginTarget } from '../catalog/login-target.js';
import { readIniFile, updateIniFile } from '../credentials/file-store.js';
import { urlWithoutQuery } from '../http/url-policy.js';
import { redactingLogger } from '../redact.js';
import { loadCaBundle } from '../config/ca-bundle.js';
import { stsRegionFor } from '../partition.js';
import { applyCredentials } from '../credentials/credentials.js';
import { obtainPassword } from '../secrets/password.js';
import type { Prompter } from '../ui/prompt.js';
import type { SamlAssertion, SamlRole } from '../saml/types.js';
import { matchRoles, roleLabel, sortRoles } from '../roles/match.js';
import type { SamlCredentials, StsTarget } from '../sts/client.js';
import { formatExpiry } from '../ui/format.js';

export interface LoginOptions extends Flags {
  passwordStdin?: boolean;
  noPrompt?: boolean;
  debug?: boolean;
}

export interface LoginResult {
  profile: string;
  role: SamlRole;
  credentials: SamlCredentials;
  paths: AwsPaths;
  durationSeconds: number;
  notes: string[];
}

/** Everything a sign-in needs, resolved once per run. */
export interface LoginContext {
  options: LoginOptions;
  deps: Deps;
  paths: AwsPaths;
  /** ~/.aws/config as read at the start of the run (undefined when there is none). */
  config: IniDocument | undefined;
  profile: Resolved<string>;
  settings: Settings;
  prompter: Prompter;
  caBundlePem: string | undefined;
}

export async function prepareLogin(options: LoginOptions, deps: Deps): Promise<LoginContext> {
  const paths = resolveAwsPaths(deps.env, deps.homeDir);
  const config = await readIniFile(paths.configFile);
  // A credentials file we could not update fails the run now, before the password is posted and STS is called.
  await readIniFile(paths.credentialsFile);
  const profile = resolveProfileName(options.profile, deps.env, (name) =>
    Boolean(config?.get(configSectionName(name), 'awsfed_idp_url')),
  );
  // Before anything else: a destination's keys come from AssumeRole, never from a sign-in.
  checkLoginTarget(config, profile.value, 'login');
  const section = config?.getSection(configSectionName(profile.value));
  const settings = resolveSettings(options, deps.env, profile, section);
  checkProfileSettings(settings, deps.env, paths.configFile);
  const prompter = await deps.prompter(Boolean(options.noPrompt));
  const caBundlePem = await loadCaBundle(settings.caBundle.value);
  return { options, deps, paths, config, profile, settings, prompter, caBundlePem };
}

/**
 * Region and output end up in the profile (rememberProfileConfig), where a value the AWS CLI does not
 * know breaks every later call ("Unknown output type: xml"). Checked before the password is posted,
 * whichever source they came from; the message names that source.
 */
export function checkProfileSettings(settings: Settings, env: Env, configFile?: string): void {
  const profile = settings.profile.value;
  checkRegion(settings.region.value, settingOrigin('region', settings.region, env, profile, configFile));
  checkOutput(settings.output.value, settingOrigin('output', settings.output, env, profile, configFile));
}

export interface SignedAssertion {
  samlResponse: string;
  assertion: SamlAssertion;
  /** Local time the IdP handed it over; STS redeems an assertion for about 5 minutes after issue. */
  receivedAt: Date;
}

/**
 * The run's SAML session: signs in on first use, keeps the user name and password in memory for the
 * run only, and signs in again on demand when an assertion has outlived STS's redemption window.
 */
export interface AssertionSource {
  current(): Promise<SignedAssertion>;
  renew(stale: SignedAssertion): Promise<SignedAssertion>;
  /** How many times the IdP was asked for an assertion. */
  readonly signIns: number;
}

export async function createAssertionSource(ctx: LoginContext): Promise<AssertionSource> {
  const { settings, prompter, deps, options } = ctx;
  const entryUrl = await resolveEntryUrl(settings, prompter);
  const [{ createHttpClient }, { signIn }, { parseSamlResponse }] = await Promise.all([
    import('../http/client.js'),
    import('../idp/adfs/flow.js'),
    import('../saml/parse.js'),
  ]);
  let username: Promise<string> | undefined;
  let password: Promise<string> | undefined;
  let knownPassword: string | undefined;
  // The HTTP client's debug lines show URLs, which an IdP that echoes the posted password can fill with it.
  const httpLog = redactingLogger(deps.log, () => (knownPassword ? [knownPassword] : []));
  const credentials = {
    username: () => (username ??= chooseUsername(settings, prompter)),
    password: async () =>
      (password ??= obtainPassword({
        passwordStdin: Boolean(options.passwordStdin),
        env: deps.env,
        passwordCommand: settings.passwordCommand.value,
        passwordCommandTimeoutSeconds: settings.passwordCommandTimeout.value,
        readStdin: deps.readStdin,
        runCommand: deps.runCommand,
        prompter,
        username: username ? await username : undefined,
      }).then((value) => (knownPassword = value))),
  };
  const saveDebugPage = options.debug ? debugPageSaver(deps.env.TMPDIR) : undefined;
  let signIns = 0;
  let latest: Promise<SignedAssertion> | undefined;
  const fetchAssertion = async (): Promise<SignedAssertion> => {
    signIns += 1;
    deps.log.debug(`signing in at ${urlWithoutQuery(entryUrl)} as profile ${ctx.profile.value} (sign-in ${signIns})`);
    // A fresh cookie jar per sign-in: AD FS would otherwise answer from its MSISAuth session.
    const http = createHttpClient({ caBundlePem: ctx.caBundlePem, log: httpLog });
    const { samlResponse } = await signIn({
      entryUrl,
      relyingParty: settings.relyingParty.value,
      http,
      log: deps.log,
      saveDebugPage,
      credentials,
      timeoutMs: settings.timeout.value * 1000,
    });
    return { samlResponse, assertion: parseSamlResponse(samlResponse), receivedAt: deps.clock() };
  };
  return {
    current: () => (latest ??= fetchAssertion()),
    renew: async (stale) => {
      const now = await latest;
      // Concurrent callers that saw the same stale assertion share one new sign-in.
      if (now !== stale) return now!;
      latest = fetchAssertion();
      return latest;
    },
    get signIns() {
      return signIns;
    },
  };
}

/** STS redeems an assertion for 5 minutes after issue; renew a little before that. */
const ASSERTION_USABLE_MS = 4.5 * 60 * 1000;

/**
 * AssumeRoleWithSAML for one role: signs in again when the assertion is too old (or STS says it
 * expired), and retries once at 3600 s when the role's MaxSessionDuration is lower than asked.
 */
export async function redeemRole(
  ctx: LoginContext,
  source: AssertionSource,
  role: SamlRole,
  requestedSeconds: number,
  notes: string[],
): Promise<{ credentials: SamlCredentials; durationSeconds: number }> {
  const { assumeRoleWithSaml } = await import('../sts/client.js');
  const target = stsTarget(ctx, role, notes);
  let durationSeconds = requestedSeconds;
  let renewed = false;
  for (;;) {
    let signed = await source.current();
    if (ctx.deps.clock().getTime() - signed.receivedAt.getTime() > ASSERTION_USABLE_MS) signed = await source.renew(signed);
    try {
      const credentials = await assumeRoleWithSaml(target, {
        roleArn: role.roleArn,
        principalArn: role.principalArn,
        samlAssertion: signed.samlResponse,
        durationSeconds,
      });
      return { credentials, durationSeconds };
    } catch (error) {
      if (error instanceof StsError && error.code === 'STS_EXPIRED_ASSERTION' && !renewed) {
        renewed = true;
        addNote(ctx, notes, `The SAML assertion expired before ${roleLabel(role)} was assumed; signed in again.`);
        await source.renew(signed);
        continue;
      }
      // The role's MaxSessionDuration is invisible to us until STS refuses; one retry at 1 hour.
      if (error instanceof StsError && error.code === 'STS_DURATION_TOO_LONG' && durationSeconds > 3600) {
        addNote(ctx, notes, `STS refused ${durationSeconds} s for ${roleLabel(role)} (over the role's MaxSessionDuration); retried with 3600 s.`);
        durationSeconds = 3600;
        continue;
      }
      throw error;
    }
  }
}

export function requestedDuration(ctx: LoginContext, assertion: SamlAssertion): number {
  return ctx.settings.duration.value ?? assertion.sessionDuration ?? 3600;
}

/** Region/output for a profile written by login; the gateway also remembers the SAML RoleSessionName. */
export function rememberProfileConfig(doc: IniDocument, settings: Settings, profile: string, roleSessionName?: string): void {
  const name = configSectionName(profile);
  // A region or output given as a flag is remembered; one from the environment only fills a gap.
  if (doc.get(name, 'region') === undefined || settings.region.source === 'flag') doc.set(name, 'region', settings.region.value);
  if (doc.get(name, 'output') === undefined || settings.output.source === 'flag') doc.set(name, 'output', settings.output.value);
  // Destinations use it as role_session_name, so that CloudTrail shows the person behind each hop.
  if (roleSessionName) {
    doc.set(name, 'awsfed_role_session_name', roleSessionName);
    adoptSessionName(doc, profile, roleSessionName);
  }
}

export async function login(options: LoginOptions, deps: Deps): Promise<LoginResult> {
  const ctx = await prepareLogin(options, deps);
  const source = await createAssertionSource(ctx);
  const { assertion } = await source.current();
  const role = await chooseRole(assertion, ctx.settings, ctx.prompter, ctx.paths.configFile);

  const notes: string[] = [];
  const { credentials, durationSeconds } = await redeemRole(ctx, source, role, requestedDuration(ctx, assertion), notes);

  await updateIniFile(ctx.paths.credentialsFile, (doc) =>
    applyCredentials(doc, ctx.profile.value, { ...credentials, principalArn: credentials.assumedRoleArn }),
  { onWait: ctx.deps.err });
  await updateIniFile(ctx.paths.configFile, (doc) => rememberProfileConfig(doc, ctx.settings, ctx.profile.value, assertion.roleSessionName), {
    onWait: ctx.deps.err,
  });

  return { profile: ctx.profile.value, role, credentials, paths: ctx.paths, durationSeconds, notes };
}

export function formatLoginSummary(result: LoginResult, now: Date, tryCommand?: string): string {
  const { credentials, role } = result;
  const profileFlag = result.profile === 'default' ? '' : ` --profile ${result.profile}`;
  tryCommand ??= `aws sts get-caller-identity${profileFlag}`;
  return [
    `Signed in. Profile ${result.profile} now holds temporary credentials.`,
    `  account  ${role.accountId}`,
    `  role     ${role.roleName}`,
    `  expires  ${formatExpiry(credentials.expiration, now)}`,
    `  file     ${result.paths.credentialsFile}`,
    '',
    `Try: ${tryCommand}`,
  ].join('\n');
}

async function resolveEntryUrl(settings: Settings, prompter: Prompter): Promise<string> {
  const { normalizeIdpUrl } = await import('../idp/entry-url.js');
  let raw = settings.idpUrl.value;
  if (raw === undefined) {
    if (!prompter.interactive) {
      throw new UsageError('IDP_URL_MISSING', `No IdP URL is configured for profile ${settings.profile.value}.`, {
        hint: `Run \`awsfed configure --profile ${settings.profile.value}\`, or pass --idp-url / set AWSFED_IDP_URL.`,
      });
    }
    raw = await prompter.input('AD FS host or IdP-initiated sign-on URL:');
  }
  return normalizeIdpUrl(raw);
}

async function chooseUsername(settings: Settings, prompter: Prompter): Promise<string> {
  const stored = settings.username;
  // A name from a flag or the environment is used as given; a stored one is offered as the default.
  if (stored.value !== undefined && (stored.source === 'flag' || stored.source === 'env' || !prompter.interactive)) return stored.value;
  const answer = (
    await prompter.input('User name:', {
      default: stored.value,
      hint: 'Pass --username, set AWSFED_USERNAME, or store one with `awsfed configure --username NAME`.',
    })
  ).trim();
  if (answer === '') throw new UsageError('USERNAME_EMPTY', 'No user name was given.', { hint: 'Type your AD user name (user@corp.example or CORP\\user).' });
  return answer;
}

export async function chooseRole(assertion: SamlAssertion, settings: Settings, prompter: Prompter, configFile = '~/.aws/config'): Promise<SamlRole> {
  const roles = sortRoles(assertion.roles);
  const listing = () => roles.map((r) => `  ${r.roleArn}`).join('\n');
  const pattern = settings.role.value;
  let candidates = roles;
  if (pattern !== undefined) {
    candidates = matchRoles(roles, pattern);
    const where = settingWhere('role', settings.role.source, configFile);
    if (candidates.length === 0) {
      throw new SamlError('ROLE_NOT_FOUND', `${where} "${pattern}" matches none of your ${roles.length} roles:\n${listing()}`, {
        hint: 'Use a full role ARN, ACCOUNT/ROLE-NAME, or a glob on the role name such as "*Admin*".',
      });
    }
    if (candidates.length === 1) return candidates[0]!;
    if (!prompter.interactive) {
      throw new SamlError('ROLE_AMBIGUOUS', `${where} "${pattern}" matches ${candidates.length} roles:\n${candidates.map((r) => `  ${r.roleArn}`).join('\n')}`, {
        hint: 'Make --role more specific, e.g. ACCOUNT/ROLE-NAME or the full ARN.',
      });
    }
  } else if (roles.length === 1) {
    return roles[0]!;
  } else if (!prompter.interactive) {
    throw new SamlError('ROLE_CHOICE_NEEDED', `Your sign-in offers ${roles.length} roles and none was chosen:\n${listing()}`, {
      hint: 'Pick one with --role ARN|ACCOUNT/ROLE-NAME|GLOB, AWSFED_ROLE, or `awsfed configure --role`.',
    });
  }
  return prompter.choose(
    `Choose a role (${candidates.length}; type to filter):`,
    candidates.map((r) => ({ value: r, name: r.roleName, group: `${r.accountId}${r.partition === 'aws' ? '' : ` (${r.partition})`}` })),
  );
}

/** Notes are shown once, on stderr, as they happen; the list is kept for the caller's result. */
function addNote(ctx: LoginContext, notes: string[], text: string): void {
  if (notes.includes(text)) return;
  notes.push(text);
  ctx.deps.log.warn(text);
}

function stsTarget(ctx: LoginContext, role: SamlRole, notes: string[]): StsTarget {
  const { settings, caBundlePem } = ctx;
  let region = settings.region.value;
  const fallback = stsRegionFor(role.partition, region);
  if (fallback !== region && settings.stsEndpoint.value === undefined) {
    addNote(ctx, notes, `Role ${roleLabel(role)} is in partition ${role.partition}; used STS in ${fallback} instead of ${region}.`);
    region = fallback;
  }
  return { region, endpoint: settings.stsEndpoint.value, caBundlePem };
}

/**
 * Under --debug, redacted copies of unknown pages go to a private directory made on first use
 * (mkdtemp, 0700): fixed names in a shared /tmp could be pre-created as symlinks by someone else.
 */
function debugPageSaver(tmp: string | undefined): (name: string, html: string) => Promise<string> {
  let target: Promise<string> | undefined;
  return async (name, html) => {
    target ??= mkdtemp(join(tmp ?? tmpdir(), 'awsfed-debug-'));
    const { saveDebugPageTo } = await import('../idp/adfs/debug-page.js');
    return saveDebugPageTo(await target)(name, html);
  };
}
