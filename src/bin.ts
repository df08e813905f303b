#!/usr/bin/env node
import * as nodeModule from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { runFastPath } from './fast-paths.js';
import { userCacheDir } from './session/cache-dir.js';
import { writeStdoutSync } from './stdout-sync.js';

async function run(argv: string[]): Promise<number> {
  // --version and a credential_process cache hit are answered without loading commander.
  const fast = await runFastPath(argv, { out: writeStdoutSync, env: process.env, homeDir: homedir() });
  if (fast !== undefined) return fast;
  // The SDK warns on every run under Node 20 (still supported by it); the warning is noise for a CLI user.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  enableCompileCache();
  const { main } = await import('./main.js');
  return main(argv);
}

void run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // main() reports every error itself; this is only a fast path's own failure (stdout gone, say) or
    // main.js not loading: one line, never a stack trace.
    process.stderr.write(`awsfed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);

/**
 * Node 22.1+ keeps the compiled bundle between runs (compiling it is about a tenth of a login's time);
 * Node 20 has no such API and the call is skipped. Not on the fast paths: they compile one small file.
 */
function enableCompileCache(): void {
  const enable = (nodeModule as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache;
  if (typeof enable !== 'function') return;
  try {
    enable(join(userCacheDir(process.env, homedir(), process.platform), 'awsfed', 'compile-cache'));
  } catch {
    // A cache directory we cannot create only costs the compile.
  }
}
