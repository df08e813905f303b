/**
 * One emulator page per page kind of the non-AD FS IdPs, with the fixture written from it
 * (fixtures/<dir>/<file>): the classifier test checks that each page and its fixture classify alike,
 * so the emulator's markup and the fixtures stay one source (issue 7, section 7).
 */
import {
  OtherIdpText,
  renderF5Login,
  renderF5Mfa,
  renderGenericCode,
  renderGenericLogin,
  renderKeycloakLogin,
  renderKeycloakOtp,
  renderKeycloakWebAuthn,
  renderPingLogin,
  renderPingOtp,
  renderPingSwipe,
  renderShibbolethLogin,
  renderSimpleSamlError,
  renderSimpleSamlLogin,
} from './other-idp-pages.js';

const KC = 'https://sso.corp.example/realms/corp/login-actions/authenticate?session_code=c0de&execution=e1&client_id=urn%3Aamazon%3Awebservices&tab_id=t1';
const PF = 'https://sso.corp.example/idp/8Gx2q/resumeSAML20/idp/startSSO.ping';
const PINGID = 'https://authenticator.pingone.com/pingid/ppm/auth';
const F5 = 'https://vpn.corp.example/my.policy';
const SSP = 'https://idp.corp.example/simplesaml/module.php/core/loginuserpass?AuthState=_c0ffee';
const SHIB = 'https://idp.corp.example/idp/profile/SAML2/Unsolicited/SSO?execution=e1s1';
const GEN = 'https://login.corp.example/verify';
const DEVICES = [
  { id: '5b7c1d2e-phone', label: 'Work phone' },
  { id: '9a8b7c6d-tablet', label: 'Tablet' },
];

export interface OtherIdpSample {
  dir: string;
  fixture: string;
  /** The URL the page is classified at (form actions resolve against it). */
  url: string;
  html: () => string;
}

export const OTHER_IDP_SAMPLE_PAGES: readonly OtherIdpSample[] = [
  { dir: 'keycloak', fixture: 'login.html', url: KC, html: () => renderKeycloakLogin({ action: KC }) },
  { dir: 'keycloak', fixture: 'login-error.html', url: KC, html: () => renderKeycloakLogin({ action: KC, username: 'alice', errorText: OtherIdpText.keycloakBadCredentials }) },
  { dir: 'keycloak', fixture: 'otp.html', url: KC, html: () => renderKeycloakOtp({ action: KC }) },
  { dir: 'keycloak', fixture: 'totp.html', url: KC, html: () => renderKeycloakOtp({ action: KC, fieldName: 'totp' }) },
  { dir: 'keycloak', fixture: 'otp-devices.html', url: KC, html: () => renderKeycloakOtp({ action: KC, devices: DEVICES }) },
  { dir: 'keycloak', fixture: 'otp-error.html', url: KC, html: () => renderKeycloakOtp({ action: KC, errorText: OtherIdpText.keycloakBadOtp }) },
  { dir: 'keycloak', fixture: 'webauthn.html', url: KC, html: () => renderKeycloakWebAuthn({ action: KC }) },
  { dir: 'pingfed', fixture: 'login.html', url: PF, html: () => renderPingLogin({ action: PF }) },
  { dir: 'pingfed', fixture: 'login-error.html', url: PF, html: () => renderPingLogin({ action: PF, username: 'alice', errorText: OtherIdpText.pingBadCredentials }) },
  { dir: 'pingfed', fixture: 'pingid-otp.html', url: PINGID, html: () => renderPingOtp({ action: PINGID }) },
  { dir: 'pingfed', fixture: 'pingid-otp-error.html', url: PINGID, html: () => renderPingOtp({ action: PINGID, errorText: OtherIdpText.pingBadOtp }) },
  { dir: 'pingfed', fixture: 'pingid-swipe.html', url: PINGID, html: () => renderPingSwipe({ action: PINGID, statusUrl: `${PINGID}/status` }) },
  { dir: 'pingfed', fixture: 'pingid-number-matching.html', url: PINGID, html: () => renderPingSwipe({ action: PINGID, statusUrl: `${PINGID}/status`, numberToMatch: '47' }) },
  { dir: 'f5', fixture: 'login.html', url: F5, html: () => renderF5Login({ action: F5 }) },
  { dir: 'f5', fixture: 'login-error.html', url: F5, html: () => renderF5Login({ action: F5, username: 'alice', errorText: OtherIdpText.f5BadCredentials }) },
  { dir: 'f5', fixture: 'mfa.html', url: F5, html: () => renderF5Mfa({ action: F5, devices: [{ id: 'totp', label: 'Authenticator app' }, { id: 'sms', label: 'Text message' }] }) },
  { dir: 'f5', fixture: 'mfa-error.html', url: F5, html: () => renderF5Mfa({ action: F5, errorText: OtherIdpText.f5BadOtp }) },
  { dir: 'simplesamlphp', fixture: 'login.html', url: SSP, html: () => renderSimpleSamlLogin({ action: SSP }) },
  { dir: 'simplesamlphp', fixture: 'login-error.html', url: SSP, html: () => renderSimpleSamlLogin({ action: SSP, username: 'alice', errorText: OtherIdpText.simpleSamlBadCredentials }) },
  { dir: 'simplesamlphp', fixture: 'error.html', url: SSP, html: () => renderSimpleSamlError({ title: OtherIdpText.simpleSamlErrorTitle, message: OtherIdpText.simpleSamlError }) },
  { dir: 'shibboleth', fixture: 'login.html', url: SHIB, html: () => renderShibbolethLogin({ action: SHIB }) },
  { dir: 'shibboleth', fixture: 'login-error.html', url: SHIB, html: () => renderShibbolethLogin({ action: SHIB, username: 'alice', errorText: OtherIdpText.shibbolethBadCredentials }) },
  { dir: 'generic', fixture: 'login.html', url: GEN, html: () => renderGenericLogin({ action: GEN }) },
  { dir: 'generic', fixture: 'login-error.html', url: GEN, html: () => renderGenericLogin({ action: GEN, username: 'alice', errorText: OtherIdpText.genericBadCredentials }) },
  { dir: 'generic', fixture: 'code.html', url: GEN, html: () => renderGenericCode({ action: GEN }) },
  { dir: 'generic', fixture: 'code-error.html', url: GEN, html: () => renderGenericCode({ action: GEN, errorText: OtherIdpText.genericBadCode }) },
];
