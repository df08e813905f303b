/**
 * Properties of the other IdPs' pages over arbitrary messages: a re-shown login form with any message is
 * an error quoting it (never a login form to post again, never an unknown page), and a re-shown code
 * page with any message stays that IdP's code page (so the code handler can tell a refusal).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  renderF5Login,
  renderF5Mfa,
  renderGenericCode,
  renderGenericLogin,
  renderKeycloakLogin,
  renderKeycloakOtp,
  renderPingLogin,
  renderPingOtp,
  renderPingSwipe,
  renderShibbolethLogin,
  renderSimpleSamlLogin,
} from '../../../emulator/other-idp-pages.js';
import { classify } from '../classify.js';

const URL_ = 'https://sso.corp.example/login';
const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();
const message = fc.string({ minLength: 1, maxLength: 80 }).filter((s) => squash(s) !== '');

const LOGINS = { keycloak: renderKeycloakLogin, pingfed: renderPingLogin, f5: renderF5Login, shibboleth: renderShibbolethLogin, generic: renderGenericLogin, simplesamlphp: renderSimpleSamlLogin };
const CODES = { Keycloak: renderKeycloakOtp, PingID: renderPingOtp, 'F5 BIG-IP APM': renderF5Mfa, 'one-time': renderGenericCode };

describe('other IdPs: error texts (properties)', () => {
  it.each(Object.entries(LOGINS))('%s: a login form re-shown with any message is an error quoting it', (_name, render) => {
    fc.assert(
      fc.property(message, fc.string({ maxLength: 20 }), (text, username) => {
        const page = classify(render({ action: URL_, username, errorText: text }), URL_);
        expect(page.kind).toBe('error');
        if (page.kind === 'error') expect(page.message).toContain(squash(text));
      }),
      { numRuns: 60 },
    );
  });

  it.each(Object.entries(CODES))('%s: a code page re-shown with any message stays a code page carrying it', (adapter, render) => {
    fc.assert(
      fc.property(message, (text) => {
        const page = classify(render({ action: URL_, errorText: text }), URL_);
        expect(page).toMatchObject({ kind: 'mfa', adapter, step: { kind: 'code' } });
        if (page.kind === 'mfa') expect(page.errorText).toBe(squash(text));
      }),
      { numRuns: 60 },
    );
  });

  it('PingID swipe: any 1-4 digit number to match is read', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), (n) => {
        const page = classify(renderPingSwipe({ action: 'https://a.example/pingid/ppm/auth', statusUrl: 'https://a.example/pingid/ppm/auth/status', numberToMatch: String(n) }), URL_);
        expect(page).toMatchObject({ kind: 'mfa', step: { kind: 'ping-push', numberToMatch: String(n) } });
      }),
      { numRuns: 60 },
    );
  });
});
