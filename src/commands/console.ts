/**
 * awsfed console [NAME]: opens the AWS console as a profile through the federation endpoint
 * (getSigninToken, then a login URL), or prints that URL; `--switch-links` prints the console's
 * Switch Role links for the catalog instead.
 *
 * The login URL is a bearer credential for 15 minutes: it goes to stdout under --print, to the browser
 * otherwise, and never into a log line, an error or --debug output.
 */
import { configSectionName, resolveAwsPaths } from '../config/paths.js';
import { parseDuration, resolveProfileName, resolveSettings } from '../config/settings.js';
import type { Deps } from '../deps.js';
import { AppError, UsageError } from '../errors.js';
import { parseIni } from '../ini/document.js';
import type { Partition } from '../saml/types.js';
import { isGatewayProfile, readDestination, readDestinations } from '../catalog/destination.js';
import {
  chooseSessionDuration,
  consoleDestination,
  getSigninTokenUrl,
  loginUrl,
  signinBase,
} from '../console/federation.js';
import type { SwitchLink } from '../console/switch-links.js';
import { formatSwitchLinks, switchLinks } from '../console/switch-links.js';
import { withoutSecretVariables } from '../redact.js';
import { loadCaBundle } from '../config/ca-bundle.js';
import { proxyConfigFor } from './proxy-config.js';
import { partitionOfArn } from '../partition.js';

export interface ConsoleOptions {
  name?: string;
  print?: boolean;
  switchLinks?: boolean;
  /** Seconds or 1h/90m; only for credentials that are not role-chained. */
  duration?: string;
  /** A console service name (s3) or a full https console URL. */
  destination?: string;
  /** Federation endpoint base (default https://signin.<partition host>); env AWSFED_SIGNIN_ENDPOINT, key awsfed_signin_endpoint. */
  signinEndpoint?: string;
  noPrompt?: boolean;
  /** process.platform, for the browser opener (xdg-open, open, start). */
  platform?: string;
}

export type ConsoleResult =
  | { mode: 'links'; links: SwitchLink[] }
  | { mode: 'print'; profile: string; url: string; notes: string[] }
  | { mode: 'opened'; profile: string; notes: string[] };

