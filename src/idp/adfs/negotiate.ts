/**
 * Negotiate (SPNEGO with Kerberos) for Windows integrated sign-in (issue 9 item 2): the client side of
 * RFC 4559 through the `kerberos` package, MongoDB's binding of the system's GSSAPI (MIT or Heimdal, on
 * Linux and macOS) and of SSPI on Windows. On a domain-joined Windows machine SSPI uses the logon
 * session's ticket; elsewhere the ticket comes from `kinit` (the credential cache named by KRB5CCNAME,
 * or the default one).
 *
 * The package is an optional native dependency, kept out of the bundle and loaded only here, only when
 * AD FS offers Negotiate: its absence (an install that could not build it) is a reason why Kerberos is
 * not used, never a crash. The token it makes holds a service ticket and an authenticator, and is never
 * logged.
 */
import type { KerberosClient } from 'kerberos';

/** A KDC that takes longer than this is treated as unreachable (GSSAPI's own retries can take half a minute). */
export const KERBEROS_LIMIT_MS = 10_000;

/** Why Kerberos could not be used; each has its own sentence and hint. */
export type KerberosReason = 'no-module' | 'no-ticket' | 'expired' | 'unknown-service' | 'kdc-unreachable' | 'clock-skew' | 'failed';

export class KerberosUnavailable extends Error {
  constructor(
    readonly reason: KerberosReason,
    /** The library's or GSSAPI's own words (principal names at most: no secret travels in them). */
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'KerberosUnavailable';
  }
}

export interface NegotiateSession {
  /** The first `Authorization: Negotiate` token (base64). */
  readonly token: string;
  /** Checks the server's final token (mutual authentication); throws when it does not prove the service. */
  verify(serverToken: string): Promise<void>;
}

/** Starts a Negotiate exchange with the HTTP service on `host`; throws KerberosUnavailable. A port for tests. */
export type StartNegotiate = (host: string) => Promise<NegotiateSession>;

/**
 * The service a browser asks a ticket for, HTTP/<host name of the URL> without the port, as the
 * library wants it: GSSAPI's host-based form `HTTP@host`, SSPI's SPN `HTTP/host` on Windows (as
 * MongoDB's own driver passes it).
 */
export function servicePrincipal(host: string, platform: NodeJS.Platform = process.platform): string {
  return `HTTP${platform === 'win32' ? '/' : '@'}${host.replace(/^\[|\]$/g, '')}`;
}

/** The service principal as the KDC and `klist` show it: HTTP/host. */
export function principalShown(spn: string): string {
  return spn.replace('@', '/');
}

/** Sorts a GSSAPI / SSPI error message into a reason (pure). */
export function kerberosReason(message: string): KerberosReason {
  if (/expired/i.test(message)) return 'expired';
  if (/skew/i.test(message)) return 'clock-skew';
  if (/not found in Kerberos database|unknown server|SEC_E_TARGET_UNKNOWN|target principal name is incorrect/i.test(message)) return 'unknown-service';
  if (/Cannot contact any KDC|Cannot find KDC|SEC_E_NO_AUTHENTICATING_AUTHORITY|no authority could be contacted/i.test(message)) return 'kdc-unreachable';
  if (/No credentials|credentials cache|No Kerberos credentials|cannot find mechanisms|SEC_E_NO_CREDENTIALS|No ticket/i.test(message)) return 'no-ticket';
  return 'failed';
}

