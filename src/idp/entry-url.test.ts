import { describe, expect, it } from 'vitest';
import { DEFAULT_ADFS_PATH, normalizeIdpUrl } from './entry-url.js';

describe('normalizeIdpUrl', () => {
  it.each([
    ['adfs.example.com', `https://adfs.example.com${DEFAULT_ADFS_PATH}`],
    ['  adfs.example.com  ', `https://adfs.example.com${DEFAULT_ADFS_PATH}`],
    ['adfs.example.com:8443', `https://adfs.example.com:8443${DEFAULT_ADFS_PATH}`],
    ['https://adfs.example.com', `https://adfs.example.com${DEFAULT_ADFS_PATH}`],
    ['https://adfs.example.com/', `https://adfs.example.com${DEFAULT_ADFS_PATH}`],
    ['https://adfs.example.com/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices:govcloud', 'https://adfs.example.com/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices:govcloud'],
    ['adfs.example.com/adfs/ls/idpinitiatedsignon.aspx', 'https://adfs.example.com/adfs/ls/idpinitiatedsignon.aspx'],
    ['http://127.0.0.1:4000', `http://127.0.0.1:4000${DEFAULT_ADFS_PATH}`],
    ['http://localhost:4000/adfs/ls/x', 'http://localhost:4000/adfs/ls/x'],
    ['http://[::1]:4000/', `http://[::1]:4000${DEFAULT_ADFS_PATH}`],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeIdpUrl(input)).toBe(expected);
  });

  it.each(['', 'http://adfs.example.com', 'ftp://adfs.example.com', 'mailto:a@b.c', 'not a host', 'https://user:pw@adfs.example.com', 'adfs..example.com', 'javascript:alert(1)'])(
    'rejects %j with IDP_URL_INVALID',
    (input) => {
      expect(() => normalizeIdpUrl(input)).toThrow(expect.objectContaining({ code: 'IDP_URL_INVALID', name: 'UsageError' }));
    },
  );
});
