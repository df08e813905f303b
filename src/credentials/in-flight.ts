/**
 * Files that must not outlive this process: the temp copy of a file being replaced (a full copy of
 * ~/.aws/credentials, live keys included) and the locks this process holds.
 *
 * A path is registered before the file is created and unregistered once it is renamed or removed.
 * While anything is registered, an 'exit' listener and SIGINT/SIGTERM/SIGHUP listeners remove the
 * files synchronously; a signal is then raised again with the default action, so the process still
 * ends the way the signal says (a shell sees 128+n). The listeners exist only while a write is in
 * flight: outside that window awsfed's signal behaviour is Node's default, untouched.
 * SIGKILL cannot be caught; file-store sweeps what it leaves on the next write.
 */
import { readFileSync, unlinkSync } from 'node:fs';

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

interface Entry {
  path: string;
  /** The content the file must still have to be ours (a lock token), or undefined (a temp file). */
  content: string | undefined;
}

/**
 * Entries, not a map by path: several writes of this process may try the same lock path at once,
 * each with its own token, and one giving up must not unregister the one holding it.
 */
const inFlight = new Set<Entry>();
let installed = false;

function removeAllSync(): void {
  for (const { path, content } of inFlight) {
    try {
      // A lock may have been broken and re-created by another run: remove only our own.
      if (content === undefined || readFileSync(path, 'utf8') === content) unlinkSync(path);
    } catch {
      // Already gone, or not ours to remove.
    }
  }
  inFlight.clear();
}

function onExit(): void {
  removeAllSync();
}

function onSignal(signal: NodeJS.Signals): void {
  // Another listener (awsfed exec passing the signal to its child, the demo waiting for Ctrl-C)
  // means this signal does not end the process: the write goes on and cleans up after itself.
  if (process.listenerCount(signal) > 1) return;
  removeAllSync();
  uninstall();
  // With no listener left the default action applies: the process ends by this signal.
  process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', onExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', onExit);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

/**
 * Registers a file to remove if the process ends before the returned function is called. With
 * `content`, it is removed only while it still holds exactly that content (a lock token).
 */
export function track(path: string, content?: string): () => void {
  const entry: Entry = { path, content };
  inFlight.add(entry);
  install();
  return () => {
    inFlight.delete(entry);
    if (inFlight.size === 0) uninstall();
  };
}

/** True when this process registered `path` (and, for locks, with this content). */
export function isTracked(path: string, content?: string): boolean {
  for (const entry of inFlight) {
    if (entry.path === path && (content === undefined || entry.content === content)) return true;
  }
  return false;
}
