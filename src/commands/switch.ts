/**
 * `awsfed switch NAME`: prints the statements that put a profile's credentials into the current shell,
 * for `eval "$(awsfed switch prod)"` (bash/zsh), `awsfed switch prod | source` (fish) or
 * `awsfed switch prod | Out-String | Invoke-Expression` (PowerShell). This is the one output of awsfed
 * meant to carry keys: stdout only; every note goes to stderr. The gateway login happens first when its
 * credentials are missing or expired (ensureProfileCredentials).
 */
import type { GatewaySignIn, ResolvedCredentials } from '../chain/credentials.js';
import type { Deps } from '../deps.js';
import { type ShellFormat, detectShellFormat, evalHint, parseShellFormat, quoteSh, renderExports, renderUnsetAll } from '../shell/exports.js';
import { ShellError } from '../shell/errors.js';
import { assertNotNested } from '../shell/nesting.js';
import { formatExpiry } from '../ui/format.js';

export type EnsureCredentials = (name: string, deps: Deps, opts: { noPrompt: boolean; signIn: GatewaySignIn }) => Promise<ResolvedCredentials>;

export interface SwitchOptions {
  profile: string;
  /** env | env-no-export | fish | powershell (or bash/zsh/sh/pwsh); default from $SHELL. */
  format?: string | undefined;
  noPrompt: boolean;
  nest: boolean;
  /** --no-session: a gateway re-login neither uses nor saves the IdP session cache. */
  noSession?: boolean;
  /** Whether stdout is a terminal (nobody is evaluating the output): then a hint goes to stderr. */
  stdoutIsTerminal?: boolean;
}

export interface SwitchResult {
  profile: string;
  format: ShellFormat;
  /** The statements to print on stdout. */
  text: string;
  source: ResolvedCredentials['source'];
  region: string | undefined;
  expiration: Date;
}

async function defaultEnsure(): Promise<EnsureCredentials> {
  return (await import('../chain/credentials.js')).ensureProfileCredentials;
}

export interface UnsetOptions {
  format?: string | undefined;
  stdoutIsTerminal?: boolean;
}

/** `awsfed switch --unset`: the statements that clear what switch set (no credentials needed). */
export function switchUnset(options: UnsetOptions, deps: Deps): { format: ShellFormat; text: string } {
  const format = options.format !== undefined ? parseShellFormat(options.format) : detectShellFormat(deps.env);
  if (options.stdoutIsTerminal) {
    const commandLine = `awsfed switch --unset${options.format !== undefined ? ` --format ${format}` : ''}`;
    deps.err(`awsfed: printing these lines changes nothing; to clear this shell run: ${evalHint(format, commandLine)}`);
  }
  return { format, text: renderUnsetAll(format) };
}

/** A profile name, or --unset, but exactly one of them. */
export function checkSwitchArguments(profile: string | undefined, unset: boolean): void {
  if (unset && profile !== undefined) {
    throw new ShellError('SWITCH_ARGUMENTS', `--unset takes no profile (got "${profile}")`, {
      hint: 'Run `awsfed switch --unset` to clear the awsfed variables, or `awsfed switch NAME` to switch to NAME.',
    });
  }
  if (!unset && profile === undefined) {
    throw new ShellError('SWITCH_ARGUMENTS', 'no profile given to switch to', {
      hint: 'Name one, e.g. `awsfed switch prod` (`awsfed list` shows them), or run `awsfed switch --unset` to clear.',
    });
  }
}

export async function switchProfile(options: SwitchOptions, deps: Deps, ensure?: EnsureCredentials): Promise<SwitchResult> {
  const format = options.format !== undefined ? parseShellFormat(options.format) : detectShellFormat(deps.env);
  assertNotNested(deps.env, { nest: options.nest, command: 'switch', profile: options.profile });
  const { createGatewaySignIn } = await import('./gateway-sign-in.js');
  const signIn = createGatewaySignIn({ noSession: Boolean(options.noSession) });
  const resolved = await (ensure ?? (await defaultEnsure()))(options.profile, deps, { noPrompt: options.noPrompt, signIn });
  const text = renderExports({ profile: resolved.profile, credentials: resolved.credentials, region: resolved.region }, format);
  if (options.stdoutIsTerminal) {
    const commandLine = `awsfed switch ${quoteSh(options.profile)}${options.format !== undefined ? ` --format ${format}` : ''}`;
    deps.err(`awsfed: printing these lines changes nothing; to switch this shell run: ${evalHint(format, commandLine)}`);
  } else if (deps.isInteractive) {
    deps.err(`awsfed: switched to ${resolved.profile}${resolved.region ? ` (${resolved.region})` : ''}; the credentials expire ${formatExpiry(resolved.credentials.expiration, deps.clock())}`);
  }
  return {
    profile: resolved.profile,
    format,
    text,
    source: resolved.source,
    region: resolved.region,
    expiration: resolved.credentials.expiration,
  };
}
