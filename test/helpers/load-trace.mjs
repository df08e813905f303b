// `node --import <this file> ...`: prints `awsfed-loaded <url>` on stderr for every file: module the
// process loads (test/startup-modules.e2e.test.ts tells from them which packages a command pulled in).
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(
      'export async function load(url, context, next) { if (url.startsWith("file:")) process.stderr.write(`awsfed-loaded ${url}\\n`); return next(url, context); }',
    ),
);
