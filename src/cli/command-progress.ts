/**
 * The live progress of the long commands (validate, features, run/train/score, backtest): which
 * stages each runs with their weights, the export's size for the first time estimate, and DuckDB's
 * activity for the rows and queries. The display itself is LiveProgress (./progress.ts).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ANALYSIS_STAGE_NAMES } from '../analytics/analysis-types.ts';
import { duckDbActivity } from '../analytics/db.ts';
import { LiveProgress, type ProgressSettings, RUN_STAGE_SECONDS } from './progress.ts';

const weighted = (names: string[]) => names.map((name) => [name, RUN_STAGE_SECONDS[name] ?? 1] as const);

const ANALYSIS_STAGES: string[] = [...ANALYSIS_STAGE_NAMES];

export const COMMAND_STAGES = {
  validate: weighted(['load+validate']),
  features: weighted(['load+validate', 'features', 'write']),
  run: weighted(ANALYSIS_STAGES),
  train: weighted(ANALYSIS_STAGES.filter((s) => s !== 'score')),
  score: weighted(ANALYSIS_STAGES.filter((s) => s !== 'train')),
  backtest: [
    ['outcomes at the end', (RUN_STAGE_SECONDS['load+validate'] ?? 0) + 8.5] as const,
    // The per-date loop's weight is set when the number of dates is known (backtestFitWeight).
    ['report', 1] as const,
  ],
} satisfies Record<string, ReadonlyArray<readonly [string, number]>>;

/** The weight of one backtest date: a whole run without charts. */
export function backtestFitWeight(dates: number): number {
  const perDate = Object.entries(RUN_STAGE_SECONDS)
    .filter(([name]) => name !== 'charts')
    .reduce((sum, [, seconds]) => sum + seconds, 0);
  return perDate * dates;
}

/** MB of CSV in the export folder (0 when it cannot be read: the estimate then waits for a stage). */
export function exportMb(dataDir: string): number {
  try {
    let bytes = 0;
    for (const name of readdirSync(dataDir)) {
      if (name.endsWith('.csv')) bytes += statSync(join(dataDir, name)).size;
    }
    return bytes / 2 ** 20;
  } catch {
    return 0;
  }
}

export function commandProgress(
  command: keyof typeof COMMAND_STAGES,
  dataDir: string,
  settings: ProgressSettings,
): LiveProgress {
  return new LiveProgress(command, {
    stages: COMMAND_STAGES[command],
    inputMb: exportMb(dataDir),
    settings,
    activity: duckDbActivity,
  });
}
