/**
 * awsfed login: AD FS sign-in -> SAML assertion -> role choice -> AssumeRoleWithSAML -> ~/.aws files.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Deps } from '../deps.js';
import { IdpError, SamlError, UsageError, StsError } from '../errors.js';
import { configSectionName, resolveAwsPaths } from '../config/paths.js';
import type { AwsPaths } from '../config/paths.js';
import { resolveProfileName, resolveSettings, settingOrigin, settingWhere } from '../config/settings.js';
import type { Env, Flags, Resolved, Settings } from '../config/settings.js';
import { checkOutput, checkRegion } from '../identifiers/identifiers.js';
import type { IniDocument } from '../ini/document.js';
import { adoptSessionName } from '../catalog/session-name.js';
import { checkLoginTarget } from '../catalog/login-target.js';
import { urlWithoutQuery } from '../http/url-policy.js';
import { redactingLogger } from '../redact.js';
import { loadCaBundle } from '../config/ca-bundle.js';
import { type ProxyConfig, proxyPasswords } from '../http/proxy.js';
import { proxyConfigFor } from './proxy-config.js';
import { stsRegionFor } from '../partition.js';
import { CredentialKeys, applyCredentials } from '../credentials/credentials.js';
import { parseAssumedRoleArn } from '../identifiers/identifiers.js';
import { obtainPasswordWithOrigin, type PasswordOrigin } from '../secrets/password.js';
import { keychainAccount, unavailableReason } from '../secrets/keychain.js';
import type { Prompter } from '../ui/prompt.js';
import type { SamlAssertion, SamlRole } from '../saml/types.js';
import { matchRoles, roleLabel, sortRoles } from '../roles/match.js';
import type { SamlCredentials, StsTarget } from '../sts/client.js';
import type { SignInMfaOptions } from '../idp/adfs/flow.js';
import { formatExpiry } from '../ui/format.js';

export interface LoginOptions extends Flags {
  passwordStdin?: boolean;
  /** --mfa-code: tried once, for the first code the IdP asks for. */
  mfaCode?: string;
  /** --mfa-code-stdin: the code on stdin (its second line when the password is on the first). */
  mfaCodeStdin?: boolean;
  noPrompt?: boolean;
  debug?: boolean;
  /** --no-session: neither read nor write the IdP session cache in this run. */
  noSession?: boolean;
  /**
   * A re-login started by refresh/switch/exec: the role the profile last held is taken without asking
   * (when the assertion still offers it and --role/awsfed_role allow it).
   */
  reuseLastRole?: boolean;
  /** Nobody watches (credential_process): an MFA push or call fails at once instead of being waited for. */
  unattended?: boolean;
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
  /** The proxies for the IdP and STS requests (issue 9). */
  proxy: ProxyConfig;
  /** x_principal_arn of the profile's keys (expired or not): the role it last held. */
  lastPrincipalArn?: string;
}

export async function prepareLogin(options: LoginOptions, deps: Deps): Promise<LoginContext> {
  const paths = resolveAwsPaths(deps.env, deps.homeDir);
  const config = await deps.files.read(paths.configFile);
  // A credentials file we could not update fails the run now, before the password is posted and STS is called.
  const credentialsDoc = await deps.files.read(paths.credentialsFile);
  const profile = resolveProfileName(options.profile, deps.env, (name) =>
    Boolean(config?.get(configSectionName(name), 'awsfed_idp_url')),
  );
  // Before anything else: a destination's keys come from AssumeRole, never from a sign-in.
  checkLoginTarget(config, profile.value, 'login');
  const section = config?.getSection(configSectionName(profile.value));
  const settings = resolveSettings(options, deps.env, profile, section);
  checkProfileSettings(settings, deps.env, paths.configFile);
  // Before any prompt: a proxy URL that cannot be parsed is a usage error to fix first.
  const proxy = proxyConfigFor(settings, deps.env, paths.configFile);
  const prompter = await deps.prompter(Boolean(options.noPrompt));
  const caBundlePem = await loadCaBundle(settings.caBundle.value);
  const lastPrincipalArn = credentialsDoc?.get(profile.value, CredentialKeys.principalArn)?.trim();
  return { options, deps, paths, config, profile, settings, prompter, caBundlePem, proxy, ...(lastPrincipalArn ? { lastPrincipalArn } : {}) };
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
  /** --remember-password stored the password in the OS keychain in this run. */
  readonly rememberedPassword: boolean;
}

