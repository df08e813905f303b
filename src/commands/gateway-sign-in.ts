/**
 * The "sign in to the gateway" function the chain code receives (issue 7, section 6): the login command
 * run for a gateway whose keys are missing or expired, on behalf of refresh, switch, exec and console.
 * Such a re-login never asks for a role the user already chose (the role the profile last held is taken)
 * and rides on the IdP session cache unless --no-session was given.
 */
import type { GatewaySignIn } from '../chain/credentials.js';

export function createGatewaySignIn(options: { noSession?: boolean; unattended?: boolean } = {}): GatewaySignIn {
  return async ({ profile, noPrompt, flags }, deps) => {
    const { login } = await import('./login.js');
    const result = await login(
      { ...(flags ?? {}), profile, noPrompt, reuseLastRole: true, ...(options.noSession ? { noSession: true } : {}), ...(options.unattended ? { unattended: true } : {}) },
      deps,
    );
    return { credentials: result.credentials, accountId: result.role.accountId, roleName: result.role.roleName };
  };
}
