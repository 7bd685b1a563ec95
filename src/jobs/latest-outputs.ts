/** Reading what the last good run published under OUT/latest (Slack jobs never touch a run in progress). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { ModelCard } from '../analytics/model/card.ts';
import { JobsError } from './jobs-error.ts';
import { latestPath, latestRunFolder } from './runs/run-folders.ts';

export type PredictionRow = Record<string, string>;

export function latestFolderOrFail(outDir: string): string {
  const dir = latestRunFolder(outDir);
  if (!dir)
    throw new JobsError('MISSING_OUTPUT', `no successful refresh yet: ${latestPath(outDir)} does not exist`);
  return dir;
}

export function readModelCard(runDir: string): ModelCard | null {
  const path = join(runDir, 'model_card.json');
  if (!existsSync(path)) return null;
  return JSON.parse(readFileSync(path, 'utf8')) as ModelCard;
}

/** OUT/latest/ML_Prediction.csv rows, highest risk first; null when the run published no list. */
export function readPredictions(runDir: string): PredictionRow[] | null {
  const path = join(runDir, 'ML_Prediction.csv');
  if (!existsSync(path)) return null;
  return parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true }) as PredictionRow[];
}

/** never_active.csv rows (registered learners without any activity), newest first; [] when absent. */
export function readNeverActive(runDir: string): PredictionRow[] {
  const path = join(runDir, 'never_active.csv');
  if (!existsSync(path)) return [];
  return parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true }) as PredictionRow[];
}

const CHART_ID = /^[a-z0-9][a-z0-9-]*$/;

/** OUT/latest/charts/<chart>.png, or a clear failure when the chart was not rendered. */
export function chartPath(outDir: string, chart: string): string {
  if (!CHART_ID.test(chart)) throw new JobsError('MISSING_OUTPUT', `${chart} is not a chart id`);
  const path = join(latestFolderOrFail(outDir), 'charts', `${chart}.png`);
  if (!existsSync(path)) {
    throw new JobsError('MISSING_OUTPUT', `chart ${chart} has not been rendered: ${path} does not exist`);
  }
  return path;
}
