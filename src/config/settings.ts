/**
 * Settings resolution: the one place that decides where each value comes from.
 *
 *   flag  >  environment  >  profile in ~/.aws/config  >  default
 *
 * The README's precedence table is generated from SETTINGS below (`npm run docs`; src/docs/readme.test.ts
 * fails when they differ). Pure: flags, environment and the profile section come in as data.
 */
import { UsageError } from '../errors.js';

export type SettingSource = 'flag' | 'env' | 'profile' | 'default';

export interface SettingSpec {
  /** The README table's first column: what the setting is, in a few words. */
  label: string;
  /** Flag as a user types it. */
  flag: string;
  /** Environment variables, first one set wins. */
  env: string[];
  /** Key in [profile NAME] of ~/.aws/config. */
  profileKey?: string;
  /** Human description of the default (README table cell, Markdown). */
  defaultText: string;
}

export const SETTINGS = {
  idpUrl: { label: 'IdP URL', flag: '--idp-url', env: ['AWSFED_IDP_URL'], profileKey: 'awsfed_idp_url', defaultText: '(required)' },
  username: { label: 'user name', flag: '--username', env: ['AWSFED_USERNAME'], profileKey: 'awsfed_username', defaultText: "prompt (a stored name is the prompt's default)" },
  role: { label: 'role', flag: '--role', env: ['AWSFED_ROLE'], profileKey: 'awsfed_role', defaultText: 'the only role, else a list' },
  duration: {
    label: 'session duration',
    flag: '--duration',
    env: ['AWSFED_DURATION'],
    profileKey: 'awsfed_duration',
    defaultText: 'SessionDuration from the IdP, else 3600',
  },
  region: { label: 'region', flag: '--region', env: ['AWS_REGION', 'AWS_DEFAULT_REGION'], profileKey: 'region', defaultText: 'us-east-1' },
  output: { label: 'output format', flag: '--output', env: ['AWS_DEFAULT_OUTPUT'], profileKey: 'output', defaultText: 'json' },
  caBundle: {
    label: 'CA bundle for the IdP',
    flag: '--ca-bundle',
    env: ['AWSFED_CA_BUNDLE', 'AWS_CA_BUNDLE'],
    profileKey: 'awsfed_ca_bundle',
    defaultText: "Node's built-in roots",
  },
  relyingParty: {
    label: 'relying party',
    flag: '--relying-party',
    env: ['AWSFED_RELYING_PARTY'],
    profileKey: 'awsfed_relying_party',
    defaultText: 'the one named Amazon/AWS',
  },
  passwordCommand: {
    label: 'password command',
    flag: '--password-command',
    env: ['AWSFED_PASSWORD_COMMAND'],
    profileKey: 'awsfed_password_command',
    defaultText: 'none',
  },
  rememberPassword: {
    label: 'remember the password in the OS keychain',
    flag: '--remember-password',
    env: ['AWSFED_REMEMBER_PASSWORD'],
    profileKey: 'awsfed_remember_password',
    defaultText: 'off (`login --remember-password` stores it and sets the key to true)',
  },
  passwordCommandTimeout: {
    label: 'password and MFA command time limit',
    flag: '--password-command-timeout',
    env: ['AWSFED_PASSWORD_COMMAND_TIMEOUT'],
    profileKey: 'awsfed_password_command_timeout',
    defaultText: '60 s; 15 s under `credential-process`',
  },
  profileTemplate: {
    label: 'profile names for `--all-roles`',
    flag: '--profile-template',
    env: ['AWSFED_PROFILE_TEMPLATE'],
    profileKey: 'awsfed_profile_template',
    defaultText: '`{alias}-{role}`',
  },
  accountAliases: {
    label: 'account aliases for `{alias}`',
    flag: '--account-aliases',
    env: ['AWSFED_ACCOUNT_ALIASES'],
    profileKey: 'awsfed_account_aliases',
    defaultText: 'none: `{alias}` is the account id',
  },
  timeout: {
    label: 'sign-in time limit',
    flag: '--timeout',
    env: ['AWSFED_TIMEOUT'],
    profileKey: 'awsfed_timeout',
    defaultText: '2m for the whole sign-in with the IdP (time at prompts not counted); each request at most 30 s',
  },
  mfaTimeout: {
    label: 'MFA wait limit',
    flag: '--mfa-timeout',
    env: ['AWSFED_MFA_TIMEOUT'],
    profileKey: 'awsfed_mfa_timeout',
    defaultText: '2m for a push or call to be answered (the sign-in limit is paused meanwhile)',
  },
  mfaMethod: {
    label: 'second factor to choose',
    flag: '--mfa-method',
    env: ['AWSFED_MFA_METHOD'],
    profileKey: 'awsfed_mfa_method',
    defaultText: 'the only one offered, else a list',
  },
  auth: {
    label: 'sign-in method (forms; wia: Windows integrated sign-in, Kerberos with a ticket else NTLM; kerberos; ntlm)',
    flag: '--auth',
    env: ['AWSFED_AUTH'],
    profileKey: 'awsfed_auth',
    defaultText: 'forms',
  },
  mfaCommand: {
    label: 'MFA code command',
    flag: '--mfa-command',
    env: ['AWSFED_MFA_COMMAND'],
    profileKey: 'awsfed_mfa_command',
    defaultText: 'none: `--mfa-code`, `--mfa-code-stdin`, `AWSFED_MFA_CODE`, else a prompt',
  },
  stsEndpoint: {
    label: 'STS endpoint',
    flag: '--sts-endpoint',
    env: ['AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL'],
    profileKey: 'awsfed_sts_endpoint',
    defaultText: 'the regional STS endpoint',
  },
  accountNameLookup: {
    label: 'account names from the AWS sign-in page',
    flag: '--no-aliases',
    env: ['AWSFED_ACCOUNT_NAME_LOOKUP'],
    profileKey: 'awsfed_account_name_lookup',
    defaultText: 'true: looked up when a role list or `{alias}` is drawn, cached 7 days',
  },
  signinEndpoint: {
    label: 'AWS sign-in endpoint (account names, console)',
    flag: '--signin-endpoint',
    env: ['AWSFED_SIGNIN_ENDPOINT'],
    profileKey: 'awsfed_signin_endpoint',
    defaultText: "the assertion's Destination (https://signin.aws.amazon.com/saml or its partition's host)",
  },
  proxy: {
    label: 'HTTP proxy for every request',
    flag: '--proxy',
    env: ['AWSFED_PROXY'],
    profileKey: 'awsfed_proxy',
    defaultText: '`https_proxy`/`HTTPS_PROXY`, `http_proxy`/`HTTP_PROXY`, `all_proxy`/`ALL_PROXY`, minus `NO_PROXY` (see Proxies)',
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
  /** Look the password up in the OS keychain, and keep a typed one there after a successful sign-in. */
  rememberPassword: Resolved<boolean>;
  /** Seconds awsfed_password_command may run before it is killed. */
  passwordCommandTimeout: Resolved<number>;
  stsEndpoint: Resolved<string | undefined>;
  /** Seconds the sign-in with the IdP may take. */
  timeout: Resolved<number>;
  /** Seconds a push or call may stay unanswered. */
  mfaTimeout: Resolved<number>;
  mfaMethod: Resolved<string | undefined>;
  mfaCommand: Resolved<string | undefined>;
  /** forms (the AD FS sign-in page) or wia (Windows integrated: NTLM at /adfs/ls/wia). */
  auth: Resolved<AuthMethod>;
  profileTemplate: Resolved<string>;
  accountAliases: Resolved<string | undefined>;
  /** Base URL of the AWS sign-in host (the account-name lookup posts to BASE/saml, console uses BASE/federation). */
  signinEndpoint: Resolved<string | undefined>;
  /** Post the assertion to the AWS sign-in page for account names (--no-aliases: false). */
  accountNameLookup: Resolved<boolean>;
  /** awsfed's own proxy URL; the standard variables are read by src/http/proxy.ts when it is unset. */
  proxy: Resolved<string | undefined>;
}

export type Flags = Partial<Record<SettingName, string | undefined>> & { profile?: string | undefined };
export type Env = Record<string, string | undefined>;

export const DEFAULT_PROFILE = 'saml';
export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_PROFILE_TEMPLATE = '{alias}-{role}';
/** Long enough to type a vault PIN or touch a key, short enough that a stuck command is noticed. */
export const DEFAULT_PASSWORD_COMMAND_TIMEOUT_SECONDS = 60;
/**
 * The same default under credential_process: nobody is there to type a PIN, and the AWS tool that
 * started the helper waits for it; a command stuck on input fails its caller in seconds, not a minute.
 */
export const UNATTENDED_PASSWORD_COMMAND_TIMEOUT_SECONDS = 15;
/** The whole sign-in with the IdP (prompts not counted): generous for an MFA push, bounded for a stalled IdP. */
export const DEFAULT_TIMEOUT_SECONDS = 120;
/** Azure MFA keeps a push open for about that long. */
export const DEFAULT_MFA_TIMEOUT_SECONDS = 120;

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
  const rememberPassword = pick('rememberPassword');
  const passwordCommandTimeout = pick('passwordCommandTimeout');
  const timeout = pick('timeout');
  const mfaTimeout = pick('mfaTimeout');
  return {
    profile,
    idpUrl: pick('idpUrl'),
    username: pick('username'),
    role: pick('role'),
    duration: { value: duration.value === undefined ? undefined : parseDuration(duration.value, duration.source, configFileOf(env)), source: duration.source },
    region: withDefault(pick('region'), DEFAULT_REGION),
    output: withDefault(pick('output'), 'json'),
    caBundle: pick('caBundle'),
    relyingParty: pick('relyingParty'),
    passwordCommand: pick('passwordCommand'),
    rememberPassword: { value: rememberPassword.value !== undefined && parseSwitch('rememberPassword', rememberPassword.value, rememberPassword.source, configFileOf(env)), source: rememberPassword.source },
    passwordCommandTimeout:
      passwordCommandTimeout.value === undefined
        ? { value: DEFAULT_PASSWORD_COMMAND_TIMEOUT_SECONDS, source: 'default' }
        : {
            value: parsePasswordCommandTimeout(passwordCommandTimeout.value, passwordCommandTimeout.source, configFileOf(env)),
            source: passwordCommandTimeout.source,
          },
    stsEndpoint: pick('stsEndpoint'),
    timeout:
      timeout.value === undefined ? { value: DEFAULT_TIMEOUT_SECONDS, source: 'default' } : { value: parseTimeout(timeout.value, timeout.source, configFileOf(env)), source: timeout.source },
    mfaTimeout:
      mfaTimeout.value === undefined
        ? { value: DEFAULT_MFA_TIMEOUT_SECONDS, source: 'default' }
        : { value: parseMfaTimeout(mfaTimeout.value, mfaTimeout.source, configFileOf(env)), source: mfaTimeout.source },
    mfaMethod: pick('mfaMethod'),
    mfaCommand: pick('mfaCommand'),
    auth: resolveAuth(pick('auth'), configFileOf(env)),
    profileTemplate: withDefault(pick('profileTemplate'), DEFAULT_PROFILE_TEMPLATE),
    accountAliases: pick('accountAliases'),
    signinEndpoint: pick('signinEndpoint'),
    accountNameLookup: resolveLookup(pick('accountNameLookup'), configFileOf(env)),
    proxy: pick('proxy'),
  };
}

