/**
 * Doctor's Kerberos check, for a profile whose Windows integrated sign-in may use a ticket
 * (awsfed_auth = wia or kerberos): can a ticket for the IdP's HTTP service be had right now? It asks the
 * way the sign-in will (src/idp/adfs/negotiate.ts: the `kerberos` package, the user's credential cache,
 * the KDC), so it finds what the sign-in would: no ticket, an expired one, no such service at the KDC,
 * no KDC, or the package missing. Under `--auth wia` a failure is a warning (the sign-in falls back to
 * NTLM with the password); under `--auth kerberos` it is an error. The token it makes is dropped unsent.
 */
import type { AuthMethod } from '../config/settings.js';
import type { StartNegotiate } from '../idp/adfs/negotiate.js';
import { finding, type Finding } from './finding.js';

export interface KerberosCheckOptions {
  auth: AuthMethod;
  /** The profile's IdP entry URL (normalised); nothing to check without one. */
  idpUrl: string | undefined;
  offline: boolean;
  /** How long getting a ticket may take (default: the sign-in's own limit, 10 s). */
  timeoutMs?: number;
  /** Default: the real one, loaded on use. */
  start?: StartNegotiate;
}

export async function kerberosFindings(opts: KerberosCheckOptions): Promise<Finding[]> {
  if (opts.auth !== 'wia' && opts.auth !== 'kerberos') return [];
  if (opts.idpUrl === undefined) return [];
  let host: string;
  try {
    host = new URL(opts.idpUrl).hostname;
  } catch {
    return [];
  }
  const { explainKerberos, KERBEROS_LIMIT_MS, KerberosUnavailable, principalShown, servicePrincipal, startNegotiate, withinLimit } = await import('../idp/adfs/negotiate.js');
  const spn = servicePrincipal(host);
  const principal = principalShown(spn);
  if (opts.offline) return [finding('kerberos.skipped', 'info', `Kerberos ticket for ${principal} not checked (--offline)`)];
  const start = opts.start ?? startNegotiate;
  // The sign-in's own limit: a KDC that answers within it is not a problem.
  const limitMs = opts.timeoutMs ?? KERBEROS_LIMIT_MS;
  try {
    await withinLimit(start(host), limitMs);
    return [finding('kerberos.ticket', 'ok', `A Kerberos ticket for ${principal} can be had`, `--auth ${opts.auth} presents it to AD FS instead of a password.`)];
  } catch (error) {
    if (!(error instanceof KerberosUnavailable)) throw error;
    const { sentence, hint } = explainKerberos(error, spn);
    const fallback = opts.auth === 'wia' ? '--auth wia falls back to NTLM and asks for the domain password.' : '--auth kerberos cannot sign in.';
    return [finding('kerberos.ticket', opts.auth === 'kerberos' ? 'error' : 'warning', `No Kerberos ticket for ${principal}: ${sentence}`, fallback, hint)];
  }
}
