/**
 * awsfed logout [--profile P] [--credentials]: forgets the IdP session saved for the profile's IdP host
 * (issue 7, section 4), so that the next sign-in asks for the password (and MFA) again; with
 * --credentials, also removes the temporary keys awsfed wrote for the profile. Keys in a section awsfed
 * did not write (no x_security_token_expires) are left alone.
 *
 * With --forget-password, also removes the password `login --remember-password` kept in the OS keychain
 * for the profile's IdP host and user name, and the profile's awsfed_remember_password, so that no
 * later sign-in stores it again unasked (issue 8, item 2).
 *
 * The session is forgotten here, on this machine; the IdP's own session ends at its SSO lifetime.
 */
import { configSectionName, resolveAwsPaths } from '../config/paths.js';
import { resolveProfileName, resolveSettings } from '../config/settings.js';
import { CredentialKeys } from '../credentials/credentials.js';
import { unwritable } from '../credentials/file-errors.js';
import type { Deps } from '../deps.js';
import { UsageError } from '../errors.js';
import { normalizeIdpUrl } from '../idp/entry-url.js';
import { sessionCacheDir } from '../session/cache-dir.js';
import { createSessionStore } from '../session/session-store.js';
import { keychainAccount, unavailableReason } from '../secrets/keychain.js';

export interface LogoutOptions {
  profile?: string;
  idpUrl?: string;
  credentials?: boolean;
  /** --forget-password */
  forgetPassword?: boolean;
  username?: string;
}

export type ForgottenPassword =
  | { state: 'removed' | 'none'; account: string; keychain: string }
  | { state: 'unavailable'; account: string; reason: string }
  | { state: 'no-username' };

export interface LogoutResult {
  profile: string;
  /** The IdP host whose session was looked for; undefined when the profile has no IdP URL. */
  host?: string;
  sessionFile?: string;
  clearedSession: boolean;
  removedCredentials: boolean;
  /** [P] exists in the credentials file but awsfed did not write it: left alone. */
  keptCredentials: boolean;
  credentialsFile: string;
  /** --credentials was given. */
  credentialsRequested: boolean;
  /** What --forget-password found; undefined without it. */
  password?: ForgottenPassword;
}

const AWSFED_KEYS = Object.values(CredentialKeys);

export async function logout(options: LogoutOptions, deps: Deps): Promise<LogoutResult> {
  const paths = resolveAwsPaths(deps.env, deps.homeDir);
  const config = await deps.files.read(paths.configFile);
  const profile = resolveProfileName(options.profile, deps.env, (name) => Boolean(config?.get(configSectionName(name), 'awsfed_idp_url')));
  const settings = resolveSettings({ idpUrl: options.idpUrl, username: options.username }, deps.env, profile, config?.getSection(configSectionName(profile.value)));
  const result: LogoutResult = {
    profile: profile.value,
    clearedSession: false,
    removedCredentials: false,
    keptCredentials: false,
    credentialsFile: paths.credentialsFile,
    credentialsRequested: Boolean(options.credentials),
  };
  if (settings.idpUrl.value === undefined && !options.credentials) {
    throw new UsageError('LOGOUT_NO_IDP', `Profile ${profile.value} has no IdP URL, so there is no IdP session to forget.`, {
      hint: 'Name the profile you sign in with (--profile NAME), or the IdP (--idp-url); `awsfed list` shows the gateways.',
    });
  }
  if (settings.idpUrl.value !== undefined) {
    const host = new URL(normalizeIdpUrl(settings.idpUrl.value)).host;
    const store = createSessionStore({ dir: sessionCacheDir(deps.env, deps.homeDir, deps.platform ?? 'linux'), clock: deps.clock, log: deps.log });
    result.host = host;
    result.sessionFile = store.fileFor(host);
    try {
      result.clearedSession = await store.clear(host);
    } catch (error) {
      throw unwritable(store.fileFor(host), error);
    }
  }
  if (options.forgetPassword && result.host !== undefined) {
    result.password = await forgetPassword(deps, settings.username.value, result.host);
    if (config?.get(configSectionName(profile.value), 'awsfed_remember_password') !== undefined) {
      await deps.files.update(paths.configFile, (doc) => void doc.delete(configSectionName(profile.value), 'awsfed_remember_password'), { onWait: deps.err });
    }
  }
  if (options.credentials) {
    const credentials = await deps.files.read(paths.credentialsFile);
    if (credentials?.hasSection(profile.value)) {
      await deps.files.update(paths.credentialsFile, (doc) => {
        // Checked under the lock: only a section awsfed wrote (it carries our expiry key) loses its keys.
        if (doc.get(profile.value, CredentialKeys.expires) === undefined) {
          result.keptCredentials = true;
          return;
        }
        for (const key of AWSFED_KEYS) doc.delete(profile.value, key);
        // A section left with nothing in it would only be noise for the AWS CLI.
        if (Object.keys(doc.getSection(profile.value) ?? {}).length === 0) doc.deleteSection(profile.value);
        result.removedCredentials = true;
      }, { onWait: deps.err });
    }
  }
  return result;
}

async function forgetPassword(deps: Deps, username: string | undefined, host: string): Promise<ForgottenPassword> {
  if (username === undefined) return { state: 'no-username' };
  const account = keychainAccount(username, host);
  if (!deps.keychain) return { state: 'unavailable', account, reason: 'this awsfed has no OS keychain' };
  try {
    return { state: (await deps.keychain.delete(account)) ? 'removed' : 'none', account, keychain: deps.keychain.name };
  } catch (error) {
    return { state: 'unavailable', account, reason: unavailableReason(error) };
  }
}

function passwordLine(password: ForgottenPassword): string {
  switch (password.state) {
    case 'removed':
      return `Removed the password remembered for ${password.account} from the ${password.keychain}.`;
    case 'none':
      return `No password was remembered for ${password.account} in the ${password.keychain}; nothing to forget.`;
    case 'unavailable':
      return `Could not look for a remembered password for ${password.account}: ${password.reason}; nothing was removed.`;
    case 'no-username':
      return 'No user name is known for this profile, so no remembered password could be named; pass --username NAME.';
  }
}

export function formatLogoutSummary(result: LogoutResult): string {
  const lines: string[] = [];
  if (result.host !== undefined) {
    lines.push(
      result.clearedSession
        ? `Forgot the IdP session for ${result.host} (removed ${result.sessionFile}); the next sign-in asks for your password again.`
        : `No IdP session was saved for ${result.host}; nothing to forget.`,
    );
  }
  if (result.removedCredentials) lines.push(`Removed the temporary keys of [${result.profile}] from ${result.credentialsFile}.`);
  else if (result.keptCredentials) lines.push(`Kept [${result.profile}] in ${result.credentialsFile}: awsfed did not write it.`);
  else if (result.credentialsRequested) lines.push(`No keys of [${result.profile}] in ${result.credentialsFile}.`);
  if (result.password) lines.push(passwordLine(result.password));
  return lines.join('\n');
}
