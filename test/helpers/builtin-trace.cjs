// `node -r <this file> ...`: prints `awsfed-loaded-builtin NAME` on stderr at exit for every module of
// Node's own (crypto, net, internal/fs/promises, ...) the process loaded after this file, so that a test
// can tell what a command costs in Node's own modules. CommonJS and `-r`, not an --import hook: the
// hook's loader thread loads net and streams itself, and would make Node run even a .cjs main through
// its ESM loader. Written with fs.writeSync: process.stderr would build a stream (net, for a pipe).
'use strict';
const { writeSync } = require('node:fs');

const before = new Set(process.moduleLoadList);
process.on('exit', () => {
  const names = process.moduleLoadList.filter((m) => !before.has(m)).map((m) => /^NativeModule (.+)$/.exec(m)?.[1]).filter(Boolean);
  writeSync(2, names.map((name) => `awsfed-loaded-builtin ${name}\n`).join(''));
});
