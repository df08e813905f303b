/**
 * Profiles the AWS CLI (or STS) would misread or refuse, from the parsed config and credentials files.
 * Pure. Never reads a key's value into a finding: only names.
 */
import { configSectionName } from '../config/paths.js';
import { DestinationKeys, isGatewayProfile, listProfiles, parseDurationSeconds, profileKeys } from '../catalog/destination.js';
import { CredentialKeys, principalMismatch } from '../credentials/credentials.js';
import type { IniDocument } from '../ini/document.js';
import { finding, type Finding } from './finding.js';

/** A hop from temporary credentials (a SAML gateway or another role) is role chaining: STS caps it at 1 h. */
const ROLE_CHAINING_MAX_SECONDS = 3600;

export function checkProfiles(config: IniDocument, credentials: IniDocument, configPath: string, credentialsPath: string): Finding[] {
  const out: Finding[] = [];
  const profiles = listProfiles(config);
  const inConfig = new Set(profiles);
  const keysOf = (name: string) => profileKeys(config, name) ?? {};
  const sourceOf = (name: string) => keysOf(name)[DestinationKeys.sourceProfile]?.trim() || undefined;
  const hasStaticKeys = (name: string) => Boolean(credentials.get(name, CredentialKeys.accessKeyId)?.trim());
  const reportedCycles = new Set<string>();

  for (const name of profiles) {
    const source = sourceOf(name);
    if (source === undefined) continue;
    const section = `[${configSectionName(name)}]`;
    if (!inConfig.has(source) && !credentials.hasSection(source)) {
      out.push(
        finding(
          'profile.source-missing',
          'error',
          `Profile ${name}: source_profile ${source} does not exist`,
          `${section} in ${configPath} names source_profile = ${source}, which is neither in ${configPath} nor in ${credentialsPath}.`,
          `fix source_profile in ${section} of ${configPath}, or create the profile ${source} (awsfed configure --profile ${source})`,
        ),
      );
      continue;
    }
    // Follow the chain; botocore accepts a profile naming itself when it has keys (it then uses them).
    const path = [name];
    // A Set beside the path: `path.includes` on each hop made a long chain cubic (2000 profiles: 3.7 s).
    const onPath = new Set(path);
    for (let current = name, next = sourceOf(name); next !== undefined; current = next, next = sourceOf(next)) {
      if (next === current && hasStaticKeys(current)) break;
      if (onPath.has(next)) {
        const cycle = path.slice(path.indexOf(next));
        const key = [...cycle].sort().join('\u0000');
        if (!reportedCycles.has(key)) {
          reportedCycles.add(key);
          out.push(
            finding(
              'profile.source-loop',
              'error',
              `Profiles loop through source_profile: ${[...cycle, next].join(' -> ')}`,
              `The AWS CLI (and awsfed) cannot resolve any profile on this loop in ${configPath}.`,
              `make one of ${cycle.join(', ')} take its keys from a gateway (source_profile = your awsfed login profile)`,
            ),
          );
        }
        break;
      }
      path.push(next);
      onPath.add(next);
    }

    const duration = parseDurationSeconds(keysOf(name)[DestinationKeys.durationSeconds]);
    const sourceKeys = keysOf(source);
    const sourceIsTemporary =
      isGatewayProfile(config, source) || Boolean(sourceKeys[DestinationKeys.roleArn]?.trim()) || Boolean(credentials.get(source, CredentialKeys.sessionToken)?.trim());
    if (duration !== undefined && duration > ROLE_CHAINING_MAX_SECONDS && sourceIsTemporary) {
      out.push(
        finding(
          'profile.chained-duration',
          'error',
          `Profile ${name}: duration_seconds = ${duration} is over the 3600 s STS allows for a chained role`,
          `Its source ${source} holds temporary credentials, so assuming ${name} is role chaining; STS refuses more than 1 hour.`,
          `set duration_seconds = 3600 (or less) in ${section} of ${configPath}`,
        ),
      );
    }
  }

  for (const name of profiles) {
    const roleArn = keysOf(name)[DestinationKeys.roleArn]?.trim();
    if (!roleArn || !credentials.hasSection(name) || !hasStaticKeys(name)) continue;
    const sessionToken = credentials.get(name, CredentialKeys.sessionToken)?.trim();
    const principal = credentials.get(name, CredentialKeys.principalArn);
    const mismatch = principalMismatch({ principalArn: principal }, roleArn);
    if (!sessionToken || mismatch !== undefined) {
      out.push(
        finding(
          'profile.keys-shadow-role',
          'error',
          `Profile ${name}: [${name}] in ${credentialsPath} holds ${sessionToken ? 'keys of another role' : 'long-term keys'} while its config has role_arn`,
          `The AWS CLI uses the keys in ${credentialsPath}, not ${roleArn}${mismatch ? ` (${mismatch})` : ''}.`,
          `remove the keys of [${name}] from ${credentialsPath} and run: awsfed refresh ${name}`,
        ),
      );
    }
  }

  for (const section of credentials.sectionNames()) {
    const security = credentials.get(section, CredentialKeys.securityToken);
    const session = credentials.get(section, CredentialKeys.sessionToken);
    if (security !== undefined && security !== session) {
      out.push(
        finding(
          'credentials.security-token-differs',
          'error',
          `[${section}] in ${credentialsPath}: aws_security_token differs from aws_session_token`,
          'The AWS CLI reads aws_security_token first, so it sends an old token with the new keys and AWS rejects them.',
          `delete the aws_security_token line of [${section}] in ${credentialsPath} (or run: awsfed refresh ${section})`,
        ),
      );
    }
  }
  return out;
}
