/**
 * The CA bundle file (--ca-bundle, AWSFED_CA_BUNDLE, AWS_CA_BUNDLE, awsfed_ca_bundle), read the same
 * way by login, refresh and console: a missing or non-PEM file is a FileError naming the path.
 */
import { readFile } from 'node:fs/promises';
import { FileError } from '../errors.js';

export async function loadCaBundle(path: string | undefined): Promise<string | undefined> {
  if (path === undefined) return undefined;
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (error) {
    throw new FileError('CA_BUNDLE_UNREADABLE', `Cannot read the CA bundle ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, {
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
