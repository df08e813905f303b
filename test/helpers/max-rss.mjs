/**
 * Loaded into the CLI under test with `node --import`: on exit, writes the process's peak resident set
 * size (KiB, from getrusage) to the file named by AWSFED_TEST_MAX_RSS_FILE. Peak RSS is a size bound, not
 * a timing one, so a test can assert it on a shared, noisy machine.
 */
import { writeFileSync } from 'node:fs';

const target = process.env.AWSFED_TEST_MAX_RSS_FILE;
if (target) process.on('exit', () => writeFileSync(target, String(process.resourceUsage().maxRSS)));
