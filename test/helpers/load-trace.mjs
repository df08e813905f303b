// `node --import <this file> ...`: prints `awsfed-loaded <url>` on stderr for every file: module the
// process loads (test/startup-modules.e2e.test.ts tells from them which packages a command pulled in).
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(
      'export async function load(url, context, next) { if (url.startsWith("file:")) process.stderr.write(`awsfed-loaded ${url}\\n`); return next(url, context); }',
    ),
);

// Node's own modules never pass the hook above: report them from the load list. Node's fetch (undici) is
// internal; the public built-ins (crypto, net, ...) are named as `awsfed-loaded-builtin NAME`, except
// those this file loads itself.
const own = new Set(process.moduleLoadList);
process.on('exit', () => {
  if (process.moduleLoadList.some((m) => /undici/.test(m))) process.stderr.write('awsfed-loaded-internal undici\n');
  for (const m of process.moduleLoadList) {
    const name = /^NativeModule ((?!internal\/).+)$/.exec(m)?.[1];
    if (name && !own.has(m)) process.stderr.write(`awsfed-loaded-builtin ${name}\n`);
  }
});
