/**
 * awsfed configure --credential-process P [--as NAME] [--force] (issue 8, item 1): writes
 *
 *   [profile NAME]
 *   credential_process = '/abs/node' '/abs/awsfed/dist/bin.cjs' credential-process --profile P
 *   region = <P's region, when P has one>
 *
 * NAME defaults to `P-process`. [profile P] and the [P] keys are never touched: they are what the
 * helper serves. Paths are absolute and quoted the POSIX way, which both kinds of caller undo the same
 * way: a shell (the JS SDK runs the line through child_process.exec) and a shell-less split (the AWS
 * CLI v1 splits with Python's shlex on POSIX systems).
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSectionName, resolveAwsPaths } from '../config/paths.js';
import type { Deps } from '../deps.js';
import { UsageError } from '../errors.js';
import { checkProfileName } from '../identifiers/identifiers.js';
import type { IniDocument } from '../ini/document.js';
import { chainPath } from '../catalog/chain-plan.js';
import { CredentialKeys } from '../credentials/credentials.js';
import { credentialProcessLine, parseAwsfedProcessLine } from './process-line.js';

export interface ConfigureProcessOptions {
  /** The profile whose keys the helper serves (gateway or destination). */
  source: string;
  /** The profile to write (default `${source}-process`). */
  as?: string;
  force?: boolean;
  /** Absolute paths of the node binary and of awsfed's bin.cjs; default: the running ones (runningAwsfed). */
  nodePath?: string;
  binPath?: string;
}

export interface ConfigureProcessResult {
  profile: string;
  source: string;
  configFile: string;
  written: Record<string, string>;
}

/** Keys that make the AWS CLI and the SDKs get a profile's credentials from elsewhere than credential_process. */
const CONFLICTING_CONFIG_KEYS = ['role_arn', 'source_profile', 'credential_source', 'web_identity_token_file', 'sso_session', 'sso_start_url', CredentialKeys.accessKeyId, CredentialKeys.secretAccessKey, CredentialKeys.sessionToken, 'awsfed_idp_url'] as const;
const KEY_NAMES = Object.values(CredentialKeys);

export function processProfileName(source: string): string {
  return `${source}-process`;
}

export async function configureCredentialProcess(options: ConfigureProcessOptions, deps: Deps): Promise<ConfigureProcessResult> {
  const source = checkProfileName(options.source, '--credential-process');
  const name = checkProfileName(options.as ?? processProfileName(source), '--as');
  if (name === source) {
    throw new UsageError('PROCESS_PROFILE_IS_SOURCE', `--as ${name} names the profile whose keys credential-process serves.`, {
      hint: `Pick another name (the default is ${processProfileName(source)}): [${source}] keeps the keys the helper reads.`,
    });
  }
  const paths = resolveAwsPaths(deps.env, deps.homeDir);
  const { parseIni } = await import('../ini/document.js');
  const config = (await deps.files.read(paths.configFile)) ?? parseIni('', paths.configFile);
  // The source must be a gateway or a destination chained from one: the same check the helper runs.
  chainPath(config, source);
  const region = config.get(configSectionName(source), 'region')?.trim();
  const running = options.nodePath === undefined || options.binPath === undefined ? runningAwsfed() : undefined;
  const line = credentialProcessLine(options.nodePath ?? running!.nodePath, options.binPath ?? running!.binPath, source);
  const written: Record<string, string> = { credential_process: line, ...(region ? { region } : {}) };
  const section = configSectionName(name);

  const credentials = await deps.files.read(paths.credentialsFile);
  const hasKeys = credentials?.get(name, CredentialKeys.accessKeyId) !== undefined;
  if (!options.force) refuseOverwrite(config, section, name, hasKeys, line);

  await deps.files.update(paths.configFile, (doc) => {
    if (!options.force) refuseOverwrite(doc, section, name, hasKeys, line);
    for (const key of CONFLICTING_CONFIG_KEYS) doc.delete(section, key);
    for (const [key, value] of Object.entries(written)) doc.set(section, key, value);
  }, { onWait: deps.err });
  // Keys under NAME in the credentials file win over credential_process in every AWS tool: --force removes them.
  if (options.force && hasKeys) {
    await deps.files.update(paths.credentialsFile, (doc) => {
      for (const key of KEY_NAMES) doc.delete(name, key);
    }, { onWait: deps.err });
  }
  return { profile: name, source, configFile: paths.configFile, written };
}

/**
 * The awsfed that is running, as a credential_process line must name it: node's own binary and the
 * script node runs (the package's bin.cjs behind an npm bin symlink), both absolute, the symlink
 * resolved so that the line survives a reinstall of the bin links. Without a script path (never for the
 * CLI), the bin.cjs beside the bundle chunk this code is in (dist/chunks/).
 */
export function runningAwsfed(script: string | undefined = process.argv[1], nodePath: string = process.execPath): { nodePath: string; binPath: string } {
  const path = script ?? fileURLToPath(new URL('../bin.cjs', import.meta.url));
  try {
    return { nodePath, binPath: realpathSync(path) };
  } catch {
    // A script that is gone (deleted under a running process): its absolute path is still the best name.
    return { nodePath, binPath: resolve(path) };
  }
}

function refuseOverwrite(config: IniDocument, section: string, name: string, hasKeys: boolean, line: string): void {
  const keys = config.getSection(section) ?? {};
  const what = hasKeys || keys[CredentialKeys.accessKeyId] !== undefined
    ? 'keys'
    : keys.role_arn !== undefined
      ? `role_arn ${keys.role_arn}`
      : keys.awsfed_idp_url !== undefined
        ? 'an awsfed IdP URL (it is a gateway)'
        : keys.credential_process !== undefined && keys.credential_process !== line && parseAwsfedProcessLine(keys.credential_process) === undefined
          ? 'another credential_process'
          : undefined;
  if (what === undefined) return;
  throw new UsageError('PROCESS_PROFILE_IN_USE', `Profile ${name} already holds ${what}; writing credential_process there would replace how it gets credentials.`, {
    hint: `Pick another name with --as, or pass --force to replace it.`,
  });
}

export function formatConfigureProcessSummary(result: ConfigureProcessResult): string {
  const lines = Object.entries(result.written).map(([k, v]) => `  ${k} = ${v}`);
  return [
    `Saved profile ${result.profile} in ${result.configFile}:`,
    ...lines,
    '',
    `AWS tools using --profile ${result.profile} now get ${result.source}'s credentials from awsfed.`,
    `Try: aws sts get-caller-identity --profile ${result.profile}`,
  ].join('\n');
}
