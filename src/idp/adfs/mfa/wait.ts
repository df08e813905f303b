/**
 * The wait for a phone (Azure MFA push, Azure MFA Server call) runs under its own limit, --mfa-timeout,
 * with the sign-in deadline (--timeout) stopped: a user who approves after 100 s of a 2-minute push
 * window must not be told the sign-in was too slow. Requests made during the wait carry both signals.
 */
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
