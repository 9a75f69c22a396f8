import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A fixed key, so no test creates the default key file in the home directory.
    env: { GROWTHLAKE_PSEUDONYMIZATION_KEY: 'test-pseudonymization-key-0123456789abcdef' },
  },
});
