import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests never touch the real ~/.aws: every test that needs one builds a temporary HOME.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_CONFIG_FILE: '/nonexistent/awsfed-tests/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/awsfed-tests/credentials' },
    pool: 'forks',
    // Files, and the tests inside each file, run in a random order on every run, so that a test that
    // leans on another having run first fails here rather than the day the order changes. The seed is
    // printed at the top of the run ("Running tests with seed N"); `--sequence.seed=N` replays that order.
    sequence: { shuffle: true },
    // Two projects, both run by `vitest run`; `--project unit` or `--project e2e` runs one.
    // `extends: true` gives each the settings above (env, pool, timeouts).
    projects: [
      // Unit tests beside the code: in-process, no build needed.
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts'] } },
      // End-to-end tests: the built CLI (dist/, `npm run build`) against loopback emulators and real peers.
      { extends: true, test: { name: 'e2e', include: ['test/**/*.test.ts'] } },
    ],
  },
});
