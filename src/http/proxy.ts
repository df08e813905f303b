/**
 * Which proxy, if any, a request goes through (issue 9, item 3). Pure: the environment and the
 * awsfed_proxy setting come in as data; the agents that speak to the proxy are in proxy-agents.ts.
 *
 * Rules (written down in the README's "Proxies" section):
 * - awsfed's own setting (--proxy > AWSFED_PROXY > awsfed_proxy) is used for http and https targets alike;
 * - otherwise, per target scheme, the first non-empty of https_proxy, HTTPS_PROXY (https targets) or
 *   http_proxy, HTTP_PROXY (http targets), then all_proxy, ALL_PROXY. Lower-case first, as curl and the
 *   AWS CLI (Python's urllib) do. Unlike curl, upper-case HTTP_PROXY is honoured (curl ignores it for
 *   the CGI "httpoxy" reason, which does not apply to a command-line tool; Python honours it too);
 * - no_proxy, then NO_PROXY, lists the targets that go direct, whichever proxy was chosen. As in curl,
 *   loopback targets are not special: 127.0.0.1 goes through the proxy unless NO_PROXY names it.
 * A proxy URL without a scheme is http:// (as curl); the port defaults to 80 (http) or 443 (https).
 */
import { BlockList, isIP } from 'node:net';
import { UsageError } from '../errors.js';

export interface ProxyChoice {
  /** The proxy URL with its credentials: only the agent ever sees it. */
  url: URL;
  /** The proxy as messages may show it: scheme, host and port, never user name or password. */
  display: string;
  /** Where it was set, as the user would find it: "HTTPS_PROXY", "--proxy", "awsfed_proxy in ~/.aws/config". */
  origin: string;
}

export interface ProxyConfig {
  https?: ProxyChoice;
  http?: ProxyChoice;
  /** The NO_PROXY entries, lower-cased. */
  noProxy: string[];
}

/**
 * The request option under which a request gives a shared proxy agent (proxy-agents.ts) its deadline:
 * the connection the agent opens to the proxy for that request closes when it aborts. A symbol, so that
 * it never reaches a header or the TLS options the agent copies from the request options.
 */
export const PROXY_CONNECT_SIGNAL: unique symbol = Symbol('awsfed proxy connect signal');

type Env = Record<string, string | undefined>;

function firstSet(env: Env, names: string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { name, value };
  }
  return undefined;
}

/** `http://user:pass@proxy:3128/` shown as `http://proxy:3128`. */
export function displayProxy(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

/** Parses a proxy URL; a bad one is a usage error that names where it came from, without the text (it may hold a password). */
export function parseProxyUrl(text: string, origin: string): ProxyChoice {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UsageError('PROXY_INVALID', `${origin} is not a proxy URL`, {
      hint: `Give it as http://HOST:PORT (or http://USER:PASSWORD@HOST:PORT, with special characters percent-encoded).`,
    });
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    throw new UsageError('PROXY_INVALID', `${origin} is a ${url.protocol.replace(/:$/, '')} URL; awsfed speaks to http:// and https:// proxies only`, {
      hint: 'Give an HTTP proxy as http://HOST:PORT (SOCKS proxies are not supported).',
    });
  }
  return { url, display: displayProxy(url), origin };
}

/**
 * The proxies in force. `setting` is awsfed's own (--proxy / AWSFED_PROXY / awsfed_proxy), already
 * resolved by settings.ts, with the name it came from.
 */
export function proxyConfigFrom(env: Env, setting?: { value: string; origin: string }): ProxyConfig {
  const noProxy = (firstSet(env, ['no_proxy', 'NO_PROXY'])?.value ?? '')
    .split(/[\s,]+/)
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== '');
  if (setting) {
    const choice = parseProxyUrl(setting.value, setting.origin);
    return { https: choice, http: choice, noProxy };
  }
  const config: ProxyConfig = { noProxy };
  const https = firstSet(env, ['https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY']);
  const http = firstSet(env, ['http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY']);
  if (https) config.https = parseProxyUrl(https.value, https.name);
  if (http) config.http = parseProxyUrl(http.value, http.name);
  return config;
}

/** The proxy passwords in force, as written and decoded, for the redacting logger. */
export function proxyPasswords(config: ProxyConfig): string[] {
  const out = new Set<string>();
  for (const choice of [config.https, config.http]) {
    const password = choice?.url.password;
    if (!password) continue;
    out.add(password);
    try {
      out.add(decodeURIComponent(password));
    } catch {
      // Not valid percent-encoding: the raw form is all there is.
    }
  }
  return [...out];
}

/** The proxy for a request to `target`, or undefined to connect directly. */
export function proxyFor(target: string | URL, config: ProxyConfig | undefined): ProxyChoice | undefined {
  if (!config) return undefined;
  const url = typeof target === 'string' ? new URL(target) : target;
  const choice = url.protocol === 'https:' ? config.https : url.protocol === 'http:' ? config.http : undefined;
  if (!choice) return undefined;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return bypassesProxy(url.hostname, port, config.noProxy) ? undefined : choice;
}

/**
 * Whether NO_PROXY names host:port. Entries: `*` (everything); a host name, which also covers its
 * subdomains, with or without a leading `.` or `*.` (`corp.example`, `.corp.example`); an IP address;
 * a CIDR block (`10.0.0.0/8`, `fd00::/8`); any of them (but a CIDR block) with `:PORT` to match that
 * port only; IPv6 addresses in brackets when a port follows (`[::1]:8443`). Case-insensitive.
 */
