/**
 * Where STS is called: the endpoint the user set (--sts-endpoint, AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL,
 * awsfed_sts_endpoint, resolved in src/config/settings.ts), else the region's own. One rule for the STS
 * client (its proxy choice: NO_PROXY matches this host) and for `awsfed doctor` (what it probes). Pure,
 * and apart from client.ts, so that the doctor does not load the SDK to know a URL.
 */

/** China regions (cn-*) are served under amazonaws.com.cn. */
export function stsEndpointUrl(region: string, endpoint?: string): string {
  return endpoint ?? `https://sts.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}
