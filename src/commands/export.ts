/**
 * awsfed export aesr: the aws-extend-switch-roles browser extension's configuration for the catalog,
 * on stdout. Reads ~/.aws/config (destinations) and ~/.aws/credentials (the gateways' last principal,
 * for the base account id); writes nothing.
 */
import { configSectionName, resolveAwsPaths } from '../config/paths.js';
import type { Deps } from '../deps.js';
import { UsageError } from '../errors.js';
import { parseIni } from '../ini/document.js';
import { readDestinations } from '../catalog/destination.js';
import { buildAesrConfig, gatewayAccountId } from '../console/aesr.js';

export const EXPORT_FORMATS = ['aesr'] as const;

export async function exportConfig(options: { format: string }, deps: Deps): Promise<string> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(options.format)) {
    throw new UsageError('EXPORT_UNKNOWN_FORMAT', `unknown export format "${options.format}"`, {
      hint: `Use one of: ${EXPORT_FORMATS.join(', ')} (aesr = the aws-extend-switch-roles browser extension).`,
    });
  }
  const paths = resolveAwsPaths(deps.env, deps.homeDir);
  const config = (await deps.files.read(paths.configFile)) ?? parseIni('', paths.configFile);
  const credentials = (await deps.files.read(paths.credentialsFile)) ?? parseIni('', paths.credentialsFile);
  const destinations = readDestinations(config);
  if (destinations.length === 0) {
    throw new UsageError('EXPORT_NO_DESTINATIONS', `no destinations in ${paths.configFile}`, {
      hint: 'Add one with `awsfed add NAME --account 123456789012 --role ROLE`, then export again.',
    });
  }
  return buildAesrConfig(destinations, (root) =>
    gatewayAccountId(credentials.get(root, 'x_principal_arn'), config.get(configSectionName(root), 'awsfed_role')),
  );
}
