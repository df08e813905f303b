import { describe, expect, it } from 'vitest';
import { ntlmIdentity } from './wia.js';

describe('ntlmIdentity', () => {
  it('DOMAIN\\user splits into domain and user', () => {
    expect(ntlmIdentity('CORP\\alice')).toEqual({ domain: 'CORP', user: 'alice' });
  });
  it('user@domain is sent whole as the user, with no domain', () => {
    expect(ntlmIdentity('alice@corp.example')).toEqual({ domain: '', user: 'alice@corp.example' });
  });
});
