/**
 * File and directory permissions, from stat results (pure: the caller stats). POSIX only: on Windows
 * the mode bits mean nothing and the caller passes no uid.
 */
import { finding, type Finding } from './finding.js';

export interface PathStat {
  path: string;
  /** undefined when the path does not exist. */
  mode?: number;
  uid?: number;
  isDirectory?: boolean;
}

export interface PermissionRule {
  id: string;
  /** What the path is, for titles ("the credentials file"). */
  what: string;
  /** The mode to suggest (0o600, 0o700). */
  want: number;
  /** Bits that must be clear, and how bad it is when they are not. */
  errorBits: number;
  warningBits: number;
  why: string;
}

const octal = (mode: number) => (mode & 0o777).toString(8).padStart(3, '0');

export function checkPermission(stat: PathStat, rule: PermissionRule, uid: number | undefined): Finding[] {
  if (stat.mode === undefined) return [];
  const out: Finding[] = [];
  if (uid !== undefined && stat.uid !== undefined && stat.uid !== uid) {
    out.push(finding(`${rule.id}.owner`, 'error', `${rule.what} ${stat.path} belongs to uid ${stat.uid}, not to you (uid ${uid})`, rule.why, `sudo chown "$(id -u)" ${stat.path}`));
  }
  const severity = (stat.mode & rule.errorBits) !== 0 ? 'error' : (stat.mode & rule.warningBits) !== 0 ? 'warning' : undefined;
  if (severity) {
    out.push(finding(`${rule.id}.mode`, severity, `${rule.what} ${stat.path} has mode ${octal(stat.mode)}; other users can ${stat.mode & 0o022 ? 'change' : 'read'} it`, rule.why, `chmod ${octal(rule.want)} ${stat.path}`));
  } else if (out.length === 0) {
    out.push(finding(`${rule.id}.mode`, 'ok', `${rule.what} ${stat.path} has mode ${octal(stat.mode)}`));
  }
  return out;
}

export const PERMISSION_RULES = {
  awsDir: { id: 'permissions.aws-dir', what: 'The directory', want: 0o700, errorBits: 0o022, warningBits: 0o055, why: 'It holds your AWS keys; others must not add or replace files in it.' },
  credentials: { id: 'permissions.credentials', what: 'The credentials file', want: 0o600, errorBits: 0o066, warningBits: 0o011, why: 'It holds your AWS keys: anyone who can read it can act as you in AWS.' },
  config: { id: 'permissions.config', what: 'The config file', want: 0o600, errorBits: 0o022, warningBits: 0o011, why: 'Whoever can change it can point your profiles at their own IdP or roles.' },
  cacheDir: { id: 'permissions.cache-dir', what: 'The session cache directory', want: 0o700, errorBits: 0o022, warningBits: 0o055, why: 'It holds IdP session cookies, as good as your password while they last.' },
} as const satisfies Record<string, PermissionRule>;
