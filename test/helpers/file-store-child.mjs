// A separate process that edits a file through the built file store (dist/), for the tests that
// need real processes: concurrent writers, a lock held by a live process, signals and SIGKILL
// arriving in the middle of a write. Plain JavaScript because it runs under node without a build step.
//
//   node file-store-child.mjs write FILE SECTION        add [SECTION] (its own profile), print "done"
//   node file-store-child.mjs hang-before-rename FILE   write, but stop before the rename: print
//        "temp PATH" and wait; stdin "exit N" calls process.exit(N). With --own-sigint, a SIGINT
//        listener of its own is installed first (as awsfed exec does), printing "sigint".
//   node file-store-child.mjs hold-lock FILE            take the lock, print "locked", wait for stdin
//        "release", then add [holder]
//   node file-store-child.mjs loop FILE COUNT SIZE       rewrite every aws_session_token of COUNT
//        profiles to SIZE times B, then A, then B... forever, printing "wrote N" after each write
import { promises as fs } from 'node:fs';
import { basename, dirname } from 'node:path';
import { createInterface } from 'node:readline';

const { updateIniFile } = await import(new URL('../../dist/credentials/file-store.js', import.meta.url).href);

const [mode, file, ...args] = process.argv.slice(2);
const say = (line) => process.stdout.write(`${line}\n`);
const options = { lockTimeoutMs: 120_000, staleLockMs: 120_000, onWait: (message) => process.stderr.write(`${message}\n`) };
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const nextLine = async () => (await lines.next()).value ?? '';


switch (mode) {
  case 'write': {
    const section = args[0];
    await updateIniFile(file, (doc) => doc.set(section, 'aws_access_key_id', `AKIA-${section}`), options);
    say('done');
    process.exit(0);
    break;
  }
  case 'hang-before-rename': {
    if (args.includes('--own-sigint')) process.on('SIGINT', () => say('sigint'));
    fs.rename = async (from) => {
      say(`temp ${from}`);
      for (;;) {
        const command = await nextLine();
        if (command.startsWith('exit ')) process.exit(Number(command.slice(5)));
      }
    };
    await updateIniFile(file, (doc) => doc.set('hung', 'aws_secret_access_key', 'SECRET-IN-TEMP-FILE'), options);
    break;
  }
  case 'hold-lock': {
    // The first thing the store does under the lock is to sweep stale temp copies from the file's
    // directory (its one readdir): pause there, lock held, until told to go on.
    const readdir = fs.readdir.bind(fs);
    fs.readdir = async (path, ...rest) => {
      if (basename(String(path)) === basename(dirname(file))) {
        say('locked');
        while ((await nextLine()) !== 'release');
      }
      return readdir(path, ...rest);
    };
    await updateIniFile(file, (doc) => doc.set('holder', 'aws_access_key_id', 'AKIA-holder'), options);
    say('done');
    process.exit(0);
    break;
  }
  case 'loop': {
    const count = Number(args[0]);
    const size = Number(args[1]);
    for (let n = 1; ; n++) {
      const value = (n % 2 === 1 ? 'B' : 'A').repeat(size);
      await updateIniFile(file, (doc) => {
        for (let i = 0; i < count; i++) doc.set(`p${i}`, 'aws_session_token', value);
      }, options);
      say(`wrote ${n}`);
    }
  }
  default:
    process.stderr.write(`unknown mode ${mode}\n`);
    process.exit(2);
}
