/**
 * The account names a role list shows: the local mapping (awsfed_account_aliases) first, then the names
 * the AWS sign-in page showed for this gateway profile (from the cache, else one lookup), else the ids.
 * Called only where a list or names are drawn (the interactive role list, --all-roles' {alias}), never on
 * the path of a configured role or of credential-process, and never by assuming roles to ask IAM.
 */
import type { Logger } from '../log.js';
import type { Partition, SamlRole } from '../saml/types.js';
import type { Env } from '../session/cache-dir.js';
import type { ProxyConfig } from '../http/proxy.js';
import { fetchAccountNames, signinSamlUrl } from './lookup.js';
import { createNameCache, nameCacheDir } from './name-cache.js';
import type { AccountNames } from './signin-page.js';

export interface AccountNamesInput {
  /** The gateway profile the names are cached for. */
  profile: string;
  roles: readonly SamlRole[];
  samlResponse: string;
  relayState?: string;
  /** Response/@Destination of the assertion. */
  destination?: string;
  /** awsfed_account_aliases: overrides what the page says. */
  localAliases: ReadonlyMap<string, string>;
  /** awsfed_signin_endpoint / AWSFED_SIGNIN_ENDPOINT / --signin-endpoint. */
  signinEndpoint?: string;
  /** --no-aliases: the local mapping only. */
  noLookup: boolean;
  caBundlePem?: string;
  proxy?: ProxyConfig;
  timeoutMs?: number;
  env: Env;
  homeDir: string;
  platform?: NodeJS.Platform;
  clock: () => Date;
  log: Logger;
}

export async function accountNamesFor(input: AccountNamesInput): Promise<AccountNames> {
  const accounts = [...new Set(input.roles.map((r) => r.accountId))];
  const local = new Map([...input.localAliases].filter(([id]) => accounts.includes(id)));
  const withLocal = (page: AccountNames): AccountNames => new Map([...page, ...local]);
  if (accounts.every((a) => local.has(a))) return local;
  if (input.noLookup) {
    input.log.debug('account names: --no-aliases, no lookup');
    return local;
  }
  const cache = createNameCache({ dir: nameCacheDir(input.env, input.homeDir, input.platform ?? 'linux'), clock: input.clock, log: input.log });
  const cached = await cache.load(input.profile, accounts);
  if ('names' in cached) {
    input.log.debug(`account names: from ${cache.fileFor(input.profile)}`);
    return withLocal(cached.names);
  }
  const partition: Partition = input.roles[0]?.partition ?? 'aws';
  const target = signinSamlUrl(input.destination, partition, input.signinEndpoint);
  if ('refused' in target) {
    input.log.warn(`Account names not looked up: ${target.refused}; the role list shows account ids.`);
    return local;
  }
  const outcome = await fetchAccountNames({
    url: target.url,
    samlResponse: input.samlResponse,
    ...(input.relayState ? { relayState: input.relayState } : {}),
    ...(input.caBundlePem ? { caBundlePem: input.caBundlePem } : {}),
    ...(input.proxy ? { proxy: input.proxy } : {}),
    ...(input.timeoutMs !== undefined ? { timeoutMs: input.timeoutMs } : {}),
    debug: (line) => input.log.debug(line),
  });
  if (!outcome.ok) {
    input.log.debug(`account names: ${outcome.reason} (cache: ${cached.miss}); showing account ids`);
    return local;
  }
  input.log.debug(`account names: ${outcome.names.size} read from ${outcome.endpoint}`);
  await cache.save(input.profile, accounts, outcome.names).catch((error: NodeJS.ErrnoException) => {
    input.log.debug(`account names: not cached (${error.code ?? error.message})`);
  });
  return withLocal(outcome.names);
}
