/**
 * The one-line status shown on stderr while awsfed waits on the network (issue 7, section 5): the IdP
 * host being contacted, the MFA wait with its countdown, the STS call. On a terminal it is a spinner
 * line that is erased when the wait ends; anywhere else it is nothing at all, so scripts and logs see
 * no escape codes.
 *
 * While the line is shown, stdin (when it is a terminal) is put in raw mode and whatever is typed is
 * read and dropped: keys pressed during a wait are neither echoed nor left in the terminal's input
 * queue for the shell to run after awsfed exits. Raw mode also turns Ctrl-C into a plain byte, so that
 * byte (and a real SIGINT, when stdin is not a terminal) ends the run the way an interrupted program
 * ends: the terminal restored, one "interrupted" line, then SIGINT raised again with its default
 * action, so the shell sees 130 and in-flight.ts still removes any temp file or lock.
 *
 * The spinner library (yocto-spinner) is imported only when a wait starts on a terminal.
 */

export interface Progress {
  /** True when start() draws something (stderr is a terminal); handlers then skip their plain lines. */
  readonly live: boolean;
  start(text: string): void;
  update(text: string): void;
  stop(): void;
}

/** What the port needs of process.stdin: only the terminal parts. */
export interface ProgressInput {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?(mode: boolean): unknown;
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

export interface ProgressOptions {
  /** stderr. */
  output: NodeJS.WritableStream & { isTTY?: boolean };
  /** stdin; keys typed there during a wait are dropped. */
  input?: ProgressInput;
  env: Record<string, string | undefined>;
  /** Ctrl-C during a wait (default: the real interrupt, see above); tests pass a fake. */
  onInterrupt?: () => void;
  /** The spinner factory (default: yocto-spinner, lazily imported); tests pass a fake. */
  loadSpinner?: () => Promise<SpinnerFactory>;
}

export interface SpinnerLike {
  text: string;
  start(text?: string): unknown;
  stop(): unknown;
}

export type SpinnerFactory = (options: { text: string; stream: NodeJS.WritableStream; handleSignals: boolean }) => SpinnerLike;

const NO_PROGRESS: Progress = { live: false, start() {}, update() {}, stop() {} };

const CTRL_C = 0x03;

/** A terminal that can redraw a line: not TERM=dumb (the spinner library makes the same check). */
export function isLiveTerminal(output: { isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
  return Boolean(output.isTTY) && env.TERM !== 'dumb' && !('CI' in env);
}

export function createProgress(options: ProgressOptions): Progress {
  if (!isLiveTerminal(options.output, options.env)) return NO_PROGRESS;
  const loadSpinner = options.loadSpinner ?? defaultSpinner;
  const onInterrupt = options.onInterrupt ?? interruptProcess;
  const input = options.input;
  let spinner: SpinnerLike | undefined;
  let text = '';
  // Bumped by every start/stop, so a spinner whose import finishes after stop() is never drawn.
  let generation = 0;
  let restore: (() => void) | undefined;

  const stop = (): void => {
    generation += 1;
    spinner?.stop();
    spinner = undefined;
    restore?.();
    restore = undefined;
  };
  const interrupt = (): void => {
    stop();
    options.output.write('awsfed: interrupted\n');
    onInterrupt();
  };

  return {
    live: true,
    start(next) {
      stop();
      text = next;
      restore = swallowInput(input, interrupt);
      const mine = ++generation;
      void loadSpinner().then(
        (factory) => {
          if (mine !== generation) return;
          spinner = factory({ text, stream: options.output, handleSignals: false });
          spinner.start();
        },
        // Without the library there is just no spinner; the wait itself goes on.
        () => undefined,
      );
    },
    update(next) {
      text = next;
      if (spinner) spinner.text = next;
    },
    stop,
  };
}

/**
 * Raw mode and a reader that drops what is typed (Ctrl-C interrupts); a SIGINT listener for the case
 * where stdin is not a terminal. Returns the function that puts everything back; it runs on stop(),
 * and on process exit in case a wait ends by an uncaught path.
 */
function swallowInput(input: ProgressInput | undefined, interrupt: () => void): () => void {
  const onSigint = (): void => interrupt();
  process.on('SIGINT', onSigint);
  const rawCapable = input?.isTTY === true && typeof input.setRawMode === 'function';
  const wasRaw = rawCapable ? Boolean(input.isRaw) : false;
  const onData = (chunk: Buffer | string): void => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (bytes.includes(CTRL_C)) interrupt();
  };
  if (rawCapable) {
    input.setRawMode!(true);
    input.on('data', onData);
    input.resume();
  }
  let done = false;
  const restore = (): void => {
    if (done) return;
    done = true;
    process.off('SIGINT', onSigint);
    process.off('exit', restore);
    if (rawCapable) {
      input.off('data', onData);
      input.setRawMode!(wasRaw);
      // Paused again, so stdin does not keep the process alive and the next prompt reads afresh.
      input.pause();
    }
  };
  process.on('exit', restore);
  return restore;
}

async function defaultSpinner(): Promise<SpinnerFactory> {
  const { default: yoctoSpinner } = await import('yocto-spinner');
  // process.stderr is a Writable; the port types it as the narrower WritableStream.
  return (options) => yoctoSpinner({ ...options, stream: options.stream as import('node:stream').Writable });
}

/**
 * SIGINT again, with the default action unless in-flight.ts is cleaning up a write (it then removes its
 * files and raises it once more): the process ends as an interrupted program, 130 in the shell.
 */
function interruptProcess(): void {
  process.kill(process.pid, 'SIGINT');
}

/** Runs `work` with `text` shown; the line goes away however `work` ends. */
export async function withProgress<T>(progress: Progress | undefined, text: string, work: () => Promise<T>): Promise<T> {
  if (!progress) return work();
  progress.start(text);
  try {
    return await work();
  } finally {
    progress.stop();
  }
}

/**
 * Shows `label(left)` with the time left of a `limitMs` wait, refreshed every second on its own and on
 * each call of the returned `tick` (a poll), from the `now` port. Returns stop and tick.
 */
export function startCountdown(progress: Progress, label: (left: string) => string, limitMs: number, now: () => number): { tick(): void; stop(): void } {
  const started = now();
  const text = (): string => label(formatClock(limitMs - (now() - started)));
  progress.start(text());
  const tick = (): void => progress.update(text());
  const timer = setInterval(tick, 1000);
  // The wait's own promise keeps the process alive; this timer must not.
  timer.unref();
  return {
    tick,
    stop: () => {
      clearInterval(timer);
      progress.stop();
    },
  };
}

/** m:ss, rounded up: "1:30" while 90 s remain. */
export function formatClock(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
