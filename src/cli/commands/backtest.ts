/** `lumen backtest`: how the at-risk list would have done at past as-of dates. */
import { resolve } from 'node:path';
import { runBacktest } from '../../analytics/backtest-run.ts';
import type { Config } from '../../config.ts';
import { formatBacktestSummary } from '../backtest-summary.ts';
import { backtestFitWeight, commandProgress } from '../command-progress.ts';
import { progressSettings } from '../progress.ts';

export interface BacktestOptions {
  readonly data: string;
  readonly out: string;
  readonly from?: string;
  readonly to?: string;
  readonly every?: number;
}

export async function backtestCommand(config: Config, opts: BacktestOptions): Promise<void> {
  const log = commandProgress('backtest', resolve(opts.data), progressSettings(config.progress));
  let current = '';
  let published = 0;
  const result = await log.around(
    runBacktest(config, {
      dataDir: resolve(opts.data),
      outDir: resolve(opts.out),
      from: opts.from,
      to: opts.to,
      everyDays: opts.every,
      onStage: log.stage,
      onProgress: ({ done, total, asOf, phase, listPublished }) => {
        // The per-date stage has just started: its weight is known once the dates are.
        if (phase === 'start' && done === 0) log.weigh(backtestFitWeight(total));
        if (phase === 'start') current = asOf;
        else if (listPublished) published += 1;
        log.step(
          done,
          total,
          `${done}/${total} dates done (${published} lists published) · as of ${current}`,
        );
      },
      onFitStage: (stage) => log.detail(`as of ${current}: ${stage}`),
    }),
  );
  process.stdout.write(formatBacktestSummary(result.report, result.files));
}
