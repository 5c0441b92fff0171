import { defineConfig } from 'vitest/config';
import { pinOpenBlasCore } from './native/openblas-core.mjs';

// The test processes (forks) inherit it: the kernels dgr runs with (native/openblas-core.mjs).
pinOpenBlasCore();

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Two cores: two test files at a time, each in its own process (tfjs backends are process-global).
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
