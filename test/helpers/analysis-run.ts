/**
 * A real run on generated data, for chart and dashboard tests: the AnalysisResult, plus a DuckDB of our
 * own holding the tables the EDA queries read (runAnalysis closes its database).
 */
import { type AnalysisResult, buildOutcomes, runAnalysis } from '../../src/analytics/analysis.ts';
import { Db } from '../../src/analytics/db.ts';
import { buildWeeklyFeatures } from '../../src/analytics/features.ts';

import { validateData } from '../../src/analytics/validate.ts';
import { lastCompleteWeekEnd } from '../../src/analytics/weeks.ts';
import { readConfig } from '../../src/config.ts';
import { tempDir } from './fs.ts';
import { sharedExport } from './shared-fixtures.ts';

export interface AnalysedRun {
  readonly result: AnalysisResult;
  readonly db: Db;
  readonly asOf: string;
  readonly dataDir: string;
  readonly outDir: string;
}

export async function analysedRun(learners = 800, seed = 3): Promise<AnalysedRun> {
  const config = readConfig({});
  const outDir = tempDir('lumen-charts-out-');
  const dataDir = await sharedExport({ learners, seed });
  const result = await runAnalysis(config, { dataDir, outDir, train: true, score: true });
  const db = await Db.open({ tz: config.tz });
  const report = await validateData(db, { dataDir, tz: config.tz });
  await buildWeeklyFeatures(db, report.asOf);
  await buildOutcomes(db, config, lastCompleteWeekEnd(report.asOf), false);
  return { result, db, asOf: report.asOf, dataDir, outDir };
}
