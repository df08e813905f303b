#!/usr/bin/env node
// The SDK warns on every run under Node 20 (still supported by it); the warning is noise for a CLI user.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const { main } = await import("./main.js");

process.exitCode = await main(process.argv.slice(2));
