/**
 * Deadlines for a conversation made of several requests (the sign-in with the IdP): one AbortSignal
 * that fires when the time is up, handed to each request in turn.
 *
 * An idle timeout resets on every byte, so a peer that trickles one byte per second never trips it
 * (issue 6, item 7); a deadline counts from the start whatever the peer does.
 *
 * The signal carries a DeadlineExceeded as its reason: whoever is waiting on the network when it fires
 * (the HTTP client) knows the host it was waiting on and turns it into the caller's typed error, so the
 * message names the host that was slow, not only the entry URL.
 */
import type { IdpError } from '../errors.js';

/** An abort reason that knows which typed error to become, given the host that was being waited on. */
export class DeadlineExceeded extends Error {
  constructor(readonly toError: (host: string) => IdpError) {
    super('deadline exceeded');
    this.name = 'DeadlineExceeded';
  }
}

export interface Deadline {
  /** Aborts with the DeadlineExceeded reason when the time is up. */
  readonly signal: AbortSignal;
  readonly expired: boolean;
  /**
   * Runs `work` with the clock stopped: time spent waiting for the user (a password prompt, a password
   * manager asking for its own unlock) is not time the IdP took. Nested and concurrent pauses are fine.
   */
  paused<T>(work: () => Promise<T>): Promise<T>;
  /** Stops the timer (the conversation is over); the signal stays as it is. */
  dispose(): void;
}

export interface DeadlineOptions {
  /** Monotonic milliseconds (default performance.now): wall-clock jumps must not shorten or stretch it. */
  now?: () => number;
}

export function startDeadline(ms: number, reason: DeadlineExceeded, options: DeadlineOptions = {}): Deadline {
  const now = options.now ?? (() => performance.now());
  const controller = new AbortController();
  let used = 0;
  let runningSince: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pauses = 0;
  let disposed = false;

  const expire = (): void => {
    timer = undefined;
    runningSince = undefined;
    if (!controller.signal.aborted) controller.abort(reason);
  };
  const run = (): void => {
    if (disposed || controller.signal.aborted) return;
    const left = ms - used;
    if (left <= 0) return expire();
    runningSince = now();
    timer = setTimeout(expire, left);
  };
  const stop = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (runningSince !== undefined) used += now() - runningSince;
    runningSince = undefined;
  };

  run();
  return {
    signal: controller.signal,
    get expired() {
      return controller.signal.aborted;
    },
    async paused(work) {
      if (pauses++ === 0) stop();
      try {
        return await work();
      } finally {
        if (--pauses === 0) run();
      }
    },
    dispose() {
      disposed = true;
      stop();
    },
  };
}

/** The host of a URL for messages ("adfs.corp.example", "127.0.0.1:8443"); never the path or query. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the IdP';
  }
}