export async function consoleCommand(options: ConsoleOptions, deps: Deps): Promise<ConsoleResult> {
  const paths = resolveAwsPaths(deps.env, deps.homeDir);
  const config = (await deps.files.read(paths.configFile)) ?? parseIni('', paths.configFile);

  if (options.switchLinks) {
    const all = readDestinations(config);
    const chosen = options.name === undefined ? all : all.filter((d) => d.name === options.name);
    if (chosen.length === 0) {
      throw new UsageError(
        'CONSOLE_NO_DESTINATIONS',
        options.name === undefined ? `no destinations in ${paths.configFile}` : `"${options.name}" is not a destination in ${paths.configFile}`,
        { hint: 'Add one with `awsfed add NAME --account 123456789012 --role ROLE`; `awsfed list` shows the catalog.' },
      );
    }
    // A destination without its own display name shows the account's name too, when one is known.
    const { knownAccountNames } = await import('../aliases/known-names.js');
    const names = await knownAccountNames(config, deps);
    const named = chosen.map((d) => (d.displayName === undefined && names.has(d.accountId) ? { ...d, displayName: `${d.name} (${names.get(d.accountId)!})` } : d));
    return { mode: 'links', links: switchLinks(named) };
  }

  const name =
    options.name ??
    resolveProfileName(undefined, deps.env, (n) => isGatewayProfile(config, n) || readDestination(config, n) !== undefined).value;
  const requested = options.duration === undefined ? undefined : parseDuration(options.duration, 'flag');
  const { chainPath } = await import('../catalog/chain-plan.js');
  const path = config.hasSection(configSectionName(name)) ? chainPath(config, name) : [name];
  const root = path[path.length - 1] ?? name;
  const destination = readDestination(config, name);

  const { ensureProfileCredentials } = await import('../chain/credentials.js');
  const { createGatewaySignIn } = await import('./gateway-sign-in.js');
  const resolved = await ensureProfileCredentials(name, deps, { noPrompt: Boolean(options.noPrompt), signIn: createGatewaySignIn() });
  const credentials = await deps.files.read(paths.credentialsFile);

  const partition: Partition = destination?.partition ?? partitionOfArn(credentials?.get(name, 'x_principal_arn'));
  const chained = destination !== undefined;
  const notes: string[] = [];
  const choice = chooseSessionDuration({ chained, requested, expiration: resolved.credentials.expiration, now: deps.clock(), profile: name });
  if (choice.note) notes.push(choice.note);

  const settings = resolveSettings({}, deps.env, { value: root, source: 'flag' }, config.getSection(configSectionName(root)));
  // --signin-endpoint > AWSFED_SIGNIN_ENDPOINT > awsfed_signin_endpoint of the chain's gateway (the same
  // setting the account-name lookup uses) > the partition's host.
  const base = signinBase(partition, options.signinEndpoint ?? settings.signinEndpoint.value);
  const caBundlePem = await loadCaBundle(settings.caBundle.value);
  const { requestSigninToken } = await import('../console/signin-token.js');
  deps.log.debug(`console: getSigninToken for ${name} at ${base}/federation (SessionDuration ${choice.sessionDuration ?? 'not sent: role chaining'})`);
  const signinToken = await requestSigninToken(getSigninTokenUrl(base, resolved.credentials, choice.sessionDuration), {
    ...(caBundlePem !== undefined ? { caBundlePem } : {}),
    proxy: proxyConfigFor(settings, deps.env),
    debug: (line) => deps.log.debug(line),
  });
  const url = loginUrl(base, {
    signinToken,
    destination: consoleDestination(partition, {
      ...(resolved.region !== undefined ? { region: resolved.region } : {}),
      ...(options.destination !== undefined ? { destination: options.destination } : {}),
    }),
  });

  if (options.print) return { mode: 'print', profile: name, url, notes };
  await openBrowser(url, deps, options.platform ?? 'linux');
  return { mode: 'opened', profile: name, notes };
}

/** What goes to stdout and what to stderr. */
export function formatConsoleResult(result: ConsoleResult): { stdout?: string; stderr?: string } {
  const notes = 'notes' in result && result.notes.length > 0 ? `${result.notes.map((n) => `note: ${n}`).join('\n')}\n` : '';
  switch (result.mode) {
    case 'links':
      return { stdout: formatSwitchLinks(result.links) };
    case 'print':
      return { stdout: `${result.url}\n`, ...(notes ? { stderr: notes } : {}) };
    case 'opened':
      return { stderr: `${notes}Opened the AWS console as ${result.profile} in your browser (the sign-in link works for 15 minutes).\n` };
  }
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** $BROWSER (with %s replaced, else the URL appended), else the platform's opener. */
export function browserCommand(url: string, env: Record<string, string | undefined>, platform: string): string {
  const browser = env.BROWSER?.trim();
  if (browser) return browser.includes('%s') ? browser.split('%s').join(shellQuote(url)) : `${browser} ${shellQuote(url)}`;
  if (platform === 'darwin') return `open ${shellQuote(url)}`;
  // cmd's start treats the first quoted argument as a window title; ^-escape & for cmd.
  if (platform === 'win32') return `start "" "${url.replace(/&/g, '^&')}"`;
  return `xdg-open ${shellQuote(url)}`;
}

async function openBrowser(url: string, deps: Deps, platform: string): Promise<void> {
  let failed: string | undefined;
  try {
    const result = await deps.runCommand(browserCommand(url, deps.env, platform), withoutSecretVariables(deps.env));
    if (result.exitCode !== 0) failed = `exit code ${result.exitCode}`;
  } catch (error) {
    failed = (error as { code?: string }).code ?? 'could not start';
  }
  if (failed !== undefined) {
    // Neither the command line nor its output is shown: both contain the sign-in URL.
    throw new AppError('CONSOLE_BROWSER_FAILED', `Could not open a browser (${failed})`, {
      hint: 'Set BROWSER to your browser command, or run `awsfed console --print` and open the URL yourself.',
    });
  }
}