export async function createAssertionSource(ctx: LoginContext): Promise<AssertionSource> {
  const { settings, prompter, deps, options } = ctx;
  refuseTerminalStdin(options, deps.isInteractive);
  const entryUrl = await resolveEntryUrl(settings, prompter);
  // Together, so that the files are read in parallel. The assertion parser (and its XML library) is
  // not needed before the IdP's last answer: fetchAssertion loads it while the IdP answers.
  const [{ createHttpClient }, { signIn }, { createMfaCodeSource }, session] = await Promise.all([
    import('../http/client.js'),
    import('../idp/adfs/flow.js'),
    import('../secrets/mfa-code.js'),
    // The user named before any sign-in (flag, env, config): a saved session must be that user's.
    openIdpSession(ctx, entryUrl, settings.username.value),
  ]);
  let username: Promise<string> | undefined;
  let password: Promise<string> | undefined;
  const remembering = createPasswordMemory(ctx, new URL(entryUrl).host);
  let origin: PasswordOrigin | undefined;
  const stdin = splitStdin(options, deps.readStdin);
  let askedForPassword = false;
  let knownPassword: string | undefined;
  // The HTTP client's debug lines show URLs, which an IdP that echoes the posted password can fill with it.
  // The proxy passwords too: no line shows a proxy URL with them, and none ever may.
  const proxySecrets = proxyPasswords(ctx.proxy);
  const httpLog = redactingLogger(deps.log, () => (knownPassword ? [knownPassword, ...proxySecrets] : proxySecrets));
  const credentials = {
    username: () => (username ??= chooseUsername(settings, prompter)),
    password: async () => {
      // The IdP wanted the password: whatever session the cookies held is over, a new one starts now.
      askedForPassword = true;
      const user = username ? await username : undefined;
      return (password ??= obtainPasswordWithOrigin({
        passwordStdin: Boolean(options.passwordStdin),
        env: deps.env,
        passwordCommand: settings.passwordCommand.value,
        passwordCommandTimeoutSeconds: settings.passwordCommandTimeout.value,
        readStdin: stdin.password,
        runCommand: deps.runCommand,
        prompter,
        username: user,
        ...(user !== undefined ? { keychain: () => remembering.lookup(user) } : {}),
      }).then((got) => {
        origin = got.origin;
        return (knownPassword = got.password);
      }));
    },
  };
  const mfa = mfaOptions(ctx, stdin.code, createMfaCodeSource);
  const saveDebugPage = options.debug ? debugPageSaver(deps.env.TMPDIR) : undefined;
  let signIns = 0;
  let latest: Promise<SignedAssertion> | undefined;
  const fetchAssertion = async (): Promise<SignedAssertion> => {
    signIns += 1;
    deps.log.debug(`signing in at ${urlWithoutQuery(entryUrl)} as profile ${ctx.profile.value} (sign-in ${signIns})`);
    // With the session cache, one jar for the run: a re-sign-in for a fresh assertion rides on the
    // MSISAuth session. Without it (--no-session), a fresh jar per sign-in, so each one really signs in.
    const jar = session?.jar;
    const http = createHttpClient({ caBundlePem: ctx.caBundlePem, log: httpLog, proxy: ctx.proxy, ...(jar ? { jar } : {}) });
    askedForPassword = false;
    // Windows integrated sign-in says whether a Kerberos ticket signed in: a new IdP session then,
    // although no password was asked for.
    let byTicket = false;
    const method = settings.auth.value;
    const flow = {
      entryUrl,
      relyingParty: settings.relyingParty.value,
      log: deps.log,
      saveDebugPage,
      credentials,
      mfa,
      ...(mfa.progress ? { progress: mfa.progress } : {}),
      timeoutMs: settings.timeout.value * 1000,
    };
    const attempt = async () => {
      if (method === 'forms') return signIn({ ...flow, http });
      // The same conversation over the Windows sign-in transport: it answers AD FS's 401 challenge, the
      // forms flow does the rest (site selection, a second factor after it, error pages).
      const { signInWia } = await import('../idp/adfs/wia.js');
      const signed = await signInWia(
        { ...flow, log: httpLog },
        {
          mechanism: method === 'wia' ? 'auto' : method,
          ...(jar ? { jar } : {}),
          ...(ctx.proxy ? { proxy: ctx.proxy } : {}),
          ...(ctx.caBundlePem !== undefined ? { caBundlePem: ctx.caBundlePem } : {}),
          ...(prompter.interactive ? { notice: (line: string) => deps.err(line) } : {}),
        },
      );
      byTicket = signed.by === 'kerberos';
      if (byTicket) deps.log.debug('signed in at AD FS with the Kerberos ticket (no password asked)');
      return signed;
    };
    let samlResponse: string;
    const signing = attempt();
    // The first IdP request is on its way: the assertion parser and the SDK (the STS call that
    // follows every sign-in) load while the IdP answers, not after it (issue 8, item 3).
    const parser = import('../saml/parse.js');
    deps.sts.preload?.();
    try {
      ({ samlResponse } = await signing);
    } catch (error) {
      // A remembered password the IdP refuses is stale (changed in AD): it goes, so that no later run
      // posts it again (each try counts towards the lockout). On a terminal the user types the new one.
      // (Forms or Windows sign-in: both refusals mean the password, not the user, is wrong.)
      const refused = error instanceof IdpError && (error.code === 'IDP_BAD_CREDENTIALS' || error.code === 'IDP_WIA_BAD_CREDENTIALS');
      if (!(origin === 'keychain' && refused)) throw error;
      const user = await username!;
      await remembering.forgetRejected(user);
      if (!prompter.interactive) {
        throw new IdpError('KEYCHAIN_PASSWORD_REJECTED', `The IdP refused the password remembered in the OS keychain for ${keychainAccount(user, remembering.host)}; awsfed removed it.`, {
          hint: 'Your password has probably changed: run `awsfed login --remember-password` in a terminal to type the new one (it is remembered once the IdP accepts it).',
          cause: error,
        });
      }
      password = undefined;
      origin = undefined;
      askedForPassword = false;
      ({ samlResponse } = await attempt());
    }
    const { parseSamlResponse } = await parser;
    const assertion = parseSamlResponse(samlResponse);
    const signedInAs = username ? await username : settings.username.value;
    // Only now, with the IdP's assertion in hand, is the password known to be right.
    // A password the user keeps elsewhere (stdin, variable, command) is stored only when asked in this run.
    const storable = origin === 'prompt' || (origin !== undefined && origin !== 'keychain' && settings.rememberPassword.source === 'flag');
    if (askedForPassword && storable && signedInAs !== undefined) await remembering.store(signedInAs, knownPassword!);
    else if (!askedForPassword) remembering.notAsked(byTicket ? 'kerberos' : 'session');
    // After a Kerberos sign-in the session is the ticket's principal's, whom awsfed cannot name: unowned
    // rather than credited to a configured user name that may be someone else's.
    if (session) await session.save(askedForPassword || byTicket, byTicket ? undefined : signedInAs);
    return { samlResponse, assertion, receivedAt: deps.clock() };
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
    get rememberedPassword() {
      return remembering.stored;
    },
  };
}

