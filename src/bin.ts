#!/usr/bin/env node
import { homedir } from 'node:os';
import { runFastPath } from './fast-paths.js';
import { writeStdoutSync } from './stdout-sync.js';

async function run(argv: string[]): Promise<number> {
  // --version and a credential_process cache hit are answered without loading commander.
  const fast = await runFastPath(argv, { out: writeStdoutSync, env: process.env, homeDir: homedir() });
  if (fast !== undefined) return fast;
  // The SDK warns on every run under Node 20 (still supported by it); the warning is noise for a CLI user.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { main } = await import('./main.js');
  return main(argv);
}

void run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
