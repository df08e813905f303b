/**
 * The OS keychain through @napi-rs/keyring (Rust keyring-rs, prebuilt per platform): macOS Keychain,
 * Windows Credential Manager, the Secret Service on Linux and the BSDs. It is an optional dependency,
 * loaded on first use only: start-up never pays for it, and an install on a platform without a prebuilt
 * binary still works (then there is no keychain and --remember-password says so).
 *
 * On Linux the store is pinned to the Secret Service. Left to itself the library falls back to the
 * kernel keyutils keyring when there is no Secret Service; that keyring lives in kernel memory, goes
 * away at reboot (and, in a session keyring, with the login session), and in containers is often
 * refused outright ("AccessDenied" on this project's CI machine). A password "remembered" there would
 * silently be forgotten again, so we say honestly that it was not remembered instead.
 */
import { KEYCHAIN_SERVICE, type Keychain, KeychainUnavailable } from './keychain.js';

/** The keychain may show a dialog (macOS "allow access?", an unlock prompt): generous, but never a hang. */
const CALL_LIMIT_MS = 60_000;

type KeyringModule = typeof import('@napi-rs/keyring');
type AsyncEntry = InstanceType<KeyringModule['AsyncEntry']>;

export function osKeychain(platform: NodeJS.Platform, env: Record<string, string | undefined>): Keychain {
  let module: Promise<KeyringModule> | undefined;
  const load = async (): Promise<KeyringModule> => {
    try {
      const loaded = (await (module ??= import('@napi-rs/keyring'))) as KeyringModule & { default?: KeyringModule };
      return loaded.AsyncEntry ? loaded : loaded.default!;
    } catch {
      throw new KeychainUnavailable(`the optional package @napi-rs/keyring has no build for ${platform}-${process.arch} in this install`);
    }
  };
  const call = async <T>(account: string, work: (entry: AsyncEntry, signal: AbortSignal) => Promise<T>): Promise<T> => {
    const { AsyncEntry } = await load();
    let timer: NodeJS.Timeout | undefined;
    try {
      const entry = new AsyncEntry(KEYCHAIN_SERVICE, account, platform === 'linux' ? { linux: { store: 'secret-service' } } : undefined);
      const limit = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new KeychainUnavailable(`the keychain did not answer within ${CALL_LIMIT_MS / 1000} s`)), CALL_LIMIT_MS);
        timer.unref();
      });
      return await Promise.race([work(entry, AbortSignal.timeout(CALL_LIMIT_MS)), limit]);
    } catch (error) {
      throw error instanceof KeychainUnavailable ? error : new KeychainUnavailable(describe(error, platform, env));
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    name: keychainName(platform),
    get: (account) => call(account, async (entry, signal) => (await entry.getPassword(signal)) ?? undefined),
    set: (account, password) => call(account, (entry, signal) => entry.setPassword(password, signal)),
    delete: (account) => call(account, (entry, signal) => entry.deletePassword(signal)),
  };
}

export function keychainName(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'macOS Keychain';
  if (platform === 'win32') return 'Windows Credential Manager';
  return 'Secret Service keyring (GNOME Keyring, KWallet, KeePassXC)';
}

/**
 * The library's errors as a reason a user can act on. Its messages name the platform failure (never
 * the secret), e.g. "Platform failure: DBus error: Using X11 for dbus-daemon autolaunch was disabled…"
 * when there is no session bus, "Secret Service: no result found" when no keyring (collection) exists.
 */
function describe(error: unknown, platform: NodeJS.Platform, env: Record<string, string | undefined>): string {
  const text = error instanceof Error ? error.message : String(error);
  if (platform === 'linux' || platform === 'freebsd' || platform === 'openbsd') {
    if (!env.DBUS_SESSION_BUS_ADDRESS?.trim() && /dbus|d-bus|autolaunch/i.test(text)) {
      return 'there is no Secret Service: no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set), as on a headless machine';
    }
    if (/no result found|no dbus session|serviceunknown|not provided by any \.service|was not provided/i.test(text)) {
      return 'no Secret Service provider (such as gnome-keyring-daemon) with a keyring is running on the session bus';
    }
    if (/locked|prompt was dismissed|prompt/i.test(text)) return 'the Secret Service keyring is locked';
    if (/dbus|d-bus/i.test(text)) return 'the Secret Service could not be reached over D-Bus';
  }
  if (/abort/i.test(text)) return `the keychain did not answer within ${CALL_LIMIT_MS / 1000} s`;
  // The library's own words: the platform's reason, never the secret (which it does not echo).
  return `the keychain refused (${text.replace(/\s+/g, ' ').slice(0, 160)})`;
}
