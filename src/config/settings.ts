/**
 * Settings resolution: the one place that decides where each value comes from.
 *
 *   flag  >  environment  >  profile in ~/.aws/config  >  default
 *
 * The README's precedence table is generated from SETTINGS below (keep them in step). Pure: flags,
 * environment and the profile section come in as data.
 */
import { UsageError } from '../errors.js';

export type SettingSource = 'flag' | 'env' | 'profile' | 'default';

export interface SettingSpec {
  /** Flag as a user types it. */
  flag: string;
  /** Environment variables, first one set wins. */
  env: string[];
  /** Key in [profile NAME] of ~/.aws/config. */
  profileKey?: string;
  /** Human description of the default. */
  defaultText: string;
}

export const SETTINGS = {
  idpUrl: { flag: '--idp-url', env: ['AWSFED_IDP_URL'], profileKey: 'awsfed_idp_url', defaultText: '(required)' },
  username: { flag: '--username', env: ['AWSFED_USERNAME'], profileKey: 'awsfed_username', defaultText: 'prompt' },
  role: { flag: '--role', env: ['AWSFED_ROLE'], profileKey: 'awsfed_role', defaultText: 'the only role, else a list' },
  duration: {
    flag: '--duration',
    env: ['AWSFED_DURATION'],
    profileKey: 'awsfed_duration',
    defaultText: 'SessionDuration from the IdP, else 3600',
  },
  region: { flag: '--region', env: ['AWS_REGION', 'AWS_DEFAULT_REGION'], profileKey: 'region', defaultText: 'us-east-1' },
  output: { flag: '--output', env: ['AWS_DEFAULT_OUTPUT'], profileKey: 'output', defaultText: 'json' },
  caBundle: {
    flag: '--ca-bundle',
    env: ['AWSFED_CA_BUNDLE', 'AWS_CA_BUNDLE'],
    profileKey: 'awsfed_ca_bundle',
    defaultText: "Node's built-in roots",
  },
  relyingParty: {
    flag: '--relying-party',
    env: ['AWSFED_RELYING_PARTY'],
    profileKey: 'awsfed_relying_party',
    defaultText: 'the one named Amazon/AWS',
  },
  passwordCommand: {
    flag: '--password-command',
    env: ['AWSFED_PASSWORD_COMMAND'],
    profileKey: 'awsfed_password_command',
    defaultText: 'none',
  },
  profileTemplate: {
    flag: '--profile-template',
    env: ['AWSFED_PROFILE_TEMPLATE'],
    profileKey: 'awsfed_profile_template',
    defaultText: '{alias}-{role} (login --all-roles)',
  },
  accountAliases: {
    flag: '--account-aliases',
    env: ['AWSFED_ACCOUNT_ALIASES'],
    profileKey: 'awsfed_account_aliases',
    defaultText: 'none: {alias} is the account id',
  },
  timeout: {
    flag: '--timeout',
    env: ['AWSFED_TIMEOUT'],
    profileKey: 'awsfed_timeout',
    defaultText: '2m for the whole sign-in with the IdP (time at prompts not counted); each request at most 30 s',
  },
  stsEndpoint: {
    flag: '--sts-endpoint',
    env: ['AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL'],
    profileKey: 'awsfed_sts_endpoint',
    defaultText: 'the regional STS endpoint',
  },
} as const satisfies Record<string, SettingSpec>;

export type SettingName = keyof typeof SETTINGS;

export interface Resolved<T> {
  value: T;
  source: SettingSource;
}

export interface Settings {
  profile: Resolved<string>;
  idpUrl: Resolved<string | undefined>;
  username: Resolved<string | undefined>;
  role: Resolved<string | undefined>;
  duration: Resolved<number | undefined>;
  region: Resolved<string>;
  output: Resolved<string>;
  caBundle: Resolved<string | undefined>;
  relyingParty: Resolved<string | undefined>;
  passwordCommand: Resolved<string | undefined>;
  stsEndpoint: Resolved<string | undefined>;
  /** Seconds the sign-in with the IdP may take. */
  timeout: Resolved<number>;
  profileTemplate: Resolved<string>;
  accountAliases: Resolved<string | undefined>;
}

export type Flags = Partial<Record<SettingName, string | undefined>> & { profile?: string | undefined };
export type Env = Record<string, string | undefined>;

export const DEFAULT_PROFILE = 'saml';
export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_PROFILE_TEMPLATE = '{alias}-{role}';
export const DEFAULT_TIMEOUT_SECONDS = 120;

/**
 * The profile to use: --profile > AWSFED_PROFILE > AWS_PROFILE (only when that profile is an awsfed
 * profile: AWS_PROFILE usually names a destination profile, and writing gateway keys there would be a
 * surprise) > "saml".
 */
