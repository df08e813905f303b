import { describe, expect, it } from 'vitest';
import { assertAllowedUrl, displayUrl } from './url-policy.js';
import { IdpError } from '../errors.js';

describe('assertAllowedUrl', () => {
  it('allows https anywhere and http only to loopback', () => {
    expect(assertAllowedUrl('https://adfs.corp.example/adfs/ls/').hostname).toBe('adfs.corp.example');
    expect(assertAllowedUrl('http://127.0.0.1:8080/x').port).toBe('8080');
    expect(assertAllowedUrl('http://localhost/x').hostname).toBe('localhost');
    expect(() => assertAllowedUrl('http://adfs.corp.example/')).toThrow(IdpError);
    expect(() => assertAllowedUrl('http://127.0.0.1.example.com/')).toThrow(IdpError);
  });

  // javascript:, data: and file: URLs have no origin ("null") and their whole text is the payload: the
  // message used to read "Refusing to send sign-in data to nullalert(1)", quoting up to a page's worth.
  it.each(['javascript:alert(document.cookie)', 'data:text/html,<form><input type=password></form>', 'file:///etc/passwd', 'ftp://127.0.0.1/x'])(
    'refuses %s naming only its scheme',
    (url) => {
      const scheme = url.slice(0, url.indexOf(':') + 1);
      let error: unknown;
      try {
        assertAllowedUrl(url);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'IDP_INSECURE_URL' });
      const { message } = error as IdpError;
      expect(message).toContain(`a ${scheme} URL`);
      expect(message).not.toContain('null');
      expect(message).not.toContain(url.slice(scheme.length + 2));
    },
  );

  it('never quotes the query of a refused URL: it can hold secrets no name rule knows', () => {
    const session = encodeURIComponent(JSON.stringify({ sessionId: 'ASIAEXAMPLE', sessionKey: 'SECRETKEY123', sessionToken: 'SESSIONTOKEN456' }));
    const url = `http://signin.example.com/federation?Action=getSigninToken&Session=${session}&Other=SECRETKEY123`;
    let error: unknown;
    try {
      assertAllowedUrl(url);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IdpError);
    const text = `${(error as IdpError).message} ${(error as IdpError).hint}`;
    expect(text).toContain('http://signin.example.com/federation');
    expect(text).not.toMatch(/SECRETKEY123|SESSIONTOKEN456|ASIAEXAMPLE|Session=/);
  });
});

describe('displayUrl', () => {
  it('hides secret-looking and noisy query values, keeps the rest', () => {
    expect(displayUrl('https://h/p?loginToRp=urn%3Aamazon%3Awebservices&Password=x&Session=y&SAMLRequest=z')).toBe(
      'https://h/p?loginToRp=urn%3Aamazon%3Awebservices&Password=%E2%80%A6&Session=%E2%80%A6&SAMLRequest=%E2%80%A6',
    );
  });

  it("hides Duo's session id, transaction, anti-forgery token and signed request", () => {
    expect(displayUrl('https://api-1.duosecurity.com/frame/frameless/v4/auth?sid=abc&tx=def&_xsrf=ghi&client_id=DI1&request=jwt&v=2.6')).toBe(
      'https://api-1.duosecurity.com/frame/frameless/v4/auth?sid=%E2%80%A6&tx=%E2%80%A6&_xsrf=%E2%80%A6&client_id=DI1&request=%E2%80%A6&v=2.6',
    );
  });
});
