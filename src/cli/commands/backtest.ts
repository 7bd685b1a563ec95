/** `lumen backtest`: how the at-risk list would have done at past as-of dates. */
import { resolve } from 'node:path';
import { runBacktest } from '../../analytics/backtest-run.ts';
import type { Config } from '../../config.ts';
import { formatBacktestSummary } from '../backtest-summary.ts';
import { stageLogger, stepProgress } from '../progress.ts';

export interface BacktestOptions {
  readonly data: string;
  readonly out: string;
  readonly from?: string;
  readonly to?: string;
  readonly every?: number;
}

export async function backtestCommand(config: Config, opts: BacktestOptions): Promise<void> {
  const log = stageLogger();
  const progress = stepProgress('backtest');
  const result = await runBacktest(config, {
    dataDir: resolve(opts.data),
    outDir: resolve(opts.out),
    from: opts.from,
    to: opts.to,
    everyDays: opts.every,
    onStage: (stage) => {
      progress.stop();
      log.stage(stage);
    },
    onProgress: ({ done, total, asOf, phase, listPublished }) => {
      // The first start sets the clock; then one update per finished date.
      if (phase === 'start' && done === 0) progress.update(0, total, `fitting as of ${asOf}`);
      if (phase === 'done')
        progress.update(done, total, `as of ${asOf}${listPublished ? '' : ' (no list published)'}`);
    },
  });
  progress.stop();
  log.done();
  process.stdout.write(formatBacktestSummary(result.report, result.files));
}
