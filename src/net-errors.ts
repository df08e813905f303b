/**
 * Classification of Node network and TLS failures, shared by the three places that talk to the network
 * (the IdP client, STS, the console federation endpoint). Each caller keeps its own error codes and
 * hints; this module only says what kind of failure a Node error code is, and which CAs to trust.
 */
import { createRequire } from 'node:module';

/** How deep `cause` chains are followed (undici/axios/SDK wrappers nest a few levels; a cycle must not hang). */
const MAX_CAUSE_DEPTH = 5;

/** The first string `code` on the error or along its `cause` chain. */
export function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

const TLS_CODES: ReadonlySet<string> = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'HOSTNAME_MISMATCH',
]);
const TLS_PREFIXES = ['CERT_', 'ERR_TLS_', 'ERR_SSL_'];

/** TLS verification or handshake failures: a CA bundle is missing or wrong, or the host name does not match. */
export function isTlsErrorCode(code: string | undefined): boolean {
  return code !== undefined && (TLS_CODES.has(code) || TLS_PREFIXES.some((prefix) => code.startsWith(prefix)));
}

const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ESOCKETTIMEDOUT',
  'EPIPE',
]);

/** Failures to reach the host at all (DNS, refused, reset, routed nowhere, timed out). */
export function isUnreachableCode(code: string | undefined): boolean {
  return code !== undefined && UNREACHABLE_CODES.has(code);
}

/**
 * What was wrong with an answer that arrived but is not usable HTTP, or undefined for other failures:
 * the host was reached, so these are not "unreachable".
 */
export function brokenAnswerKind(code: string | undefined): string | undefined {
  if (code === undefined) return undefined;
  // Node's HTTP parser (llhttp) caps the headers at 16 KiB; its other errors are bytes that are not HTTP.
  if (code === 'HPE_HEADER_OVERFLOW') return 'its headers are over 16 KiB (often a flood of cookies)';
  if (code.startsWith('HPE_')) return 'it is not valid HTTP';
  // zlib (Z_DATA_ERROR, ...) and brotli (ERR__ERROR_FORMAT_PADDING_1, ...) while decoding Content-Encoding.
  if (code.startsWith('Z_') || code.startsWith('ERR_BROTLI') || code.startsWith('ERR__ERROR')) {
    return 'its body is not the compressed data its Content-Encoding claims';
  }
  return undefined;
}

/**
 * The CAs for an https agent given an extra PEM bundle: `ca` replaces Node's roots, so keep them.
 * node:tls is required here, not imported: an ES import of a built-in builds its export facade, which
 * reads every getter, so `tls.rootCertificates` (about 140 PEM strings) was parsed on every login
 * whether or not a CA bundle was set.
 */
export function trustedCas(pem: string): string[] {
  const { rootCertificates } = createRequire(import.meta.url)('node:tls') as typeof import('node:tls');
  return [...rootCertificates, pem];
}
