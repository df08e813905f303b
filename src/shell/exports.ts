/**
 * The environment of a credential set, and its rendering as shell statements for `awsfed switch`
 * (`eval "$(awsfed switch prod)"`) and as a child environment for `awsfed exec`. Pure.
 *
 * The four credential lines come first among the assignments, in the order and shape of
 * `aws configure export-credentials --format env` of the AWS CLI v2:
 *
 *   export AWS_ACCESS_KEY_ID=ASIA...
 *   export AWS_SECRET_ACCESS_KEY=...
 *   export AWS_SESSION_TOKEN=...
 *   export AWS_CREDENTIAL_EXPIRATION=2026-11-27T21:20:13+00:00
 *
 * (the CLI prints the expiry with Python's isoformat(), so `+00:00` rather than `Z`). A value made only
 * of characters no shell treats specially is printed bare, exactly like the CLI does; anything else is
 * quoted for the target shell. Around them awsfed adds: unset statements for variables that would
 * otherwise take precedence over or contradict the keys (AWS_PROFILE & co.), both region variables when
 * the profile has a region, and AWSFED_ACTIVE_PROFILE, the marker that this shell or process runs inside
 * an awsfed environment. (AWSFED_PROFILE is taken: it chooses the profile `awsfed login` writes.)
 */
import type { AwsCredentials } from '../sts/client.js';
import { UsageError } from '../errors.js';
import { SECRET_ENV_VARIABLES } from '../redact.js';

export type ShellFormat = 'env' | 'env-no-export' | 'fish' | 'powershell';
export const SHELL_FORMATS: readonly ShellFormat[] = ['env', 'env-no-export', 'fish', 'powershell'];

/** Set in the environment `switch` and `exec` create: the profile whose keys are in the environment. */
export const ACTIVE_PROFILE_VARIABLE = 'AWSFED_ACTIVE_PROFILE';

/**
 * Set only in the environment of a command started by `awsfed exec`. It tells that process (and the
 * shells it starts) apart from a shell that evaluated `awsfed switch`: switching again in the latter
 * replaces the profile, which is what switch is for; in the former it would silently shadow the
 * profile the exec was started for, so it is refused without --nest.
 */
export const EXEC_PROFILE_VARIABLE = 'AWSFED_EXEC_PROFILE';

/** Every variable `awsfed switch` may set: what `awsfed switch --unset` clears. */
export const SWITCH_VARIABLES: readonly string[] = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  ACTIVE_PROFILE_VARIABLE,
];

/**
 * Removed from the environment: each would make an SDK or tool use something other than the exported
 * keys (a profile, web identity), or is a stale copy of another session's token (AWS_SECURITY_TOKEN, read
 * by boto 2 era tools; unset rather than mirrored so that only one token is ever in the environment).
 */
export const CONFLICTING_VARIABLES: readonly string[] = [
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_SECURITY_TOKEN',
  'AWS_ROLE_ARN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_SESSION_NAME',
];

export interface ExportInput {
  /** The awsfed profile these credentials belong to (becomes AWSFED_ACTIVE_PROFILE). */
  profile: string;
  credentials: AwsCredentials;
  /** The profile's region; when unknown the region variables are left as they are. */
  region?: string | undefined;
}

