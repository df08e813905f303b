/**
 * The proxies for a command's requests: awsfed's own setting (--proxy / AWSFED_PROXY / awsfed_proxy,
 * resolved with the others in settings.ts) over the standard variables (src/http/proxy.ts).
 */
import type { Env, Settings } from '../config/settings.js';
import { SETTINGS, settingOrigin } from '../config/settings.js';
import { type ProxyConfig, proxyConfigFrom } from '../http/proxy.js';

export function proxyConfigFor(settings: Pick<Settings, 'proxy' | 'profile'>, env: Env, configFile?: string): ProxyConfig {
  const { proxy } = settings;
  return proxyConfigFrom(
    env,
    proxy.value === undefined ? undefined : { value: proxy.value, origin: settingOrigin('proxy', proxy, env, settings.profile.value, configFile) },
  );
}

/**
 * The proxies of a request no profile speaks for (a chained refresh's STS calls, credential_process):
 * the proxy setting's own variable (AWSFED_PROXY, from the settings table), else the standard ones.
 */
export function environmentProxyConfig(env: Env): ProxyConfig {
  const name = SETTINGS.proxy.env.find((n) => env[n]?.trim());
  return proxyConfigFrom(env, name ? { value: env[name]!.trim(), origin: name } : undefined);
}
