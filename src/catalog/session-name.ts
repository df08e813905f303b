/**
 * role_session_name for destinations, pure. CloudTrail shows it for every hop, so it should name the
 * person: the SAML RoleSessionName of the gateway's last sign-in (awsfed_role_session_name). Before
 * the first sign-in only the user name is known; destinations added then get a provisional name from
 * it, which the next login replaces with the real one.
 */
import { configSectionName } from '../config/paths.js';
import type { IniDocument } from '../ini/document.js';
import { chainRoot } from './chain-plan.js';
import { profileKeys, readDestinations } from './destination.js';

const ROLE_SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/** Makes any text a valid RoleSessionName ([\w+=,.@-]{2,64}): other characters become '-'. */
export function sanitizeSessionName(name: string): string {
  const out = name.replace(/[^\w+=,.@-]/gu, '-').slice(0, 64);
  return out.length < 2 ? `awsfed${out}`.slice(0, 64) : out;
}

/** The gateway's RoleSessionName, else its user name made valid for STS (DOMAIN\user -> user). */
export function roleSessionNameFrom(config: IniDocument, root: string): string | undefined {
  const stored = profileKeys(config, root)?.awsfed_role_session_name?.trim();
  if (stored && ROLE_SESSION_NAME.test(stored)) return stored;
  return provisionalSessionName(config, root);
}

export function provisionalSessionName(config: IniDocument, root: string): string | undefined {
  const username = profileKeys(config, root)?.awsfed_username?.trim();
  if (!username) return undefined;
  const bare = username.slice(username.lastIndexOf('\\') + 1);
  return bare === '' ? undefined : sanitizeSessionName(bare);
}

/**
 * After a sign-in as `gateway`: destinations rooted there whose role_session_name is still the
 * provisional one (written by `awsfed add`) get the SAML RoleSessionName. Profiles without one, or with
 * a name the user chose, are left byte-identical: they may be hand-written. Returns the profiles changed.
 */
export function adoptSessionName(config: IniDocument, gateway: string, sessionName: string): string[] {
  if (!ROLE_SESSION_NAME.test(sessionName)) return [];
  const provisional = provisionalSessionName(config, gateway);
  const changed: string[] = [];
  for (const destination of readDestinations(config)) {
    let root: string;
    try {
      root = chainRoot(config, destination.name);
    } catch {
      continue; // a broken chain is reported by list/refresh, not here
    }
    if (root !== gateway || provisional === undefined || provisional === sessionName) continue;
    if (destination.roleSessionName === provisional) {
      config.set(configSectionName(destination.name), 'role_session_name', sessionName);
      changed.push(destination.name);
    }
  }
  return changed;
}
