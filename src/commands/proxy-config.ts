/**
 * The proxies for a command's requests: awsfed's own setting (--proxy / AWSFED_PROXY / awsfed_proxy,
 * resolved with the others in settings.ts) over the standard variables (src/http/proxy.ts).
 */
import type { Env, Settings } from '../config/settings.js';
import { settingOrigin } from '../config/settings.js';
import { type ProxyConfig, proxyConfigFrom } from '../http/proxy.js';

export function proxyConfigFor(settings: Pick<Settings, 'proxy' | 'profile'>, env: Env, configFile?: string): ProxyConfig {
  const { proxy } = settings;
  return proxyConfigFrom(
    env,
    proxy.value === undefined ? undefined : { value: proxy.value, origin: settingOrigin('proxy', proxy, env, settings.profile.value, configFile) },
  );
}
