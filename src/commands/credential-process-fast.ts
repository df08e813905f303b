/**
 * `awsfed credential-process` as a fast path (src/fast-paths.ts): the AWS CLI and the SDKs start the
 * helper on every process start, so a cache hit is answered here, before commander, cli.ts and the
 * ports are loaded. Anything else — a miss, a flag the small parser does not take, a file it cannot
 * read — declines (undefined) and the full CLI runs the same command, which signs in or reports the
 * mistake with its hint. Never prints on a decline: the full CLI owns every message.
 */
import { awsFilesReadOnly } from '../credentials/aws-files.js';
import type { FastCommand } from '../fast-paths.js';
import { silentLogger } from '../log.js';
import { parseCredentialProcessArgv, serveCachedCredentials } from './credential-process-cache.js';

export const credentialProcessFast: FastCommand = async (args, io) => {
  const options = parseCredentialProcessArgv(args);
  if (!options || io.env === undefined || io.homeDir === undefined) return undefined;
  let json: string | undefined;
  try {
    json = await serveCachedCredentials(options, { env: io.env, homeDir: io.homeDir, clock: () => new Date(), files: awsFilesReadOnly(), log: silentLogger });
  } catch {
    // An unreadable or unparseable file: the full CLI reads it again and reports it with its hint.
    return undefined;
  }
  if (json === undefined) return undefined;
  io.out(`${json}\n`);
  return 0;
};
