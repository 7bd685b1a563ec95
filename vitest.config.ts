import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Compiles dist/ when stale: the CLI tests spawn the built `lumen`.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Files in parallel: much of the suite waits on child processes (each `lumen` call, workers,
    // fake Slack) and on Redis rather than on this process, so more files than cores run at once.
    // Vitest's default (cores - 1) ran the files one at a time on this 2-core machine.
    maxWorkers: Math.max(2, availableParallelism() + 1),
  },
});
