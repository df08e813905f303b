/**
 * awsfed doctor (issue 9, item 4): checks what stands between the user and a working login, and says
 * how to fix each thing. File checks first (pure, on the files' text), then the network probes, all at
 * once and each under its own short deadline, so that an offline machine gets "unreachable" findings
 * within seconds instead of a hang. Exit status: 0 unless a finding is an error (warnings are advice).
 */
import type { Deps } from '../deps.js';
import { AppError, isAppError } from '../errors.js';
import { configSectionName, resolveAwsPaths } from '../config/paths.js';
import { loadCaBundle } from '../config/ca-bundle.js';
import { resolveProfileName, resolveSettings, settingOrigin, type Settings } from '../config/settings.js';
import { isGatewayProfile } from '../catalog/destination.js';
import { parseIni, type IniDocument } from '../ini/document.js';
import { normalizeIdpUrl } from '../idp/entry-url.js';
import { trustedCas } from '../net-errors.js';
import { MAX_SESSION_AGE_MS } from '../session/session-store.js';
import { hostOfSessionFile, sessionCacheDir } from '../session/cache-dir.js';
import { finding, hasErrors, type DoctorReport, type Finding } from '../doctor/finding.js';
import { lintAwsFile, type AwsFileKind } from '../doctor/ini-lint.js';
import { checkProfiles } from '../doctor/profile-checks.js';
import { checkPermission, PERMISSION_RULES } from '../doctor/permission-checks.js';
import type { DoctorSystem } from '../doctor/system.js';
import type { HttpProbe, ProbeResult, TlsInfo } from '../doctor/net-probes.js';
import { describeProxyFailure, proxyFor, type ProxyChoice, type ProxyConfig } from '../http/proxy.js';
import { stsEndpointUrl } from '../sts/endpoint.js';
import { proxyConfigFor } from './proxy-config.js';

export interface DoctorOptions {
  profile?: string;
  /** Skip every network check. */
  offline?: boolean;
  /** Per probe; default 5 s. */
  timeoutMs?: number;
}

/** SAML assertions live about 5 minutes: a clock that far off fails the sign-in; 2 minutes is a warning. */
const SKEW_WARNING_MS = 2 * 60 * 1000;
const SKEW_ERROR_MS = 5 * 60 * 1000;
const CERT_EXPIRY_WARNING_MS = 14 * 24 * 60 * 60 * 1000;
const DEFAULT_PROBE_TIMEOUT_MS = 5000;

export async function doctor(options: DoctorOptions, deps: Deps, system: DoctorSystem): Promise<DoctorReport> {
  const paths = resolveAwsPaths(deps.env, deps.homeDir);
  const findings: Finding[] = [];
  const config = readAwsFile(paths.configFile, 'config', system, findings);
  const credentials = readAwsFile(paths.credentialsFile, 'credentials', system, findings);
  if (config && credentials) findings.push(...checkProfiles(config, credentials, paths.configFile, paths.credentialsFile));

  const cfg = config ?? parseIni('', paths.configFile);
  const profile = resolveProfileName(options.profile, deps.env, (name) => isGatewayProfile(cfg, name));
  const section = cfg.getSection(configSectionName(profile.value));
  let settings: Settings | undefined;
  try {
    settings = resolveSettings({}, deps.env, profile, section);
  } catch (error) {
    if (!isAppError(error)) throw error;
    findings.push(finding('settings.invalid', 'error', error.message, '', error.hint));
  }
  if (!section && config) {
    findings.push(finding('profile.missing', 'warning', `Profile ${profile.value} has no [${configSectionName(profile.value)}] in ${paths.configFile}`, '', `awsfed configure --profile ${profile.value}`));
  }

  const uid = deps.platform === 'win32' ? undefined : system.uid;
  if (deps.platform !== 'win32') {
    findings.push(...checkPermission(system.stat(paths.awsDir), PERMISSION_RULES.awsDir, uid));
    findings.push(...checkPermission(system.stat(paths.credentialsFile), PERMISSION_RULES.credentials, uid));
    findings.push(...checkPermission(system.stat(paths.configFile), PERMISSION_RULES.config, uid));
  }
  findings.push(...(await sessionCacheFindings(deps, system, uid)));
  // The proxies as the login resolves them (proxy-config.ts): the probes below go the same way.
  let proxy: ProxyConfig | undefined;
  if (settings) {
    try {
      proxy = proxyConfigFor(settings, deps.env, paths.configFile);
      findings.push(proxyFinding(proxy));
    } catch (error) {
      if (!isAppError(error)) throw error;
      findings.push(finding('proxy', 'error', error.message, 'The login fails the same way; the network checks were skipped.', error.hint));
    }
  }

  const [network, keychain, kerberos] = await Promise.all([
    settings && proxy ? networkFindings(options, deps, system, settings, profile.value, proxy) : [],
    settings ? keychainFindings(deps, settings, profile.value) : [],
    settings ? kerberosFindingsFor(options, system, settings) : [],
  ]);
  findings.push(...network, ...keychain, ...kerberos);
  return { profile: profile.value, findings };
}

