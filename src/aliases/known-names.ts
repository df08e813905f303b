/**
 * The account names already known on this machine, for commands that draw no role list and have no
 * assertion (`awsfed list`, `console --switch-links`): each gateway profile's cached page names, with its
 * awsfed_account_aliases (and AWSFED_ACCOUNT_ALIASES) over them. Never a network call.
 */
import { isGatewayProfile, listProfiles } from '../catalog/destination.js';
import { configSectionName } from '../config/paths.js';
import type { IniDocument } from '../ini/document.js';
import { parseAccountAliases } from '../roles/profile-names.js';
import type { Env } from '../session/cache-dir.js';
import { createNameCache, nameCacheDir } from './name-cache.js';

export async function knownAccountNames(
  config: IniDocument,
  ports: { env: Env; homeDir: string; platform?: NodeJS.Platform; clock: () => Date },
): Promise<Map<string, string>> {
  const cache = createNameCache({ dir: nameCacheDir(ports.env, ports.homeDir, ports.platform ?? 'linux'), clock: ports.clock });
  const names = new Map<string, string>();
  const local = new Map<string, string>();
  for (const profile of listProfiles(config).filter((p) => isGatewayProfile(config, p))) {
    for (const [id, name] of (await cache.peek(profile)) ?? []) if (!names.has(id)) names.set(id, name);
    try {
      for (const [id, name] of parseAccountAliases(config.get(configSectionName(profile), 'awsfed_account_aliases'))) local.set(id, name);
    } catch {
      // A malformed mapping is reported by the login that uses it; a listing just goes without it.
    }
  }
  try {
    for (const [id, name] of parseAccountAliases(ports.env.AWSFED_ACCOUNT_ALIASES)) local.set(id, name);
  } catch {
    // as above
  }
  return new Map([...names, ...local]);
}
