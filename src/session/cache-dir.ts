/**
 * Where the IdP session cache lives: the user's cache directory, the way each platform names it
 * (XDG Base Directory on Linux and BSDs, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows), then
 * awsfed/idp-sessions. One file per IdP host. Pure: environment, home and platform come in.
 */
import { isAbsolute, join } from 'node:path';

export type Env = Record<string, string | undefined>;

export function userCacheDir(env: Env, homeDir: string, platform: NodeJS.Platform): string {
  // The XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
  const xdg = env.XDG_CACHE_HOME?.trim();
  if (xdg && isAbsolute(xdg)) return xdg;
  if (platform === 'darwin') return join(homeDir, 'Library', 'Caches');
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA?.trim();
    return local && isAbsolute(local) ? local : join(homeDir, 'AppData', 'Local');
  }
  return join(homeDir, '.cache');
}

export function sessionCacheDir(env: Env, homeDir: string, platform: NodeJS.Platform): string {
  return join(userCacheDir(env, homeDir, platform), 'awsfed', 'idp-sessions');
}

/**
 * The file name for an IdP host ("adfs.corp.example", "127.0.0.1:8443"): every character outside
 * [a-z0-9.-] becomes _XX (its code in hex), so distinct hosts never share a file and no host can
 * name a path outside the directory.
 */
export function sessionFileName(host: string): string {
  const safe = host.toLowerCase().replace(/[^a-z0-9.-]/g, (c) => `_${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  // "." and ".." alone would be directory names.
  return `${safe.replace(/^\.+/, (dots) => '_2e'.repeat(dots.length))}.json`;
}

/** The host a session file is for, from its name (sessionFileName's inverse); undefined for a name awsfed never writes. */
export function hostOfSessionFile(name: string): string | undefined {
  if (!name.endsWith('.json')) return undefined;
  const host = name.slice(0, -'.json'.length).replace(/_([0-9a-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return sessionFileName(host) === name ? host : undefined;
}