/** `2026-11-27T21:20:13+00:00`: what `aws configure export-credentials` prints for an expiry in UTC. */
export function formatCredentialExpiration(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new TypeError('credential expiration is not a valid date');
  return date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/** The variables to set, in output order. */
export function exportedVariables(input: ExportInput): Array<[name: string, value: string]> {
  const { credentials } = input;
  const vars: Array<[string, string]> = [
    ['AWS_ACCESS_KEY_ID', credentials.accessKeyId],
    ['AWS_SECRET_ACCESS_KEY', credentials.secretAccessKey],
    ['AWS_SESSION_TOKEN', credentials.sessionToken],
    ['AWS_CREDENTIAL_EXPIRATION', formatCredentialExpiration(credentials.expiration)],
  ];
  if (input.region !== undefined && input.region !== '') {
    vars.push(['AWS_REGION', input.region], ['AWS_DEFAULT_REGION', input.region]);
  }
  vars.push([ACTIVE_PROFILE_VARIABLE, input.profile]);
  return vars;
}

/**
 * The environment for a child process: `base` without the conflicting variables and without awsfed's
 * own secrets (AWSFED_PASSWORD must not reach `awsfed exec prod -- env`), plus the credentials.
 */
export function childEnvironment(base: Record<string, string | undefined>, input: ExportInput): Record<string, string> {
  const env: Record<string, string> = {};
  const drop = new Set([...CONFLICTING_VARIABLES, ...SECRET_ENV_VARIABLES]);
  for (const [name, value] of Object.entries(base)) {
    if (value !== undefined && !drop.has(name)) env[name] = value;
  }
  for (const [name, value] of exportedVariables(input)) env[name] = value;
  env[EXEC_PROFILE_VARIABLE] = input.profile;
  return env;
}

/**
 * Characters that mean nothing special to sh, bash, zsh, fish or PowerShell inside a word (base64
 * keys and tokens, ISO dates, region names). A leading `=` is excluded: zsh expands `=word`.
 */
const BARE_WORD = /^[A-Za-z0-9_@%+:,./-][A-Za-z0-9_@%+=:,./-]*$/;

/** POSIX sh/bash/zsh: bare when safe, else single quotes with `'` written as `'\''`. */
export function quoteSh(value: string): string {
  if (BARE_WORD.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** fish: bare when safe, else single quotes, inside which only `\\` and `\'` are escapes. */
export function quoteFish(value: string): string {
  if (BARE_WORD.test(value)) return value;
  return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/**
 * PowerShell: double quotes like the AWS CLI when safe (no `$`, backtick or quote inside), else a
 * verbatim single-quoted string in which every single-quote character (PowerShell also treats the
 * typographic ones as quotes) is doubled.
 */
export function quotePowerShell(value: string): string {
  if (BARE_WORD.test(value) || value === '') return `"${value}"`;
  return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, (c) => c + c)}'`;
}

/** Environment variable names we print are fixed identifiers; anything else is a bug. */
function checkName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new TypeError(`not a variable name: ${name}`);
  return name;
}

/** The statements that unset the conflicting variables, then set the credentials, one per line. */
export function renderExports(input: ExportInput, format: ShellFormat): string {
  const lines: string[] = [];
  for (const name of CONFLICTING_VARIABLES) lines.push(renderUnset(checkName(name), format));
  for (const [name, value] of exportedVariables(input)) lines.push(renderSet(checkName(name), value, format));
  return `${lines.join('\n')}\n`;
}

/**
 * `awsfed switch --unset`: unsets every variable switch sets. The variables switch removed on the way in
 * (AWS_PROFILE & co.) cannot be brought back: nothing recorded their old values.
 */
export function renderUnsetAll(format: ShellFormat): string {
  return `${SWITCH_VARIABLES.map((name) => renderUnset(checkName(name), format)).join('\n')}\n`;
}

function renderUnset(name: string, format: ShellFormat): string {
  switch (format) {
    case 'env':
    case 'env-no-export':
      return `unset ${name}`;
    case 'fish':
      return `set -e ${name};`;
    case 'powershell':
      return `Remove-Item Env:${name} -ErrorAction SilentlyContinue`;
  }
}

function renderSet(name: string, value: string, format: ShellFormat): string {
  switch (format) {
    case 'env':
      return `export ${name}=${quoteSh(value)}`;
    case 'env-no-export':
      return `${name}=${quoteSh(value)}`;
    case 'fish':
      return `set -gx ${name} ${quoteFish(value)};`;
    case 'powershell':
      return `$Env:${name}=${quotePowerShell(value)}`;
  }
}

export function parseShellFormat(text: string): ShellFormat {
  const format = text.trim().toLowerCase();
  if ((SHELL_FORMATS as readonly string[]).includes(format)) return format as ShellFormat;
  // Friendly aliases for the shells themselves.
  if (format === 'bash' || format === 'zsh' || format === 'sh') return 'env';
  if (format === 'pwsh') return 'powershell';
  throw new UsageError('SHELL_FORMAT', `unknown --format "${text}"`, {
    hint: `Use one of: ${SHELL_FORMATS.join(', ')}.`,
  });
}

/** The format for the user's shell, from $SHELL: fish, pwsh/powershell, anything else is sh-like. */
export function detectShellFormat(env: Record<string, string | undefined>): ShellFormat {
  const shell = env.SHELL?.trim() ?? '';
  const base = (shell.split(/[\\/]/).pop() ?? '').toLowerCase().replace(/\.exe$/, '');
  if (base === 'fish') return 'fish';
  if (base === 'pwsh' || base === 'powershell') return 'powershell';
  return 'env';
}

/** How to apply the output in each format, for the hint printed when stdout is a terminal. */
export function evalHint(format: ShellFormat, commandLine: string): string {
  switch (format) {
    case 'env':
    case 'env-no-export':
      return `eval "$(${commandLine})"`;
    case 'fish':
      return `${commandLine} | source`;
    case 'powershell':
      return `${commandLine} | Out-String | Invoke-Expression`;
  }
}