/** Windows integrated sign-in with a ticket (awsfed_auth = wia or kerberos): can one be had now? */
async function kerberosFindingsFor(options: DoctorOptions, system: DoctorSystem, settings: Settings): Promise<Finding[]> {
  const auth = settings.auth.value;
  if (auth !== 'wia' && auth !== 'kerberos') return [];
  let idpUrl: string | undefined;
  try {
    idpUrl = settings.idpUrl.value ? normalizeIdpUrl(settings.idpUrl.value) : undefined;
  } catch {
    return []; // the IdP URL's own finding says what is wrong with it
  }
  const { kerberosFindings } = await import('../doctor/kerberos-check.js');
  return kerberosFindings({
    auth,
    idpUrl,
    offline: Boolean(options.offline),
    ...(system.negotiate ? { start: system.negotiate } : {}),
  });
}

/**
 * The remembered password's keychain. Only looked at when the profile opted in (awsfed_remember_password):
 * a lookup on a locked Linux keyring may pop an unlock dialog, which nobody who never asked should see.
 * Says whether the keychain answers and whether it holds an entry; never the password.
 */
export async function keychainFindings(deps: Pick<Deps, 'keychain'>, settings: Settings, profile: string): Promise<Finding[]> {
  if (!settings.rememberPassword.value) {
    return [finding('keychain.unused', 'info', `Profile ${profile} does not remember its password in a keychain`, 'The password comes from a prompt, --password-stdin, AWSFED_PASSWORD or awsfed_password_command.', null)];
  }
  const keychain = deps.keychain;
  if (!keychain) return [finding('keychain.unavailable', 'warning', 'No keychain is available in this build', '', 'Use awsfed_password_command instead of --remember-password.')];
  const idp = settings.idpUrl.value;
  const username = settings.username.value;
  if (!idp || !username) return [finding('keychain.no-account', 'warning', `Profile ${profile} remembers its password but has no IdP URL or user name to look it up by`, '', `awsfed configure --profile ${profile}`)];
  const { keychainAccount, unavailableReason } = await import('../secrets/keychain.js');
  let host: string;
  try {
    host = new URL(normalizeIdpUrl(idp)).host;
  } catch {
    return [];
  }
  const account = keychainAccount(username, host);
  try {
    const entry = await keychain.get(account);
    return entry === undefined
      ? [finding('keychain.no-entry', 'warning', `${keychain.name} holds no password for ${account}`, 'The next sign-in asks for it (or fails without a terminal).', `awsfed login --profile ${profile} --remember-password`)]
      : [finding('keychain.ok', 'ok', `${keychain.name} holds the password for ${account}`)];
  } catch (error) {
    return [finding('keychain.unavailable', 'warning', `The keychain cannot be used: ${unavailableReason(error)}`, '', 'Start a Secret Service (GNOME Keyring, KWallet, KeePassXC) or use awsfed_password_command.')];
  }
}

/** The doctor found errors: the report is on stdout already, this is the one line on stderr and the exit status. */
export function doctorFailure(report: DoctorReport): AppError | undefined {
  if (!hasErrors(report)) return undefined;
  const n = report.findings.filter((f) => f.severity === 'error').length;
  return new AppError('DOCTOR_PROBLEMS', `awsfed doctor found ${n} problem${n === 1 ? '' : 's'}`);
}

