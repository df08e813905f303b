/**
 * Server-side check of AWS Signature Version 4 on STS Query requests, enough for what the JS SDK
 * sends: POST / with a form body, signed headers listed in the Authorization header.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { requestUrl } from './loopback-server.js';

export interface ParsedAuthorization {
  accessKeyId: string;
  date: string; // yyyymmdd from the credential scope
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const AUTH_RE =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-f]{64})\s*$/;

/** undefined when the header is absent or not a SigV4 header. */
export function parseAuthorization(header: string | undefined): ParsedAuthorization | undefined {
  if (!header) return undefined;
  const m = AUTH_RE.exec(header.trim());
  if (!m) return undefined;
  return {
    accessKeyId: m[1] ?? '',
    date: m[2] ?? '',
    region: m[3] ?? '',
    service: m[4] ?? '',
    signedHeaders: (m[5] ?? '').split(';'),
    signature: m[6] ?? '',
  };
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const raw = headers[name];
  const joined = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
  return joined.trim().replace(/\s+/g, ' ');
}

/** RFC 3986 encoding as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQuery(search: string): string {
  if (!search || search === '?') return '';
  const pairs = [...new URLSearchParams(search)].map(([k, v]) => [uriEncode(k), uriEncode(v)] as const);
  pairs.sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** True when `auth.signature` is the SigV4 signature of this request under `secretAccessKey`. */
export function verifySigV4(
  auth: ParsedAuthorization,
  request: { method: string; url: string; headers: IncomingHttpHeaders; body: Buffer },
  secretAccessKey: string,
): boolean {
  const amzDate = headerValue(request.headers, 'x-amz-date');
  if (!amzDate.startsWith(auth.date)) return false;
  const url = requestUrl(request.url);
  const canonicalHeaders = auth.signedHeaders.map((h) => `${h}:${headerValue(request.headers, h)}\n`).join('');
  const payloadHash = headerValue(request.headers, 'x-amz-content-sha256') || sha256Hex(request.body);
  const canonicalRequest = [
    request.method.toUpperCase(),
    url.pathname.split('/').map((s) => uriEncode(decodeURIComponent(s))).join('/') || '/',
    canonicalQuery(url.search),
    canonicalHeaders,
    auth.signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const kDate = hmac(`AWS4${secretAccessKey}`, auth.date);
  const kRegion = hmac(kDate, auth.region);
  const kService = hmac(kRegion, auth.service);
  const kSigning = hmac(kService, 'aws4_request');
  const expected = Buffer.from(createHmac('sha256', kSigning).update(stringToSign, 'utf8').digest('hex'));
  const given = Buffer.from(auth.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
