import { createType1Message, createType3Message, decodeType2Message } from '@ewsjs/ntlm-client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createChallenge, ntlmMessageType, parseAuthenticate, verifyNtlmV2 } from './ntlm-server.js';

/** The client library's answer to the emulator's challenge, parsed back by the emulator. */
function answer(user: string, password: string, domain: string) {
  const { token, challenge } = createChallenge('CORP');
  const type2 = decodeType2Message(`NTLM ${token}`);
  const type3 = createType3Message(type2, user, password, '', domain).replace(/^NTLM /, '');
  return { parsed: parseAuthenticate(type3)!, challenge };
}

describe('emulator NTLM', () => {
  it('its challenge asks the client for NTLMv2 (the library reads version 2 and the target CORP)', () => {
    const type2 = decodeType2Message(`NTLM ${createChallenge('CORP').token}`);
    expect(type2.version).toBe(2);
    expect(type2.targetName).toBe('CORP');
    expect(ntlmMessageType(createType1Message('', 'CORP').replace(/^NTLM /, ''))).toBe(1);
  });

  it('accepts the NTLMv2 answer made with the right password, refuses any other password', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 30 }), fc.string({ minLength: 1, maxLength: 30 }), (password, other) => {
        const { parsed, challenge } = answer('alice', password, 'CORP');
        expect(parsed).toMatchObject({ user: 'alice', domain: 'CORP' });
        expect(verifyNtlmV2(parsed, password, challenge)).toBe(true);
        if (other !== password) expect(verifyNtlmV2(parsed, other, challenge)).toBe(false);
      }),
      { numRuns: 50 },
    );
  });

  it('refuses an answer to another challenge (a replay)', () => {
    const { parsed } = answer('alice', 'pw', 'CORP');
    expect(verifyNtlmV2(parsed, 'pw', createChallenge('CORP').challenge)).toBe(false);
  });

  it('a UPN with no domain verifies too', () => {
    const { parsed, challenge } = answer('alice@corp.example', 'pw', '');
    expect(parsed.domain).toBe('');
    expect(verifyNtlmV2(parsed, 'pw', challenge)).toBe(true);
  });

  it('garbage is not a Type 3', () => {
    expect(parseAuthenticate(Buffer.from('hello world, not ntlm at all!').toString('base64'))).toBeUndefined();
  });
});