/**
 * Where a resolved setting came from, the way a user would find it: "--region", "AWS_DEFAULT_REGION",
 * "region of [profile saml] in ~/.aws/config", or "the default". For messages about bad values.
 */
export function settingOrigin(name: SettingName, resolved: Resolved<unknown>, env: Env, profile: string, configFile = DEFAULT_CONFIG_FILE_NAME): string {
  const spec: SettingSpec = SETTINGS[name];
  switch (resolved.source) {
    case 'flag':
      return spec.flag;
    case 'env':
      return spec.env.find((variable) => nonEmpty(env[variable])) ?? spec.env[0] ?? spec.flag;
    case 'profile':
      return `${spec.profileKey ?? name} of [${profile === 'default' ? 'default' : `profile ${profile}`}] in ${configFile}`;
    case 'default':
      return `the default ${spec.flag}`;
  }
}

/** Accepts seconds ("3600") or a unit ("1h", "90m", "12h"); STS allows 900..43200 seconds. */
export function parseDuration(text: string, source: SettingSource = 'flag', configFile = DEFAULT_CONFIG_FILE_NAME): number {
  const seconds = secondsOf(text);
  const where = settingWhere('duration', source, configFile);
  if (seconds === undefined) {
    throw new UsageError('DURATION_INVALID', `${where} is "${text}", which is not a duration.`, {
      hint: 'Give seconds (3600) or hours/minutes (1h, 90m), between 15m and 12h.',
    });
  }
  if (seconds < 900 || seconds > 43200) {
    throw new UsageError('DURATION_OUT_OF_RANGE', `${where} is ${seconds} seconds; STS accepts 900 to 43200.`, {
      hint: 'Pick a duration between 15m and 12h (900..43200 seconds).',
    });
  }
  return seconds;
}