export function resolveProfileName(
  flag: string | undefined,
  env: Env,
  isAwsfedProfile: (name: string) => boolean,
): Resolved<string> {
  if (nonEmpty(flag)) return { value: flag, source: 'flag' };
  if (nonEmpty(env.AWSFED_PROFILE)) return { value: env.AWSFED_PROFILE, source: 'env' };
  if (nonEmpty(env.AWS_PROFILE) && isAwsfedProfile(env.AWS_PROFILE)) return { value: env.AWS_PROFILE, source: 'env' };
  return { value: DEFAULT_PROFILE, source: 'default' };
}

export function resolveSettings(
  flags: Flags,
  env: Env,
  profile: Resolved<string>,
  profileSection: Record<string, string> | undefined,
): Settings {
  const pick = (name: SettingName): Resolved<string | undefined> => {
    const spec: SettingSpec = SETTINGS[name];
    const fromFlag = flags[name];
    if (nonEmpty(fromFlag)) return { value: fromFlag, source: 'flag' };
    for (const variable of spec.env) {
      const fromEnv = env[variable];
      if (nonEmpty(fromEnv)) return { value: fromEnv, source: 'env' };
    }
    const fromProfile = spec.profileKey ? profileSection?.[spec.profileKey] : undefined;
    if (nonEmpty(fromProfile)) return { value: fromProfile, source: 'profile' };
    return { value: undefined, source: 'default' };
  };
  const withDefault = (r: Resolved<string | undefined>, value: string): Resolved<string> =>
    r.value === undefined ? { value, source: 'default' } : { value: r.value, source: r.source };

  const duration = pick('duration');
  const timeout = pick('timeout');
  return {
    profile,
    idpUrl: pick('idpUrl'),
    username: pick('username'),
    role: pick('role'),
    duration: { value: duration.value === undefined ? undefined : parseDuration(duration.value, duration.source), source: duration.source },
    region: withDefault(pick('region'), DEFAULT_REGION),
    output: withDefault(pick('output'), 'json'),
    caBundle: pick('caBundle'),
    relyingParty: pick('relyingParty'),
    passwordCommand: pick('passwordCommand'),
    stsEndpoint: pick('stsEndpoint'),
    timeout:
      timeout.value === undefined ? { value: DEFAULT_TIMEOUT_SECONDS, source: 'default' } : { value: parseTimeout(timeout.value, timeout.source), source: timeout.source },
    profileTemplate: withDefault(pick('profileTemplate'), DEFAULT_PROFILE_TEMPLATE),
    accountAliases: pick('accountAliases'),
  };
}

/** Accepts seconds ("3600") or a unit ("1h", "90m", "12h"); STS allows 900..43200 seconds. */
export function parseDuration(text: string, source: SettingSource = 'flag'): number {
  const match = /^\s*(\d+)\s*([smh]?)\s*$/i.exec(text);
  const where = source === 'profile' ? 'awsfed_duration in ~/.aws/config' : source === 'env' ? 'AWSFED_DURATION' : '--duration';
  if (!match) {
    throw new UsageError('DURATION_INVALID', `${where} is "${text}", which is not a duration.`, {
      hint: 'Give seconds (3600) or hours/minutes (1h, 90m), between 15m and 12h.',
    });
  }
  const unit = (match[2] ?? '').toLowerCase();
  const seconds = Number(match[1]) * (unit === 'h' ? 3600 : unit === 'm' ? 60 : 1);
  if (seconds < 900 || seconds > 43200) {
    throw new UsageError('DURATION_OUT_OF_RANGE', `${where} is ${seconds} seconds; STS accepts 900 to 43200.`, {
      hint: 'Pick a duration between 15m and 12h (900..43200 seconds).',
    });
  }
  return seconds;
}

const MAX_TIMEOUT_SECONDS = 3600;

/** The sign-in deadline: seconds ("90") or with a unit ("90s", "2m", "1h"), 1 s to 1 h. */
export function parseTimeout(text: string, source: SettingSource = 'flag'): number {
  const match = /^\s*(\d+)\s*([smh]?)\s*$/i.exec(text);
  const where = source === 'profile' ? 'awsfed_timeout in ~/.aws/config' : source === 'env' ? 'AWSFED_TIMEOUT' : '--timeout';
  const unit = (match?.[2] ?? '').toLowerCase();
  const seconds = match ? Number(match[1]) * (unit === 'h' ? 3600 : unit === 'm' ? 60 : 1) : NaN;
  if (!(seconds >= 1 && seconds <= MAX_TIMEOUT_SECONDS)) {
    throw new UsageError('TIMEOUT_INVALID', `${where} is "${text}"; expected a time from 1 s to 1 h.`, {
      hint: 'Give seconds (90) or a unit (90s, 2m, 1h); the default is 2m.',
    });
  }
  return seconds;
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}