function readAwsFile(path: string, kind: AwsFileKind, system: DoctorSystem, findings: Finding[]): IniDocument | undefined {
  let text: string | undefined;
  try {
    text = system.readText(path);
  } catch (error) {
    if (!isAppError(error)) throw error;
    findings.push(finding(`${kind}.unreadable`, 'error', error.message, '', error.hint));
    return undefined;
  }
  if (text === undefined) {
    findings.push(finding(`${kind}.missing`, 'info', `${path} does not exist`, kind === 'config' ? 'awsfed configure creates it.' : 'awsfed login creates it.'));
    return parseIni('', path);
  }
  const lint = lintAwsFile(text, path, kind);
  findings.push(...lint);
  try {
    const doc = parseIni(text, path);
    if (lint.length === 0) findings.push(finding(`${kind}.parse`, 'ok', `${path} parses cleanly for the AWS CLI and awsfed`));
    return doc;
  } catch (error) {
    if (!isAppError(error)) throw error;
    findings.push(finding(`${kind}.awsfed-parse`, 'error', `awsfed cannot parse ${error.message}`, 'awsfed never rewrites a file it cannot parse; login and refresh fail until it is fixed.', `fix that line of ${path}`));
    return undefined;
  }
}

/** The IdP session files, judged by the session store's own reading (what the next login will make of each). */
async function sessionCacheFindings(deps: Deps, system: DoctorSystem, uid: number | undefined): Promise<Finding[]> {
  const dir = sessionCacheDir(deps.env, deps.homeDir, deps.platform ?? 'linux');
  const out: Finding[] = [];
  const stat = system.stat(dir);
  if (stat.mode === undefined) return [finding('session.cache', 'info', `No IdP session cache yet (${dir})`, 'The first awsfed login saves one.')];
  if (deps.platform !== 'win32') out.push(...checkPermission(stat, PERMISSION_RULES.cacheDir, uid));
  const now = deps.clock().getTime();
  const names = system.list(dir).filter((n) => n.endsWith('.json'));
  const files = names.map((name) => `${dir}/${name}`);
  // Each file as the login for its host would read it: a file under another host's name is not used.
  const checks = await Promise.all(names.map((name, i) => system.inspectSession(files[i]!, now, hostOfSessionFile(name))));
  files.forEach((file, i) => {
    const check = checks[i]!;
    switch (check.state) {
      case 'missing':
        return;
      case 'unsafe':
        out.push(finding('session.file', 'warning', `The IdP session file ${file} is ${check.why}; awsfed ignores it`, 'It holds session cookies: only a regular file of yours that only you can read is used.', `rm ${file}`));
        return;
      case 'unusable':
        out.push(finding('session.file', 'warning', `The IdP session file ${file} cannot be used: ${check.why}`, 'awsfed ignores it and signs in as usual.', `awsfed logout (or delete ${file})`));
        return;
      case 'expired':
        out.push(finding('session.file', 'info', `IdP session for ${check.host} is spent (${check.why}); the next login asks again`));
        return;
      case 'usable': {
        const left = check.session.authenticatedAt.getTime() + MAX_SESSION_AGE_MS - now;
        out.push(finding('session.file', 'ok', `IdP session for ${check.host}: reused without a password for ${Math.round(left / 60000)} more minute(s)`));
      }
    }
  });
  return out;
}

/** What the login would go through, from proxy.ts's own reading (never a user name or password: display only). */
function proxyFinding(config: ProxyConfig): Finding {
  const shown = (c: ProxyChoice) => `${c.display} (from ${c.origin})`;
  const { https, http } = config;
  const parts: string[] = [];
  if (https && http && shown(https) === shown(http)) parts.push(`${https.display} for https and http (from ${https.origin})`);
  else {
    if (https) parts.push(`${https.display} for https (from ${https.origin})`);
    if (http) parts.push(`${http.display} for http (from ${http.origin})`);
  }
  const noProxy = config.noProxy.length ? `; NO_PROXY: ${config.noProxy.join(',')}` : '';
  if (parts.length === 0) return finding('proxy', 'info', `No proxy configured (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, awsfed_proxy are unset)${noProxy}`);
  return finding('proxy', 'info', `Proxy in force: ${parts.join(', ')}${noProxy}`, 'The network checks below go the way the login goes: through the proxy, or directly where NO_PROXY names the host.');
}

