import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import SlowestFirst from './test/sequencer.ts';

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
    // Each worker process runs its files one after another with one module cache: the sources, DuckDB,
    // vega and Slack's SDK are loaded once per worker instead of once per file (~1 s of CPU a file).
    // Test files share no state through modules: fixtures go through test/helpers/shared-fixtures.ts.
    isolate: false,
    // Without timings from an earlier run (a fresh clone), the slowest files start first.
    sequence: { sequencer: SlowestFirst },
  },
});