/**
 * --remember-password / awsfed_remember_password (issue 8, item 2): the keychain lookup for the password
 * sources, the store after a sign-in the IdP accepted, and the removal of a refused one. A keychain that
 * cannot be used never fails the sign-in: the lookup falls through to the prompt, and a store says in one
 * line that the password was not remembered, why, and what to use instead. Nothing here is ever given
 * the password to print.
 */
function createPasswordMemory(ctx: LoginContext, host: string) {
  const { deps, settings } = ctx;
  const keychain = settings.rememberPassword.value ? deps.keychain : undefined;
  const account = (user: string) => keychainAccount(user, host);
  let refused = false;
  let warned = false;
  const memory = {
    host,
    stored: false,
    async lookup(user: string): Promise<string | undefined> {
      if (!keychain || refused) return undefined;
      try {
        const found = await keychain.get(account(user));
        deps.log.debug(`OS keychain: ${found ? 'a' : 'no'} password remembered for ${account(user)}`);
        return found;
      } catch (error) {
        deps.log.debug(`OS keychain: not used (${unavailableReason(error)})`);
        return undefined;
      }
    },
    async store(user: string, password: string): Promise<void> {
      if (!settings.rememberPassword.value || memory.stored) return;
      if (!keychain) return notRemembered('this awsfed has no OS keychain');
      try {
        await keychain.set(account(user), password);
        memory.stored = true;
        deps.err(`Remembered the password for ${account(user)} in the ${keychain.name}; \`awsfed logout --forget-password\` removes it.`);
      } catch (error) {
        notRemembered(unavailableReason(error));
      }
    },
    async forgetRejected(user: string): Promise<void> {
      refused = true;
      let removed = false;
      try {
        removed = keychain ? await keychain.delete(account(user)) : false;
      } catch (error) {
        deps.log.debug(`OS keychain: could not remove the refused password (${unavailableReason(error)})`);
      }
      deps.err(`The IdP refused the password remembered for ${account(user)}${removed ? '; removed it from the OS keychain' : ''}.`);
    },
    /** The IdP session (or a Kerberos ticket) carried the sign-in: no password was asked for, so there was none to remember. */
    notAsked(by: 'session' | 'kerberos'): void {
      if (settings.rememberPassword.source !== 'flag' || warned) return;
      warned = true;
      deps.err(
        by === 'kerberos'
          ? '--remember-password: the Kerberos ticket signed in, so no password was asked for and none was stored; to keep one for NTLM, run `awsfed login --auth ntlm --remember-password`.'
          : '--remember-password: the IdP session was still valid, so no password was asked for and none was stored; run `awsfed login --remember-password --no-session` to type and store it.',
      );
    },
  };
  const notRemembered = (reason: string): void => {
    if (warned) return;
    warned = true;
    deps.err(
      `Password not remembered: ${reason}. Instead, use a password command (\`awsfed configure --password-command 'pass show corp/ad'\`, or secret-tool/keepassxc-cli) or rely on the IdP session cache, which spares the password while the IdP session lasts.`,
    );
  };
  return memory;
}

