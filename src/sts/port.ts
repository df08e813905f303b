/**
 * The STS port in Deps: the three calls awsfed makes. Commands and the chain take it from Deps, so
 * tests can count or script the calls and the demo and the bench can point them anywhere.
 *
 * `stsOverHttp` is the real one: client.ts (and through it the AWS SDK) is imported on the first
 * call only, so start-up and commands that never call STS do not pay for it.
 */
import type { ProxyConfig } from '../http/proxy.js';
import type { AwsCredentials, SamlCredentials, StsTarget } from './client.js';

export interface Sts {
  assumeRoleWithSaml(
    target: StsTarget,
    input: { roleArn: string; principalArn: string; samlAssertion: string; durationSeconds: number },
  ): Promise<SamlCredentials>;
  assumeRole(
    target: StsTarget,
    creds: AwsCredentials,
    input: { roleArn: string; roleSessionName: string; durationSeconds: number; externalId?: string },
  ): Promise<SamlCredentials>;
  getCallerIdentity(target: StsTarget, creds: AwsCredentials): Promise<{ account: string; arn: string; userId: string }>;
  /**
   * A call will come soon: load what it needs now, without waiting (a login calls this while its IdP
   * requests are on the network). Optional: fakes need not have it.
   */
  preload?(): void;
}

/**
 * `requestLog` (the --debug logger) gets one line per STS HTTP attempt, in the IdP client's format.
 * `proxy` gives the proxies of a target that names none (commands without a login context, such as a
 * chained refresh: the environment's proxies, issue 9).
 */
export function stsOverHttp(requestLog?: (line: string) => void, proxy?: () => Promise<ProxyConfig>): Sts {
  const client = () => import('./client.js');
  let fallbackProxy: Promise<ProxyConfig> | undefined;
  const logged = async (target: StsTarget): Promise<StsTarget> => {
    let out = requestLog && !target.requestLog ? { ...target, requestLog } : target;
    if (proxy && !out.proxy) out = { ...out, proxy: await (fallbackProxy ??= proxy()) };
    return out;
  };
  return {
    assumeRoleWithSaml: async (target, input) => (await client()).assumeRoleWithSaml(await logged(target), input),
    assumeRole: async (target, creds, input) => (await client()).assumeRole(await logged(target), creds, input),
    getCallerIdentity: async (target, creds) => (await client()).getCallerIdentity(await logged(target), creds),
    preload: () => void client().then((c) => c.preloadSdk(), () => undefined),
  };
}