/** Which way a probe of `url` goes, as its finding says it. */
function routeOf(url: string, config: ProxyConfig): { choice?: ProxyChoice; text: string } {
  const choice = proxyFor(url, config);
  if (choice) return { choice, text: `through the proxy ${choice.display} (from ${choice.origin})` };
  const scheme = new URL(url).protocol === 'https:' ? config.https : config.http;
  return { text: scheme ? 'directly (NO_PROXY names it)' : 'directly' };
}

/**
 * A probe that failed because of the proxy itself (it wants credentials, refused the CONNECT, cannot be
 * reached): the proxy's finding, not the target's. A 502/503/504 is the proxy saying the target is
 * down or unreachable from it: that is the target's finding (undefined here).
 */
function proxyProblem(result: ProbeResult<unknown>, what: string): Finding | undefined {
  const failure = result.ok ? undefined : result.proxyFailure;
  if (!failure) return undefined;
  if (failure.kind === 'refused' && failure.status !== undefined && failure.status >= 502 && failure.status <= 504) return undefined;
  const { message, hint } = describeProxyFailure(failure);
  return finding('proxy.connect', 'error', message, `Met while checking ${what}; the login goes the same way and fails there too.`, hint);
}

function unreachableReason(result: { error: string; proxyFailure?: { status?: number } }): string {
  return result.proxyFailure?.status ? `the proxy answered HTTP ${result.proxyFailure.status}` : result.error;
}

async function networkFindings(options: DoctorOptions, deps: Deps, system: DoctorSystem, settings: Settings, profile: string, proxy: ProxyConfig): Promise<Finding[]> {
  const out: Finding[] = [];
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const configFile = deps.env.AWS_CONFIG_FILE || '~/.aws/config';
  let ca: string[] | undefined;
  if (settings.caBundle.value) {
    const origin = settingOrigin('caBundle', settings.caBundle, deps.env, profile, configFile);
    try {
      ca = trustedCas((await loadCaBundle(settings.caBundle.value)) as string);
      out.push(finding('tls.ca-bundle', 'info', `CA bundle: ${settings.caBundle.value} (from ${origin}), added to Node's built-in roots`));
    } catch (error) {
      if (!isAppError(error)) throw error;
      out.push(finding('tls.ca-bundle', 'error', error.message, `Set by ${origin}.`, error.hint));
    }
  } else {
    out.push(finding('tls.ca-bundle', 'info', "CA bundle: Node's built-in roots (no --ca-bundle, AWSFED_CA_BUNDLE, AWS_CA_BUNDLE or awsfed_ca_bundle)"));
  }
  if (options.offline) {
    out.push(finding('network.skipped', 'info', 'Network checks skipped (--offline)'));
    return out;
  }

  let idpUrl: string | undefined;
  if (settings.idpUrl.value) {
    try {
      idpUrl = normalizeIdpUrl(settings.idpUrl.value);
    } catch (error) {
      if (!isAppError(error)) throw error;
      out.push(finding('idp.url', 'error', error.message, '', error.hint));
    }
  } else {
    out.push(finding('idp.url', 'warning', `No IdP URL for profile ${profile}`, 'The IdP checks (reachability, TLS, clock) were skipped.', `awsfed configure --profile ${profile} --idp-url adfs.example.com`));
  }
  const sts = stsEndpointUrl(settings.region.value, settings.stsEndpoint.value || undefined);
  const idpRoute = idpUrl ? routeOf(idpUrl, proxy) : undefined;
  const stsRoute = routeOf(sts, proxy);
  const started = deps.clock().getTime();
  const [idp, stsProbe] = await Promise.all([
    idpUrl ? system.probeHttp(idpUrl, { ca, timeoutMs, ...(idpRoute?.choice ? { proxy: idpRoute.choice } : {}) }) : Promise.resolve(undefined),
    system.probeConnect(sts, { ...(settings.stsEndpoint.value ? { ca } : {}), timeoutMs, ...(stsRoute.choice ? { proxy: stsRoute.choice } : {}) }),
  ]);
  const now = deps.clock().getTime();

  if (idpUrl && idp && idpRoute) {
    out.push(...idpFindings(idpUrl, idp, idpRoute.text, started, now, deps.clock().getTime()));
  }

  const stsHost = new URL(sts).host;
  const where = settings.stsEndpoint.value ? `set by ${settingOrigin('stsEndpoint', settings.stsEndpoint, deps.env, profile, configFile)}` : `the regional endpoint of ${settings.region.value}`;
  const stsProxyProblem = proxyProblem(stsProbe, `STS at ${stsHost}`);
  if (stsProxyProblem) out.push(stsProxyProblem);
  else if (!stsProbe.ok) {
    out.push(finding('sts.reachable', 'error', `STS at ${stsHost} cannot be reached ${stsRoute.text}: ${unreachableReason(stsProbe)}`, `Endpoint: ${where}.`, 'check the network, VPN or proxy, and the region or --sts-endpoint / AWS_ENDPOINT_URL_STS'));
  } else {
    out.push(finding('sts.reachable', 'ok', `STS at ${stsHost} accepts connections ${stsRoute.text} (${where})`));
    if (stsProbe.tls && !stsProbe.tls.authorized) out.push(...tlsFindings('sts.tls', stsHost, stsProbe.tls, now));
  }
  return dedupe(out);
}