/**
 * --password-stdin / --mfa-code-stdin read stdin to its end: on a terminal that is a wait with no prompt
 * while what the user types is echoed. On a terminal the hidden prompt is the way; the flags are for pipes.
 */
function refuseTerminalStdin(options: LoginOptions, stdinIsTerminal: boolean): void {
  if (!stdinIsTerminal) return;
  const flag = options.mfaCodeStdin ? '--mfa-code-stdin' : options.passwordStdin ? '--password-stdin' : undefined;
  if (flag === undefined) return;
  throw new UsageError('STDIN_IS_TERMINAL', `${flag} reads standard input, but it is this terminal: awsfed would wait without a prompt and echo what you type.`, {
    hint: `Pipe it in (${options.passwordStdin && options.mfaCodeStdin
      ? `printf '%s\\n%s\\n' "$PW" "$CODE" | awsfed login --password-stdin --mfa-code-stdin`
      : options.mfaCodeStdin ? 'oathtool --totp KEY | awsfed login --mfa-code-stdin' : 'pass show corp/ad | awsfed login --password-stdin'}), or leave ${flag} out to be asked with a hidden prompt.`,
  });
}

/**
 * With both --password-stdin and --mfa-code-stdin, stdin holds the password on its first line and the
 * code on the second; stdin is read once either way.
 */
