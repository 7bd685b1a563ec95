/**
 * The order the test files start in. Vitest starts the longest files first when it has timings from
 * an earlier run (node_modules/.vite/vitest/results.json), and the largest files first when it has
 * none, as on a fresh clone in CI. File size says little here: the slowest files are the ones that
 * run whole refreshes, worker processes and fits, and one of them starting last kept the suite
 * running alone on one core for its last minute. Without timings, the files measured slowest start
 * first (longest processing time first), the rest in Vitest's order.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Slowest first, as measured in a fresh-clone CI run (2026-12-02, 2 cores): 76 s down to 21 s. */
export const SLOWEST_FILES = [
  'test/analytics/model-pipeline.test.ts',
  'test/jobs/refresh-queue.test.ts',
  'test/analytics/backtest.test.ts',
  'test/jobs/digest.test.ts',
  'test/jobs/digest-schedule.test.ts',
  'test/jobs/stalled-recovery.test.ts',
  'test/cli/operations.test.ts',
  'test/bot/bot-processes.test.ts',
  'test/bot/bot-http.test.ts',
  'test/cli/charts.test.ts',
  'test/cli/progress.test.ts',
  'test/cli/output-folder.test.ts',
  'test/analytics/line-numbers.test.ts',
  'test/jobs/published-run-drill.test.ts',
  'test/analytics/features-generated.test.ts',
  'test/cli/feedback.test.ts',
];

export default class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const timed = files.some((file) =>
      this.ctx.cache.getFileTestResults(
        `${file.project.name}:${file.moduleId.slice(this.ctx.config.root.length + 1)}`,
      ),
    );
    if (timed) return sorted;
    const rank = (file: TestSpecification) => {
      const i = SLOWEST_FILES.findIndex((path) => file.moduleId.endsWith(`/${path}`));
      return i < 0 ? SLOWEST_FILES.length : i;
    };
    // Array.prototype.sort is stable: files not listed keep Vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
