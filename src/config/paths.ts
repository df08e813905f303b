/**
 * Where the AWS config and credentials files live. Same rules as the AWS CLI and the JS SDK:
 * AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE win when set and non-empty, a leading `~`
 * means the home directory, and the defaults are ~/.aws/config and ~/.aws/credentials.
 * Pure: the environment and the home directory come in as parameters.
 */
import { join } from 'node:path';

export interface AwsPaths {
  configFile: string;
  credentialsFile: string;
  /** ~/.aws, always under the home directory (not moved by the two variables above). */
  awsDir: string;
}

/** `~` or `~/x` (also `~\x` on Windows) -> home-relative; `~user/x` is left alone like the JS SDK does. */
export function expandHome(path: string, homeDir: string): string {
  if (path === '~') return homeDir;
  if (path.startsWith('~/') || path.startsWith('~\\')) return join(homeDir, path.slice(2));
  return path;
}

function fromEnv(value: string | undefined, homeDir: string): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return expandHome(value, homeDir);
}

export function resolveAwsPaths(env: Record<string, string | undefined>, homeDir: string): AwsPaths {
  const awsDir = join(homeDir, '.aws');
  return {
    configFile: fromEnv(env.AWS_CONFIG_FILE, homeDir) ?? join(awsDir, 'config'),
    credentialsFile: fromEnv(env.AWS_SHARED_CREDENTIALS_FILE, homeDir) ?? join(awsDir, 'credentials'),
    awsDir,
  };
}

/** The config file names profiles `[profile NAME]`, except `[default]`. */
export function configSectionName(profile: string): string {
  return profile === 'default' ? 'default' : `profile ${profile}`;
}
