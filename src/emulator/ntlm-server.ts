/**
 * The server side of NTLM for the AD FS emulator's /adfs/ls/wia (issue 9 item 2): the Type 2 challenge
 * and a real NTLMv2 check of the Type 3 answer against the user's password (MS-NLMP 3.3.2), so that a
 * wrong password is refused exactly as AD FS (a domain controller behind it) would. MD4 comes from js-md4:
 * Node 20's OpenSSL 3 has none.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import md4 from 'js-md4';

const SIGNATURE = Buffer.from('NTLMSSP\0', 'ascii');
const NEGOTIATE_UNICODE = 0x1;
const REQUEST_TARGET = 0x4;
const NEGOTIATE_NTLM = 0x200;
const TARGET_TYPE_DOMAIN = 0x10000;
const NEGOTIATE_EXTENDED_SESSIONSECURITY = 0x80000;
const NEGOTIATE_TARGET_INFO = 0x800000;

export function ntlmMessageType(token: string): number | undefined {
  const buf = Buffer.from(token, 'base64');
  if (buf.length < 12 || !buf.subarray(0, 8).equals(SIGNATURE)) return undefined;
  return buf.readUInt32LE(8);
}

/** A Type 2 message for `domain` with a fresh 8-byte challenge; base64. */
export function createChallenge(domain: string): { token: string; challenge: Buffer } {
  const challenge = randomBytes(8);
  const name = Buffer.from(domain, 'utf16le');
  const avPair = (id: number, value: Buffer): Buffer => {
    const head = Buffer.alloc(4);
    head.writeUInt16LE(id, 0);
    head.writeUInt16LE(value.length, 2);
    return Buffer.concat([head, value]);
  };
  const targetInfo = Buffer.concat([avPair(2, name), avPair(1, Buffer.from('ADFS', 'utf16le')), avPair(0, Buffer.alloc(0))]);
  const header = Buffer.alloc(48);
  SIGNATURE.copy(header, 0);
  header.writeUInt32LE(2, 8);
  header.writeUInt16LE(name.length, 12);
  header.writeUInt16LE(name.length, 14);
  header.writeUInt32LE(48, 16);
  header.writeUInt32LE(NEGOTIATE_UNICODE | REQUEST_TARGET | NEGOTIATE_NTLM | TARGET_TYPE_DOMAIN | NEGOTIATE_EXTENDED_SESSIONSECURITY | NEGOTIATE_TARGET_INFO, 20);
  challenge.copy(header, 24);
  header.writeUInt16LE(targetInfo.length, 40);
  header.writeUInt16LE(targetInfo.length, 42);
  header.writeUInt32LE(48 + name.length, 44);
  return { token: Buffer.concat([header, name, targetInfo]).toString('base64'), challenge };
}

export interface Type3 {
  user: string;
  domain: string;
  ntResponse: Buffer;
}

export function parseAuthenticate(token: string): Type3 | undefined {
  const buf = Buffer.from(token, 'base64');
  if (buf.length < 52 || ntlmMessageType(token) !== 3) return undefined;
  const field = (at: number): Buffer | undefined => {
    const len = buf.readUInt16LE(at);
    const offset = buf.readUInt32LE(at + 4);
    return offset + len <= buf.length ? buf.subarray(offset, offset + len) : undefined;
  };
  const nt = field(20);
  const domain = field(28);
  const user = field(36);
  if (!nt || !domain || !user) return undefined;
  return { ntResponse: Buffer.from(nt), domain: domain.toString('utf16le'), user: user.toString('utf16le') };
}

/** NTLMv2: NTProofStr = HMAC-MD5(NTOWFv2, challenge || blob), NTOWFv2 = HMAC-MD5(MD4(UTF-16LE(password)), UTF-16LE(UPPER(user) || domain)). */
export function verifyNtlmV2(answer: Type3, password: string, challenge: Buffer): boolean {
  if (answer.ntResponse.length <= 24) return false; // an NTLMv1 answer: refused, as AD with NTLMv2 only
  const ntHash = Buffer.from(md4.arrayBuffer(Buffer.from(password, 'utf16le')));
  const ntowf = createHmac('md5', ntHash).update(Buffer.from(answer.user.toUpperCase() + answer.domain, 'utf16le')).digest();
  const proof = answer.ntResponse.subarray(0, 16);
  const blob = answer.ntResponse.subarray(16);
  const expected = createHmac('md5', ntowf).update(Buffer.concat([challenge, blob])).digest();
  return timingSafeEqual(proof, expected);
}