function splitStdin(options: LoginOptions, readStdin: () => Promise<string>): { password: () => Promise<string>; code: (() => Promise<string>) | undefined } {
  if (!options.mfaCodeStdin) return { password: readStdin, code: undefined };
  let text: Promise<string> | undefined;
  const read = () => (text ??= readStdin());
  const line = async (n: number) => (await read()).split(/\r?\n/)[n] ?? '';
  return options.passwordStdin ? { password: () => line(0), code: () => line(1) } : { password: readStdin, code: () => line(0) };
}

/** The second-factor ports: where codes come from, how a method is chosen, and the status lines. */
function mfaOptions(
  ctx: LoginContext,
  stdinCode: (() => Promise<string>) | undefined,
  createMfaCodeSource: typeof import('../secrets/mfa-code.js').createMfaCodeSource,
): SignInMfaOptions {
  const { settings, prompter, deps, options } = ctx;
  const method = settings.mfaMethod.value;
  const progress = deps.progress?.();
  return {
    codes: createMfaCodeSource({
      flag: options.mfaCode,
      stdinCode,
      env: deps.env,
      command: settings.mfaCommand.value,
      commandTimeoutSeconds: settings.passwordCommandTimeout.value,
      runCommand: deps.runCommand,
      prompter,
    }),
    chooser: {
      interactive: prompter.interactive,
      choose: (message, methods) => prompter.choose(message, methods.map((m) => ({ value: m.id, name: `${m.name} (${m.id})` }))),
    },
    prompter,
    status: deps.err,
    // A live countdown only on a terminal (the port draws nothing elsewhere); a script's log gets one waiting line.
    ...(progress ? { progress } : {}),
    settings: {
      timeoutMs: settings.mfaTimeout.value * 1000,
      ...(options.unattended ? { unattended: true } : {}),
      ...(method !== undefined ? { method: { value: method, where: settingWhere('mfaMethod', settings.mfaMethod.source, ctx.paths.configFile) } } : {}),
    },
  };
}

interface IdpSession {
  jar: import('tough-cookie').CookieJar;
  /** Keeps the jar's cookies for the next run; `fresh` when this sign-in asked for the password (as `username`). */
  save(fresh: boolean, username: string | undefined): Promise<void>;
}

/**
 * The IdP session for this run (issue 7, section 4): the cookies saved by an earlier run for the entry
 * URL's host, or an empty jar; undefined under --no-session. Saving never fails the sign-in: a cache
 * that cannot be written costs the next run a password prompt, so it is a warning.
 */
