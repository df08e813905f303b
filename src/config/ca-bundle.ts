/**
 * The CA bundle file (--ca-bundle, AWSFED_CA_BUNDLE, AWS_CA_BUNDLE, awsfed_ca_bundle), read the same
 * way by login, refresh and console: a missing or non-PEM file is a FileError naming the path.
 */
import { constants, promises as fs } from 'node:fs';
import { FileError } from '../errors.js';

/** A public CA bundle (Mozilla's) is about 200 KiB; anything far larger is not a CA bundle. */
const MAX_CA_BUNDLE_BYTES = 16 * 1024 * 1024;

export async function loadCaBundle(path: string | undefined): Promise<string | undefined> {
  if (path === undefined) return undefined;
  let pem: string;
  try {
    pem = await readRegularFile(path);
  } catch (error) {
    const why = error instanceof Refused ? `: ${error.message}` : ` (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
    throw new FileError('CA_BUNDLE_UNREADABLE', `Cannot read the CA bundle ${path}${why}.`, {
      hint: 'Check the path given by --ca-bundle, AWSFED_CA_BUNDLE, AWS_CA_BUNDLE or awsfed_ca_bundle.',
      cause: error,
    });
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new FileError('CA_BUNDLE_INVALID', `The CA bundle ${path} holds no PEM certificate.`, {
      hint: 'Give a PEM file (-----BEGIN CERTIFICATE-----), e.g. exported from your company root CA.',
    });
  }
  return pem;
}

/** A path readRegularFile will not read, and why. */
class Refused extends Error {}

/**
 * Only a regular file, of a sane size: a FIFO blocks open() until a writer comes (the run hung) and a
 * device such as /dev/zero never ends. O_NONBLOCK lets the open of a FIFO return; the type is checked on
 * the opened handle.
 */
async function readRegularFile(path: string): Promise<string> {
  const handle = await fs.open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (!stat.isFile()) throw new Refused('it is not a regular file (a FIFO, socket or device)');
    if (stat.size > MAX_CA_BUNDLE_BYTES) throw new Refused(`it is over ${MAX_CA_BUNDLE_BYTES} bytes`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close().catch(() => undefined);
  }
}