/** One sentence on why Kerberos was not used, and what to do about it. */
export function explainKerberos(error: KerberosUnavailable, spn: string): { sentence: string; hint: string } {
  const principal = principalShown(spn);
  switch (error.reason) {
    case 'no-module':
      return {
        sentence: `awsfed's Kerberos support (the optional \`kerberos\` package) is not installed or not built (${error.detail}).`,
        hint: 'Reinstall awsfed allowing its build: `npm install -g awsfed --allow-scripts=kerberos` (on Linux it needs the GSSAPI headers: Debian and Ubuntu libkrb5-dev, Fedora krb5-devel); or sign in with NTLM or the forms page (--auth ntlm or --auth forms; awsfed_auth in the profile).',
      };
    case 'no-ticket':
      return {
        sentence: 'There is no Kerberos ticket (klist shows none).',
        hint: 'Get one with `kinit user@REALM` (on Windows: sign in to the domain), then try again; or sign in with your domain password (--auth ntlm or --auth forms; awsfed_auth in the profile).',
      };
    case 'expired':
      return { sentence: 'The Kerberos ticket has expired.', hint: 'Run `kinit` again, then try again.' };
    case 'clock-skew':
      return { sentence: 'The clock is too far from the KDC\'s for Kerberos.', hint: 'Set the clock right (Kerberos allows 5 minutes), then try again.' };
    case 'unknown-service':
      return {
        sentence: `The KDC knows no service ${principal} (${error.detail}).`,
        hint: 'Use the AD FS host name its SPN is registered under (the federation service name) in --idp-url, not an IP address; or sign in with NTLM or the forms page (--auth ntlm or --auth forms; awsfed_auth in the profile).',
      };
    case 'kdc-unreachable':
      return { sentence: `No Kerberos KDC could be reached (${error.detail}).`, hint: 'Check the VPN, and the realm\'s KDCs in krb5.conf; or sign in with NTLM or the forms page (--auth ntlm or --auth forms; awsfed_auth in the profile).' };
    default:
      return { sentence: `Kerberos failed: ${error.detail}.`, hint: 'Check `klist`; or sign in with NTLM or the forms page (--auth ntlm or --auth forms; awsfed_auth in the profile).' };
  }
}

type KerberosModule = typeof import('kerberos');

let loading: Promise<KerberosModule> | undefined;

async function loadKerberos(): Promise<KerberosModule> {
  loading ??= import('kerberos').then((m) => ((m as { default?: KerberosModule }).default ?? m) as KerberosModule);
  try {
    return await loading;
  } catch (cause) {
    loading = undefined;
    const text = cause instanceof Error ? cause.message.split('\n')[0]! : String(cause);
    throw new KerberosUnavailable('no-module', /Cannot find (module|package) 'kerberos'/.test(text) ? 'the package is missing' : text);
  }
}

/** The real StartNegotiate: a GSSAPI/SSPI SPNEGO context for HTTP/<host>. */
export const startNegotiate: StartNegotiate = async (host) => {
  const kerberos = await loadKerberos();
  let client: KerberosClient;
  let token: string;
  try {
    // The library's default flags ask for mutual authentication (and sequencing), as browsers do.
    client = await kerberos.initializeClient(servicePrincipal(host), { mechOID: kerberos.GSS_MECH_OID_SPNEGO });
    token = await client.step('');
  } catch (cause) {
    const text = cause instanceof Error ? cause.message : String(cause);
    throw new KerberosUnavailable(kerberosReason(text), text.replace(/^Unspecified GSS failure\.\s+Minor code may provide more information:\s*/i, '').trim());
  }
  return {
    token,
    verify: async (serverToken) => {
      await client.step(serverToken);
    },
  };
};

/**
 * GSSAPI cannot be interrupted: past `limitMs` a call counts as a KDC that did not answer, and when
 * `signal` aborts (the sign-in's deadline) it ends with the signal's reason, so that NTLM, or the
 * message, comes in time. The call itself goes on in libuv's thread pool, and Node's exit waits for it
 * (uv_library_shutdown joins the pool: process.exit() cannot cut it short), so against a KDC that
 * accepts connections and never answers the process ends when MIT's own retries do (about 25 s).
 */
export function withinLimit<T>(work: Promise<T>, limitMs: number, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const giveUp = (reason: unknown): void => {
      if (settled) return;
      settled = true;
      cleanup();
      void work.catch(() => undefined); // its late failure is nobody's error
      reject(reason);
    };
    const late = (): void => giveUp(new KerberosUnavailable('kdc-unreachable', `no answer from the KDC within ${limitMs / 1000} s`));
    const onAbort = (): void => giveUp(signal?.reason);
    const timer = setTimeout(late, limitMs);
    timer.unref();
    const cleanup = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        if (settled) return;
        settled = true;
        cleanup();
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        cleanup();
        reject(error);
      },
    );
  });
}