async function openIdpSession(ctx: LoginContext, entryUrl: string, username: string | undefined): Promise<IdpSession | undefined> {
  const { deps, options } = ctx;
  if (options.noSession) {
    deps.log.debug('IdP session cache: skipped (--no-session)');
    return undefined;
  }
  const [{ CookieJar }, { createSessionStore }, { sessionCacheDir }] = await Promise.all([
    import('tough-cookie'),
    import('../session/session-store.js'),
    import('../session/cache-dir.js'),
  ]);
  const host = new URL(entryUrl).host;
  const store = createSessionStore({ dir: sessionCacheDir(deps.env, deps.homeDir, deps.platform ?? 'linux'), clock: deps.clock, log: deps.log });
  const cached = await store.load(host, username);
  const jar = cached?.jar ?? new CookieJar();
  let authenticatedAt = cached?.authenticatedAt;
  let owner = cached?.username;
  return {
    jar,
    save: async (fresh, signedInAs) => {
      if (fresh || authenticatedAt === undefined) {
        authenticatedAt = deps.clock();
        owner = signedInAs;
      }
      try {
        await store.save(host, jar, authenticatedAt, owner);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        deps.log.warn(`could not save the IdP session in ${store.fileFor(host)} (${code ?? 'error'}); the next sign-in will ask again.`);
      }
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
  const target = stsTarget(ctx, role, notes);
  let durationSeconds = requestedSeconds;
  let renewed = false;
  for (;;) {
    let signed = await source.current();
    if (ctx.deps.clock().getTime() - signed.receivedAt.getTime() > ASSERTION_USABLE_MS) signed = await source.renew(signed);
    try {
      const { withProgress } = await import('../ui/progress.js');
      const credentials = await withProgress(ctx.deps.progress?.(), `Asking AWS STS for ${roleLabel(role)}…`, () =>
        ctx.deps.sts.assumeRoleWithSaml(target, {
          roleArn: role.roleArn,
          principalArn: role.principalArn,
          samlAssertion: signed.samlResponse,
          durationSeconds,
        }),
      );
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

/** Later sign-ins of this profile (login, the re-logins of refresh/switch/exec, credential-process) then look in the keychain. */
export function markRememberedPassword(doc: IniDocument, profile: string): void {
  doc.set(configSectionName(profile), 'awsfed_remember_password', 'true');
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
  // A malformed awsfed_account_aliases fails before the password is posted, not at the role list.
  if (ctx.settings.accountAliases.value !== undefined) (await import('../roles/profile-names.js')).parseAccountAliases(ctx.settings.accountAliases.value);
  const source = await createAssertionSource(ctx);
  const signed = await source.current();
  const { assertion } = signed;
  const role = await chooseRole(
    assertion,
    ctx.settings,
    ctx.prompter,
    ctx.paths.configFile,
    {
      ...(ctx.lastPrincipalArn ? { lastPrincipalArn: ctx.lastPrincipalArn } : {}),
      reuse: Boolean(options.reuseLastRole),
    },
    () => accountNamesOf(ctx, signed),
  );

  const notes: string[] = [];
  const redeeming = redeemRole(ctx, source, role, requestedDuration(ctx, assertion), notes);
  // The file store (locking, atomic writes, node:crypto) loads while STS answers, not after (issue 8, item 3).
  ctx.deps.files.preload?.();
  const { credentials, durationSeconds } = await redeeming;

  await ctx.deps.files.update(ctx.paths.credentialsFile, (doc) =>
    applyCredentials(doc, ctx.profile.value, { ...credentials, principalArn: credentials.assumedRoleArn }),
  { onWait: ctx.deps.err });
  await ctx.deps.files.update(
    ctx.paths.configFile,
    (doc) => {
      rememberProfileConfig(doc, ctx.settings, ctx.profile.value, assertion.roleSessionName);
      if (source.rememberedPassword) markRememberedPassword(doc, ctx.profile.value);
    },
    { onWait: ctx.deps.err },
  );

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

export interface LastRole {
  /** x_principal_arn the profile's keys were issued to (arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION). */
  lastPrincipalArn?: string;
  /** Take that role without asking when it is a candidate (a re-login by refresh/switch/exec). */
  reuse?: boolean;
}

/**
 * The role the profile last held, among the assertion's roles. The assumed-role ARN has no role path,
 * so partition, account and name are compared (IAM role names are unique per account, case-insensitively).
 */
export function lastHeldRole(roles: readonly SamlRole[], lastPrincipalArn: string | undefined): SamlRole | undefined {
  const held = lastPrincipalArn ? parseAssumedRoleArn(lastPrincipalArn) : undefined;
  if (!held) return undefined;
  return roles.find(
    (r) => r.partition === held.partition && r.accountId === held.accountId && r.roleName.toLowerCase() === held.roleName.toLowerCase(),
  );
}

/**
 * Names for the accounts of the assertion (local mapping, cache, else one post to the AWS sign-in page).
 * Never throws: names are a convenience, the login goes on with account ids.
 */
export async function accountNamesOf(ctx: LoginContext, signed: SignedAssertion): Promise<ReadonlyMap<string, string>> {
  const { parseAccountAliases } = await import('../roles/profile-names.js');
  const localAliases = parseAccountAliases(ctx.settings.accountAliases.value);
  const { accountNamesFor } = await import('../aliases/account-names.js');
  try {
    return await accountNamesFor({
      profile: ctx.profile.value,
      roles: signed.assertion.roles,
      samlResponse: signed.samlResponse,
      ...(signed.assertion.destination !== undefined ? { destination: signed.assertion.destination } : {}),
      localAliases,
      ...(ctx.settings.signinEndpoint.value !== undefined ? { signinEndpoint: ctx.settings.signinEndpoint.value } : {}),
      noLookup: !ctx.settings.accountNameLookup.value,
      ...(ctx.caBundlePem !== undefined ? { caBundlePem: ctx.caBundlePem } : {}),
      proxy: ctx.proxy,
      env: ctx.deps.env,
      homeDir: ctx.deps.homeDir,
      ...(ctx.deps.platform !== undefined ? { platform: ctx.deps.platform } : {}),
      clock: ctx.deps.clock,
      log: ctx.deps.log,
    });
  } catch (error) {
    ctx.deps.log.debug(`account names: ${(error as Error).message}; showing account ids`);
    return localAliases;
  }
}

export async function chooseRole(
  assertion: SamlAssertion,
  settings: Settings,
  prompter: Prompter,
  configFile = '~/.aws/config',
  last: LastRole = {},
  /** Asked only when the list is drawn: a configured role or a single one needs no names. */
  accountNames: () => Promise<ReadonlyMap<string, string>> = async () => new Map(),
): Promise<SamlRole> {
  const sorted = sortRoles(assertion.roles);
  const previous = lastHeldRole(sorted, last.lastPrincipalArn);
  // The role last held comes first in the list (and is the one taken by a re-login), followed by the
  // other roles of its account so that the list's account groups stay whole.
  const sameAccount = (r: SamlRole) => r.accountId === previous?.accountId && r.partition === previous.partition;
  const roles = previous
    ? [previous, ...sorted.filter((r) => r !== previous && sameAccount(r)), ...sorted.filter((r) => !sameAccount(r))]
    : sorted;
  const listing = () => roles.map((r) => `  ${r.roleArn}`).join('\n');
  // A re-login keeps the role the profile held, over a stored awsfed_role too (the user may have
  // chosen another one with --role since); a --role or AWSFED_ROLE given for this run still rules.
  if (last.reuse && previous && (settings.role.source === 'profile' || settings.role.source === 'default')) return previous;
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
    if (last.reuse && previous && candidates.includes(previous)) return previous;
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
  const names = await accountNames();
  return prompter.choose(
    `Choose a role (${candidates.length}; type to filter):`,
    candidates.map((r) => {
      const name = names.get(r.accountId);
      const account = name === undefined ? r.accountId : `${name} (${r.accountId})`;
      return { value: r, name: r.roleName, group: `${account}${r.partition === 'aws' ? '' : ` (${r.partition})`}` };
    }),
  );
}

/** Notes are shown once, on stderr, as they happen; the list is kept for the caller's result. */
function addNote(ctx: LoginContext, notes: string[], text: string): void {
  if (notes.includes(text)) return;
  notes.push(text);
  ctx.deps.log.warn(text);
}

function stsTarget(ctx: LoginContext, role: SamlRole, notes: string[]): StsTarget {
  const { settings, caBundlePem, proxy } = ctx;
  let region = settings.region.value;
  const fallback = stsRegionFor(role.partition, region);
  if (fallback !== region && settings.stsEndpoint.value === undefined) {
    addNote(ctx, notes, `Role ${roleLabel(role)} is in partition ${role.partition}; used STS in ${fallback} instead of ${region}.`);
    region = fallback;
  }
  return { region, endpoint: settings.stsEndpoint.value, caBundlePem, proxy };
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