const DEFAULT_CONFIG_FILE_NAME = '~/.aws/config';

/** The config file as the user knows it: AWS_CONFIG_FILE as they wrote it, else ~/.aws/config. */
function configFileOf(env: Env): string {
  return nonEmpty(env.AWS_CONFIG_FILE) ? env.AWS_CONFIG_FILE : DEFAULT_CONFIG_FILE_NAME;
}

/** The name a user set a setting by, for messages: the flag, the variable, or the key in the config file. */
export function settingWhere(name: SettingName, source: SettingSource, configFile = DEFAULT_CONFIG_FILE_NAME): string {
  const spec: SettingSpec = SETTINGS[name];
  if (source === 'env') return spec.env.join(' or ');
  if (source === 'profile' && spec.profileKey) return `${spec.profileKey} in ${configFile}`;
  return spec.flag;
}

/** A time limit: seconds ("90") or with a unit ("90s", "2m", "1h"); undefined when not 1 s..1 h. */
function limitSeconds(text: string): number | undefined {
  const seconds = secondsOf(text);
  return seconds !== undefined && seconds >= 1 && seconds <= 3600 ? seconds : undefined;
}

/** Seconds ("3600") or with a unit ("90s", "90m", "12h"); undefined when it is neither. */
export function secondsOf(text: string): number | undefined {
  const match = /^\s*(\d+)\s*([smh]?)\s*$/i.exec(text);
  if (!match) return undefined;
  const unit = (match[2] ?? '').toLowerCase();
  return Number(match[1]) * (unit === 'h' ? 3600 : unit === 'm' ? 60 : 1);
}

