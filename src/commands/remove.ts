/**
 * awsfed remove NAME: deletes a destination's [profile NAME] section from ~/.aws/config and, when
 * awsfed wrote them, its cached keys ([NAME] with x_security_token_expires) from ~/.aws/credentials.
 * Gateways and other non-destination profiles are refused; so is a destination other destinations
 * use as their source, unless --force (they would then fail with "no such profile").
 */
import type { Deps } from '../deps.js';
import { configSectionName, resolveAwsPaths } from '../config/paths.js';
import { CredentialKeys } from '../credentials/credentials.js';
import { dependentsOf, isGatewayProfile, profileKeys, removeDestination } from '../catalog/destination.js';
import { noSuchProfileError, notADestinationError } from '../catalog/chain-errors.js';
import { UsageError } from '../errors.js';
import type { IniDocument } from '../ini/document.js';

export interface RemoveOptions {
  name: string;
  force?: boolean;
}

export interface RemoveResult {
  profile: string;
  configFile: string;
  credentialsFile: string;
  /** The cached keys awsfed had written for the profile were removed too. */
  removedCredentials: boolean;
  /** A [NAME] section in the credentials file that awsfed did not write, left alone. */
  keptCredentials: boolean;
  /** Destinations that used this profile as their source (only with --force). */
  orphaned: string[];
}

export async function remove(options: RemoveOptions, deps: Deps): Promise<RemoveResult> {
  const paths = resolveAwsPaths(deps.env, deps.homeDir);
  const name = options.name;
  let orphaned: string[] = [];
  // Refuse before locking anything when the config file does not even exist.
  if (!(await deps.files.read(paths.configFile))) throw noSuchProfileError(name, paths.configFile);
  await deps.files.update(paths.configFile, (doc) => {
    orphaned = checkRemovable(doc, name, Boolean(options.force));
    removeDestination(doc, name);
  }, { onWait: deps.err });

  let removedCredentials = false;
  let keptCredentials = false;
  const credentials = await deps.files.read(paths.credentialsFile);
  if (credentials?.hasSection(name)) {
    if (credentials.get(name, CredentialKeys.expires) !== undefined) {
      await deps.files.update(paths.credentialsFile, (doc) => {
        // Checked again under the lock: another run may have changed the section meanwhile.
        if (doc.get(name, CredentialKeys.expires) !== undefined) {
          doc.deleteSection(name);
          removedCredentials = true;
        }
      }, { onWait: deps.err });
    } else {
      keptCredentials = true;
    }
  }
  return { profile: name, configFile: paths.configFile, credentialsFile: paths.credentialsFile, removedCredentials, keptCredentials, orphaned };
}

/** Throws unless `name` is a destination that may go; returns the destinations it leaves without a source. */
export function checkRemovable(config: IniDocument, name: string, force: boolean): string[] {
  const keys = profileKeys(config, name);
  if (!keys) throw noSuchProfileError(name, config.path);
  if (isGatewayProfile(config, name)) {
    throw notADestinationError([name], 'it is an awsfed gateway (awsfed_idp_url); awsfed remove only removes destinations', `To drop the gateway, delete [${configSectionName(name)}] from the config file yourself; \`awsfed list\` shows what chains from it.`);
  }
  if (!keys.role_arn?.trim() || !keys.source_profile?.trim()) {
    throw notADestinationError([name], 'it has no role_arn and source_profile; awsfed remove only removes destinations', `Edit [${configSectionName(name)}] in the config file yourself if you mean to delete it.`);
  }
  const dependents = dependentsOf(config, name);
  if (dependents.length > 0 && !force) {
    throw new UsageError(
      'REMOVE_HAS_DEPENDENTS',
      `profile "${name}" is the source_profile of ${dependents.map((d) => `"${d}"`).join(', ')}; removing it would break ${dependents.length === 1 ? 'that chain' : 'those chains'}.`,
      { hint: `Remove or re-point them first (awsfed add ${dependents[0] ?? 'NAME'} --source ...), or pass --force.` },
    );
  }
  return dependents;
}

export function formatRemoveSummary(result: RemoveResult): string {
  const lines = [`removed profile ${result.profile} from ${result.configFile}`];
  if (result.removedCredentials) lines.push(`removed its cached credentials [${result.profile}] from ${result.credentialsFile}`);
  if (result.keptCredentials) lines.push(`kept [${result.profile}] in ${result.credentialsFile}: awsfed did not write it`);
  if (result.orphaned.length > 0) {
    lines.push(`warning: ${result.orphaned.join(', ')} still name${result.orphaned.length === 1 ? 's' : ''} "${result.profile}" as source_profile and will fail until re-pointed`);
  }
  return lines.join('\n');
}
