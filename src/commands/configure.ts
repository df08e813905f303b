/**
 * awsfed configure: stores the IdP settings of a profile in ~/.aws/config (keys awsfed_*, plus the
 * standard region and output). With setting flags it writes them without asking; otherwise it is a
 * wizard whose answers default to what is stored.
 */
import type { Deps } from '../deps.js';
import { configSectionName, resolveAwsPaths } from '../config/paths.js';
import { DEFAULT_PROFILE, DEFAULT_REGION, SETTINGS, parseAuthMethod, parseDuration, parseMfaTimeout, parseTimeout, resolveProfileName } from '../config/settings.js';
import type { SettingName } from '../config/settings.js';
import { normalizeIdpUrl } from '../idp/entry-url.js';
import { checkLoginTarget } from '../catalog/login-target.js';
import { AppError, UsageError } from '../errors.js';
import { checkOutput, checkRegion } from '../identifiers/identifiers.js';

export type ConfigureOptions = Partial<Record<ConfigurableSetting, string>> & { profile?: string; noPrompt?: boolean };

/** Asked by the wizard, in this order. */
export const CONFIGURABLE = ['idpUrl', 'username', 'role', 'duration', 'region', 'output', 'caBundle', 'relyingParty', 'passwordCommand'] as const;
/** Stored when given as a flag, never asked: most people never need them. */
const FLAG_ONLY = ['timeout', 'mfaTimeout', 'mfaMethod', 'mfaCommand', 'auth'] as const;
export type ConfigurableSetting = ((typeof CONFIGURABLE)[number] | (typeof FLAG_ONLY)[number]) & SettingName;

export interface ConfigureResult {
  profile: string;
  configFile: string;
  written: Record<string, string>;
}

const QUESTIONS: Record<(typeof CONFIGURABLE)[number], string> = {
  idpUrl: 'AD FS host or IdP-initiated sign-on URL:',
  username: 'User name (e.g. alice@corp.example or CORP\\alice):',
  role: 'Preferred role (ARN, ACCOUNT/ROLE-NAME or glob; empty to choose at login):',
  duration: 'Session duration (e.g. 1h, 8h; empty for the IdP default):',
  region: 'Region:',
  output: 'Output format (json, text, table, yaml):',
  caBundle: 'CA bundle for the IdP (PEM path; empty for the system roots):',
  relyingParty: 'Relying party name (only for IdPs without loginToRp; empty for Amazon):',
  passwordCommand: 'Password command (prints the password on stdout; empty for none):',
};

export async function configure(options: ConfigureOptions, deps: Deps): Promise<ConfigureResult> {
  const paths = resolveAwsPaths(deps.env, deps.homeDir);
  const config = await deps.files.read(paths.configFile);
  // The same profile rule as login, so that configure and login agree on AWS_PROFILE / AWSFED_PROFILE.
  const profile = resolveProfileName(options.profile, deps.env, (name) => config?.get(configSectionName(name), 'awsfed_idp_url') !== undefined).value;
  checkLoginTarget(config, profile, 'configure');
  const section = configSectionName(profile);
  const given = [...CONFIGURABLE, ...FLAG_ONLY].filter((name) => options[name] !== undefined);
  const answers: Partial<Record<ConfigurableSetting, string>> = {};

  if (given.length > 0) {
    for (const name of given) answers[name] = options[name]!;
  } else {
    const prompter = await deps.prompter(Boolean(options.noPrompt));
    if (!prompter.interactive) await prompter.input(QUESTIONS.idpUrl, { hint: 'Pass the settings as flags, e.g. `awsfed configure --idp-url adfs.corp.example --username alice`.' });
    const existing = config?.getSection(section) ?? {};
    for (const name of CONFIGURABLE) {
      const key = SETTINGS[name].profileKey;
      const fallback = existing[key] ?? (name === 'region' ? DEFAULT_REGION : name === 'output' ? 'json' : undefined);
      answers[name] = (await prompter.input(QUESTIONS[name], { default: fallback, validate: (v) => checkAnswer(name, v) })).trim();
    }
    if (!answers.idpUrl) throw new UsageError('IDP_URL_MISSING', 'An IdP URL is required.', { hint: 'Give the AD FS host name, e.g. adfs.corp.example.' });
  }

  const written: Record<string, string> = {};
  const removed: string[] = [];
  for (const [name, raw] of Object.entries(answers) as Array<[ConfigurableSetting, string]>) {
    const key = SETTINGS[name].profileKey;
    const value = validate(name, raw.trim());
    if (value === '') removed.push(key);
    else written[key] = value;
  }
  await deps.files.update(paths.configFile, (doc) => {
    // Again under the lock: an `awsfed add` may have made it a destination while the wizard ran.
    checkLoginTarget(doc, profile, 'configure');
    for (const [key, value] of Object.entries(written)) doc.set(section, key, value);
    for (const key of removed) doc.delete(section, key);
  }, { onWait: deps.err });
  return { profile, configFile: paths.configFile, written };
}

/** The wizard shows a bad answer's message and keeps the question open instead of failing at the end. */
function checkAnswer(name: ConfigurableSetting, value: string): true | string {
  try {
    validate(name, value.trim());
    return true;
  } catch (error) {
    return error instanceof AppError ? `${error.message} ${error.hint ?? ''}`.trim() : String(error);
  }
}

function validate(name: ConfigurableSetting, value: string): string {
  if (value === '') return '';
  switch (name) {
    case 'idpUrl':
      return normalizeIdpUrl(value);
    case 'duration':
      return String(parseDuration(value));
    case 'timeout':
      // Stored as given (2m reads better than 120); checked now so that login does not fail later.
      parseTimeout(value);
      return value;
    case 'mfaTimeout':
      parseMfaTimeout(value);
      return value;
    case 'auth':
      return parseAuthMethod(value, SETTINGS.auth.flag);
    case 'output':
      return checkOutput(value, SETTINGS.output.flag);
    case 'region':
      return checkRegion(value, SETTINGS.region.flag);
    default:
      return value;
  }
}

export function formatConfigureSummary(result: ConfigureResult): string {
  const lines = Object.entries(result.written).map(([k, v]) => `  ${k} = ${v}`);
  const flag = result.profile === DEFAULT_PROFILE ? '' : ` --profile ${result.profile}`;
  return [`Saved profile ${result.profile} in ${result.configFile}:`, ...lines, '', `Next: awsfed login${flag}`].join('\n');
}
