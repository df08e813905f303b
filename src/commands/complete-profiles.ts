/**
 * `awsfed __complete KIND`: the profile names a completion script offers, one a line. Called on every
 * TAB, so it loads only the INI parser and the paths (no HTTP, SDK or prompt library), and it never
 * fails loudly: a missing, unreadable or unparseable file contributes no names, and nothing is ever
 * written to stderr (the shell would print it over the command line being typed).
 */
import { DestinationKeys, isGatewayProfile, listProfiles } from '../catalog/destination.js';
import { configSectionName, resolveAwsPaths } from '../config/paths.js';
import type { Deps } from '../deps.js';
import type { IniDocument } from '../ini/document.js';
import type { ProfileKind } from '../completion/spec.js';

export async function completeProfiles(kind: string, deps: Pick<Deps, 'env' | 'homeDir' | 'files'>): Promise<string[]> {
  const paths = resolveAwsPaths(deps.env, deps.homeDir);
  const quietly = async (path: string): Promise<IniDocument | undefined> => {
    try {
      return await deps.files.read(path);
    } catch {
      return undefined;
    }
  };
  const config = await quietly(paths.configFile);
  const names = config ? listProfiles(config) : [];
  switch (kind as ProfileKind) {
    case 'gateways':
      return names.filter((n) => config && isGatewayProfile(config, n));
    case 'destinations':
      return names.filter((n) => config?.get(configSectionName(n), DestinationKeys.roleArn)?.trim());
    case 'profiles': {
      // The credentials file names profiles `[NAME]`; a profile may live there alone (static keys).
      const credentials = await quietly(paths.credentialsFile);
      for (const section of credentials?.sectionNames() ?? []) if (!names.includes(section)) names.push(section);
      return names;
    }
    default:
      return [];
  }
}
