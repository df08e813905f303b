import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests never touch the real ~/.aws: every test that needs one builds a temporary HOME.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_CONFIG_FILE: '/nonexistent/awsfed-tests/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/awsfed-tests/credentials' },
    pool: 'forks',
  },
});