function idpFindings(idpUrl: string, idp: ProbeResult<HttpProbe>, route: string, started: number, now: number, later: number): Finding[] {
  const url = new URL(idpUrl);
  const host = url.host;
  const problem = proxyProblem(idp, `the IdP ${host}`);
  if (problem) return [problem];
  if (!idp.ok) {
    return [finding('idp.reachable', 'error', `The IdP ${host} cannot be reached ${route}: ${unreachableReason(idp)}`, `GET ${url.origin}${url.pathname}`, 'check the IdP URL (awsfed_idp_url), the network, VPN or proxy')];
  }
  return [
    finding('idp.reachable', 'ok', `The IdP ${host} answers (HTTP ${idp.status}) ${route}`),
    ...(idp.tls ? tlsFindings('idp.tls', host, idp.tls, later) : []),
    ...clockFindings(host, idp.date, (started + now) / 2),
  ];
}

/** One proxy that cannot be reached fails every probe alike: say it once. */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.id}\n${f.title}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function tlsFindings(id: string, host: string, tls: TlsInfo, now: number): Finding[] {
  const issuer = tls.issuer ? `issued by ${tls.issuer}` : 'issuer unknown';
  const expiry = tls.validTo ? `, valid until ${tls.validTo.toISOString()}` : '';
  if (!tls.authorized) {
    return [
      finding(
        id,
        'error',
        `The TLS certificate of ${host} is not trusted (${tls.authorizationError ?? 'unverified'})`,
        `Certificate ${tls.subject ? `for ${tls.subject}, ` : ''}${issuer}${expiry}.`,
        "point AWS_CA_BUNDLE (or --ca-bundle / awsfed_ca_bundle) at your company's root CA (PEM)",
      ),
    ];
  }
  if (tls.validTo && tls.validTo.getTime() - now < CERT_EXPIRY_WARNING_MS) {
    return [finding(id, 'warning', `The TLS certificate of ${host} expires soon (${tls.validTo.toISOString()})`, `Certificate ${issuer}.`, 'tell the IdP administrators')];
  }
  return [finding(id, 'ok', `The TLS certificate of ${host} is trusted (${issuer}${expiry})`)];
}

/** Offset of this machine's clock from the IdP's Date header (second precision, so under 2 s means nothing). */
export function clockFindings(host: string, date: string | undefined, localMs: number): Finding[] {
  const remote = date ? Date.parse(date) : Number.NaN;
  if (Number.isNaN(remote)) return [finding('clock.skew', 'info', `The IdP ${host} sent no Date header: clock not checked`)];
  const skew = localMs - remote;
  const seconds = Math.round(Math.abs(skew) / 1000);
  const way = skew > 0 ? 'ahead of' : 'behind';
  const detail = 'SAML assertions are valid for minutes only: a clock that far off makes the IdP or STS reject them.';
  const fix = 'sync the clock (e.g. sudo timedatectl set-ntp true, or w32tm /resync on Windows)';
  if (Math.abs(skew) > SKEW_ERROR_MS) return [finding('clock.skew', 'error', `This computer's clock is ${seconds} s ${way} the IdP ${host}`, detail, fix)];
  if (Math.abs(skew) > SKEW_WARNING_MS) return [finding('clock.skew', 'warning', `This computer's clock is ${seconds} s ${way} the IdP ${host}`, detail, fix)];
  return [finding('clock.skew', 'ok', `Clock within ${Math.max(seconds, 1)} s of the IdP ${host}`)];
}