/** The sign-in deadline (--timeout): 1 s to 1 h. */
export function parseTimeout(text: string, source: SettingSource = 'flag', configFile = DEFAULT_CONFIG_FILE_NAME): number {
  const seconds = limitSeconds(text);
  if (seconds === undefined) {
    throw new UsageError('TIMEOUT_INVALID', `${settingWhere('timeout', source, configFile)} is "${text}"; expected a time from 1 s to 1 h.`, {
      hint: `Give seconds (90) or a unit (90s, 2m, 1h); the default is ${DEFAULT_TIMEOUT_SECONDS} s.`,
    });
  }
  return seconds;
}

/** How long a push or call may stay unanswered (--mfa-timeout): 1 s to 1 h. */
export function parseMfaTimeout(text: string, source: SettingSource = 'flag', configFile = DEFAULT_CONFIG_FILE_NAME): number {
  const seconds = limitSeconds(text);
  if (seconds === undefined) {
    throw new UsageError('MFA_TIMEOUT_INVALID', `${settingWhere('mfaTimeout', source, configFile)} is "${text}"; expected a time from 1 s to 1 h.`, {
      hint: `Give seconds (90) or a unit (90s, 2m); the default is ${DEFAULT_MFA_TIMEOUT_SECONDS} s.`,
    });
  }
  return seconds;
}

