/**
 * OUT/charts/backtest.png and backtest.vl.json from OUT/backtest.json: drawn by `lumen backtest`, and
 * again by every run that finds a backtest.json in its folder (a run redraws charts/ from scratch).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import type { BacktestReport } from '../backtest.ts';
import { renderChart } from './render.ts';
import { backtestAucSpec } from './specs/backtest-auc.ts';

/** The file name under charts/; not a catalogue id (runs do not draw it from their own data). */
export const BACKTEST_CHART = 'backtest';

export function backtestChartSpec(report: BacktestReport): TopLevelSpec {
  return backtestAucSpec(
    report.points.map((p) => ({
      asOf: p.asOf,
      modelAuc: p.all.ranking.modelAuc,
      baselineAuc: p.all.ranking.baselineAuc,
    })),
    { asOf: report.export.outcomesAsOf, learners: report.judgedLearners },
  );
}

/** Writes <dir>/charts/backtest.png and .vl.json; returns the PNG (the dashboard inlines it). */
export async function writeBacktestChart(dir: string, report: BacktestReport): Promise<Buffer> {
  const spec = backtestChartSpec(report);
  const { png } = await renderChart(spec);
  const folder = join(dir, 'charts');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, `${BACKTEST_CHART}.png`), png);
  writeFileSync(join(folder, `${BACKTEST_CHART}.vl.json`), `${JSON.stringify(spec, null, 2)}\n`);
  return png;
}
