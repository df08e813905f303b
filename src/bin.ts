#!/usr/bin/env node
import { homedir } from 'node:os';
import { runFastPath } from './fast-paths.js';

const argv = process.argv.slice(2);
// --version and a credential_process cache hit are answered without loading commander.
const fast = await runFastPath(argv, { out: (text) => void process.stdout.write(text), env: process.env, homeDir: homedir() });
if (fast !== undefined) {
  process.exitCode = fast;
} else {
  // The SDK warns on every run under Node 20 (still supported by it); the warning is noise for a CLI user.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { main } = await import('./main.js');
  process.exitCode = await main(argv);
}
