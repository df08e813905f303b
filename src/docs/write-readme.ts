/**
 * `npm run docs`: rewrites the generated tables of README.md (error codes, settings) from the code.
 * Its own entry point, like bench/run.ts, so it writes to stdout directly; the CLI never loads it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderReadme } from './readme-tables.js';

// dist/docs/write-readme.js -> the repository root.
const path = fileURLToPath(new URL('../../README.md', import.meta.url));
const before = readFileSync(path, 'utf8');
const after = renderReadme(before);
if (after === before) {
  process.stdout.write(`${path}: tables already up to date\n`);
} else {
  writeFileSync(path, after);
  process.stdout.write(`${path}: tables regenerated\n`);
}
