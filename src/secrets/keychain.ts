/**
 * The OS keychain as a port (issue 8, item 2): where `--remember-password` keeps the IdP password,
 * one entry per IdP host and user name (service "awsfed", account "user@host"). The real adapter is
 * src/secrets/os-keychain.ts; tests use memoryKeychain().
 *
 * A keychain that cannot be used (no Secret Service on a headless Linux, a locked keyring, the optional
 * native package missing) rejects with KeychainUnavailable, whose reason is one short phrase for the
 * user; callers turn it into a line, never into a failed sign-in.
 */
export interface Keychain {
  /** What the user would call it: "macOS Keychain", "Secret Service (GNOME Keyring, KWallet…)". */
  readonly name: string;
  get(account: string): Promise<string | undefined>;
  set(account: string, password: string): Promise<void>;
  /** True when there was an entry to remove. */
  delete(account: string): Promise<boolean>;
}

export const KEYCHAIN_SERVICE = 'awsfed';

export class KeychainUnavailable extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'KeychainUnavailable';
  }
}

/** The entry's account: the user name as posted to the IdP, at the IdP's host (with its port, if any). */
export function keychainAccount(username: string, idpHost: string): string {
  return `${username}@${idpHost}`;
}

/** The reason as a phrase, whatever was thrown (only KeychainUnavailable carries one for users). */
export function unavailableReason(error: unknown): string {
  return error instanceof KeychainUnavailable ? error.reason : 'the keychain failed unexpectedly';
}

/** An in-memory keychain for tests; `unavailable` makes every call reject as a missing keychain does. */
export function memoryKeychain(initial: Record<string, string> = {}, unavailable?: string): Keychain & { entries: Map<string, string>; calls: string[] } {
  const entries = new Map(Object.entries(initial));
  const calls: string[] = [];
  const check = (call: string) => {
    calls.push(call);
    if (unavailable !== undefined) throw new KeychainUnavailable(unavailable);
  };
  return {
    name: 'test keychain',
    entries,
    calls,
    get: async (account) => {
      check(`get ${account}`);
      return entries.get(account);
    },
    set: async (account, password) => {
      check(`set ${account}`);
      entries.set(account, password);
    },
    delete: async (account) => {
      check(`delete ${account}`);
      return entries.delete(account);
    },
  };
}
