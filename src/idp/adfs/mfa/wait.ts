/**
 * The wait for a phone (Azure MFA push, Azure MFA Server call) runs under its own limit, --mfa-timeout,
 * with the sign-in deadline (--timeout) stopped: a user who approves after 100 s of a 2-minute push
 * window must not be told the sign-in was too slow. Requests made during the wait carry both signals.
 */
import { PromptError } from '../../../errors.js';
import { DeadlineExceeded, startDeadline } from '../../../http/deadline.js';
import { mfaTimeoutError } from './errors.js';
import type { MfaPorts } from './ports.js';

export async function underMfaLimit<T>(ports: Pick<MfaPorts, 'settings' | 'paused' | 'signal'>, adapter: string, waitingFor: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const timeoutMs = ports.settings.timeoutMs;
  const deadline = startDeadline(timeoutMs, new DeadlineExceeded(() => mfaTimeoutError(adapter, timeoutMs, waitingFor)));
  try {
    return await ports.paused(() => work(AbortSignal.any([ports.signal, deadline.signal])));
  } finally {
    deadline.dispose();
  }
}

/**
 * In an unattended run (credential_process) a push or call is a person's job: refused before any wait
 * starts, so the caller learns at once that someone must sign in interactively.
 */
export function refuseUnattendedWait(settings: Pick<MfaPorts['settings'], 'unattended'>, adapter: string, waitingFor: string): void {
  if (!settings.unattended) return;
  throw unattendedWaitError(adapter, waitingFor);
}

export function unattendedWaitError(adapter: string, waitingFor: string): PromptError {
  return new PromptError('PROMPT_UNAVAILABLE', `Cannot wait for the ${adapter} ${waitingFor}: nobody is there to answer it in this unattended run.`, {
    hint: 'Sign in once interactively (awsfed login), or preset a one-time code (AWSFED_MFA_CODE, awsfed_mfa_command).',
  });
}