export function bypassesProxy(hostname: string, port: string, entries: string[]): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  const hostIp = isIP(host);
  for (const raw of entries) {
    if (raw === '*') return true;
    const { name, entryPort } = splitEntry(raw);
    if (entryPort !== undefined && entryPort !== port) continue;
    if (name === '') continue;
    const slash = name.indexOf('/');
    if (slash >= 0) {
      if (hostIp !== 0 && inCidr(host, hostIp, name.slice(0, slash), name.slice(slash + 1))) return true;
      continue;
    }
    if (isIP(name) !== 0) {
      if (hostIp !== 0 && sameIp(host, name)) return true;
      continue;
    }
    const suffix = name.replace(/^\*?\.+/, '').replace(/\.$/, '');
    if (suffix === '') continue;
    if (host === suffix || host.endsWith(`.${suffix}`)) return true;
  }
  return false;
}

function splitEntry(entry: string): { name: string; entryPort?: string } {
  const bracketed = /^\[([^\]]*)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return bracketed[2] ? { name: bracketed[1]!, entryPort: bracketed[2] } : { name: bracketed[1]! };
  // A bare IPv6 address (several colons) has no port.
  if (isIP(entry.split('/')[0]!) === 6) return { name: entry };
  const m = /^(.*):(\d+)$/.exec(entry);
  return m ? { name: m[1]!, entryPort: m[2]! } : { name: entry };
}

function sameIp(a: string, b: string): boolean {
  const list = new BlockList();
  list.addAddress(b, isIP(b) === 6 ? 'ipv6' : 'ipv4');
  return list.check(a, isIP(a) === 6 ? 'ipv6' : 'ipv4');
}

function inCidr(host: string, hostFamily: number, network: string, prefixText: string): boolean {
  const family = isIP(network);
  const prefix = Number(prefixText);
  if (family === 0 || !/^\d+$/.test(prefixText) || prefix > (family === 6 ? 128 : 32)) return false;
  const list = new BlockList();
  list.addSubnet(network, prefix, family === 6 ? 'ipv6' : 'ipv4');
  return list.check(host, hostFamily === 6 ? 'ipv6' : 'ipv4');
}

export type ProxyFailureKind = 'auth' | 'refused' | 'unreachable';

/**
 * What the proxy agents throw when the proxy itself fails (not the target): a 407, any other non-2xx
 * answer to CONNECT, or no connection to the proxy. Each caller (IdP client, STS, federation sign-in)
 * turns it into its own typed error with describeProxyFailure. Never holds the proxy credentials.
 */
export class ProxyFailure extends Error {
  readonly code: string;
  constructor(
    readonly kind: ProxyFailureKind,
    readonly proxy: { display: string; origin: string; withCredentials: boolean },
    readonly target: string,
    readonly status?: number,
    readonly networkCode?: string,
  ) {
    super(`proxy ${proxy.display} failed: ${kind}${status ? ` (HTTP ${status})` : networkCode ? ` (${networkCode})` : ''}`);
    this.name = 'ProxyFailure';
    // Node-style codes (ECONNREFUSED ...): the cause's code under --debug, not awsfed error codes.
    this.code = kind === 'auth' ? 'EPROXYAUTH' : kind === 'refused' ? 'EPROXYREFUSED' : 'EPROXYUNREACHABLE';
  }
}

/** The ProxyFailure on an error or along its cause chain (axios and the SDK wrap what the agent threw). */
export function proxyFailureOf(error: unknown): ProxyFailure | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    if (current instanceof ProxyFailure) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** One line saying what the proxy did, and what to do; names the proxy (no credentials) and its setting. */
export function describeProxyFailure(f: ProxyFailure): { message: string; hint: string } {
  const proxy = `the proxy ${f.proxy.display} (from ${f.proxy.origin})`;
  switch (f.kind) {
    case 'auth':
      return f.proxy.withCredentials
        ? {
            message: `${capitalised(proxy)} refused its credentials for ${f.target} (HTTP 407)`,
            hint: `Check the user name and password in ${f.proxy.origin} (http://USER:PASSWORD@HOST:PORT, special characters percent-encoded).`,
          }
        : {
            message: `${capitalised(proxy)} asks for authentication to reach ${f.target} (HTTP 407)`,
            hint: `Put the proxy user name and password in ${f.proxy.origin}: http://USER:PASSWORD@HOST:PORT (special characters percent-encoded).`,
          };
    case 'refused':
      return {
        message: `${capitalised(proxy)} refused to connect to ${f.target}${f.status ? ` (HTTP ${f.status})` : ''}`,
        hint: `Ask your network team to allow ${f.target} through the proxy, or, if it can be reached directly, add its host to NO_PROXY.`,
      };
    case 'unreachable':
      return {
        message: `Cannot reach ${proxy}${f.networkCode ? ` (${f.networkCode})` : ''}`,
        hint: `Check the proxy host and port in ${f.proxy.origin}, and that you are on the network that has it; unset it if you are not behind a proxy.`,
      };
  }
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The agent for one request to `target` made with node:http(s) directly (the console's getSigninToken,
 * the account-name lookup): a CONNECT tunnel for https, forwarding for http, or undefined when no proxy
 * applies. The agents library loads only then. `signal` closes the agent's connection to the proxy when
 * the exchange ends; `ca` still verifies the target's certificate through the tunnel.
 */
export async function requestAgentFor(target: URL, config: ProxyConfig | undefined, options: { signal: AbortSignal; ca?: string[] }): Promise<import('node:http').Agent | undefined> {
  const choice = proxyFor(target, config);
  if (!choice) return undefined;
  const agents = await import('./proxy-agents.js');
  return target.protocol === 'https:'
    ? agents.tunnelAgent(choice, { signal: options.signal, ...(options.ca ? { ca: options.ca } : {}) })
    : agents.forwardAgent(choice, { signal: options.signal });
}