/** How long the password command may run (--password-command-timeout): 1 s to 1 h. */
export function parsePasswordCommandTimeout(text: string, source: SettingSource = 'flag', configFile = DEFAULT_CONFIG_FILE_NAME): number {
  const seconds = limitSeconds(text);
  if (seconds === undefined) {
    throw new UsageError('PASSWORD_COMMAND_TIMEOUT_INVALID', `${settingWhere('passwordCommandTimeout', source, configFile)} is "${text}"; give seconds from 1 to 3600 (or 2m).`, {
      hint: `The default is ${DEFAULT_PASSWORD_COMMAND_TIMEOUT_SECONDS} seconds.`,
    });
  }
  return seconds;
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

/** An on/off setting: true/yes/1/on or false/no/0/off, any case. */
function resolveLookup(r: Resolved<string | undefined>, configFile: string): Resolved<boolean> {
  if (r.value === undefined) return { value: true, source: 'default' };
  if (/^\s*(true|yes|1|on)\s*$/i.test(r.value)) return { value: true, source: r.source };
  if (/^\s*(false|no|0|off)\s*$/i.test(r.value)) return { value: false, source: r.source };
  throw new UsageError('ACCOUNT_NAME_LOOKUP_INVALID', `${settingWhere('accountNameLookup', r.source, configFile)} is "${r.value}"; expected true or false.`, {
    hint: 'Use true (or yes, 1, on) or false (or no, 0, off); --no-aliases turns the lookup off for one run.',
  });
}

function parseSwitch(name: SettingName, text: string, source: SettingSource, configFile: string): boolean {
  if (/^\s*(true|yes|1|on)\s*$/i.test(text)) return true;
  if (/^\s*(false|no|0|off)\s*$/i.test(text)) return false;
  throw new UsageError('REMEMBER_PASSWORD_INVALID', `${settingWhere(name, source, configFile)} is "${text}"; expected true or false.`, {
    hint: 'Use true (or yes, 1, on) or false (or no, 0, off).',
  });
}

export type AuthMethod = 'forms' | 'wia' | 'kerberos' | 'ntlm';
const AUTH_METHODS: readonly AuthMethod[] = ['forms', 'wia', 'kerberos', 'ntlm'];

/** --auth / AWSFED_AUTH / awsfed_auth: checked before anything is asked or sent. */
function resolveAuth(r: Resolved<string | undefined>, configFile: string | undefined): Resolved<AuthMethod> {
  if (r.value === undefined) return { value: 'forms', source: 'default' };
  return { value: parseAuthMethod(r.value, settingWhere('auth', r.source, configFile)), source: r.source };
}

/** One sign-in method's name (any case); `where` names the setting in the message (`--auth`, a profile key). */
export function parseAuthMethod(text: string, where: string): AuthMethod {
  const value = text.trim().toLowerCase();
  if ((AUTH_METHODS as readonly string[]).includes(value)) return value as AuthMethod;
  throw new UsageError('AUTH_METHOD_INVALID', `${where} is "${text}"; expected forms, wia, kerberos or ntlm.`, {
    hint: 'Use --auth forms (the AD FS sign-in page), --auth wia (Windows integrated sign-in: Kerberos with a ticket, else NTLM with your domain password), or pin one: --auth kerberos, --auth ntlm.',
  });
}
