/**
 * WebAuthn / security-key pages (Keycloak webauthn-authenticate, PingID security key, any page calling
 * navigator.credentials.get): the key signs a challenge for the browser's origin, which a terminal
 * program cannot do on the user's behalf. The sign-in ends with a typed error naming the method and
 * saying what works instead, never "unrecognised page".
 */
import { IdpError } from '../../../errors.js';
import { urlWithoutQuery } from '../../../http/url-policy.js';

export function securityKeyError(method: string, alternative: string | undefined, url: string): IdpError {
  const instead = alternative
    ? `Choose another method with ${alternative} in a browser (one-time code from an authenticator app),`
    : 'Choose another sign-in method at the IdP (a one-time code from an authenticator app),';
  return new IdpError('MFA_SECURITY_KEY', `The IdP asks for a ${method} at ${urlWithoutQuery(url)}; a security key can only be used in a browser`, {
    hint: `${instead} or ask your IdP admin to give you an OTP device (TOTP app) as a second factor, then run the login again.`,
  });
}
