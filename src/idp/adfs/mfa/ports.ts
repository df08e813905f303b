/**
 * What the second-factor handlers get from the sign-in loop: the HTTP port, the classifier (passed in,
 * so that mfa/ does not import its parent), the code source, the chooser, a status line on stderr, and
 * the clock. Each handler takes only what it uses; tests fake all of them.
 */
import type { HttpClient, HttpResponse } from '../../../http/client.js';
import type { Logger } from '../../../log.js';
import type { Progress } from '../../../ui/progress.js';
import type { CodePurpose, MfaChoicePage, MfaMethodOption, MfaPage } from './page.js';

export type { MfaChoicePage, MfaPage };

/**
 * What the handlers need to know of any page: whether it is still their adapter's. The loop's classify
 * fits this shape; mfa/ does not import classify.ts (which imports mfa/page.ts).
 */
export type ClassifiedPage = MfaPage | MfaChoicePage | { kind: 'saml-response' | 'login-form' | 'username-page' | 'password-page' | 'site-selection' | 'error' | 'unknown' };

export interface CodeRequest {
  adapter: string;
  purpose: CodePurpose;
  /** What to show at the prompt ("RSA SecurID passcode:"). */
  label: string;
  /** 1 for the first code of this page kind, 2 after one was refused, ... */
  attempt: number;
}

export interface CodeAnswer {
  code: string;
  /** Typed at a prompt: asking again after a refusal makes sense. A flag, variable or stdin is tried once. */
  repeatable: boolean;
}

/** Where codes come from: --mfa-code, AWSFED_MFA_CODE, --mfa-code-stdin, awsfed_mfa_command, then the prompt. */
export interface MfaCodeSource {
  next(request: CodeRequest): Promise<CodeAnswer>;
  /**
   * The code of a non-interactive source (flag, stdin, variable, command), or undefined: never prompts.
   * For adapters that choose between a push and a code themselves (Duo). It counts as the first code.
   */
  preset(): Promise<string | undefined>;
  /** Codes handed out so far, to scrub from debug dumps. */
  secrets(): string[];
}

export interface MfaChooser {
  readonly interactive: boolean;
  choose(message: string, methods: readonly MfaMethodOption[]): Promise<string>;
}

export interface MfaSettings {
  /** --mfa-timeout: how long a push or call may stay unanswered (default 120000). */
  timeoutMs: number;
  /** --mfa-method / awsfed_mfa_method, with the name the user set it by (for messages). */
  method?: { value: string; where: string };
  /** Between two polls of a push (default 1500: "every 1-2 s"). */
  pollIntervalMs?: number;
  /**
   * Nobody is there to answer (credential_process): a push or call is refused at once instead of
   * waited for, since the wait would block the calling tool for minutes. A preset code still answers.
   */
  unattended?: boolean;
}

export interface MfaPorts {
  http: HttpClient;
  classify(response: HttpResponse): ClassifiedPage;
  /** The sign-in deadline's signal; waits combine it with their own. */
  signal: AbortSignal;
  /** Runs `work` with the sign-in deadline stopped (prompts, and the wait for a phone). */
  paused<T>(work: () => Promise<T>): Promise<T>;
  codes: MfaCodeSource;
  chooser: MfaChooser;
  /** One line on stderr (never a code; the number to match is shown only here). */
  status(line: string): void;
  sleep(ms: number): Promise<void>;
  /** Monotonic milliseconds. */
  now(): number;
  settings: MfaSettings;
  log: Logger;
  /** The status line of a wait (spinner with a countdown on a terminal); absent: plain status lines only. */
  progress?: Progress;
}

export const DEFAULT_MFA_TIMEOUT_MS = 120_000;
export const DEFAULT_POLL_INTERVAL_MS = 1500;

/** A friendly name for messages and prompts. */
export function adapterLabel(adapter: string): string {
  switch (adapter.toLowerCase()) {
    case 'azuremfaauthentication':
      return 'Azure MFA';
    case 'azuremfaserverauthentication':
      return 'Azure MFA Server';
    case 'securidauthentication':
      return 'RSA SecurID';
    case 'symantecvipadapter':
    case 'vipauthenticationproviderwindowsaccountname':
    case 'vipauthenticationproviderupn':
      return 'Symantec VIP';
    default:
      if (/safenet/i.test(adapter)) return 'SafeNet';
      if (/defender/i.test(adapter)) return 'Defender';
      if (/oath|totp|otp/i.test(adapter)) return 'one-time code';
      return adapter;
  }
}
