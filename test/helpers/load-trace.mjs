// `node --import <this file> ...`: prints `awsfed-loaded <url>` on stderr for every file: module the
// process loads (test/startup-modules.e2e.test.ts tells from them which packages a command pulled in).
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(
      'export async function load(url, context, next) { if (url.startsWith("file:")) process.stderr.write(`awsfed-loaded ${url}\\n`); return next(url, context); }',
    ),
);

// Node's own fetch (undici) is internal, so the hook above never sees it: report it from the load list.
process.on('exit', () => {
  if (process.moduleLoadList.some((m) => /undici/.test(m))) process.stderr.write('awsfed-loaded-internal undici\n');
});
