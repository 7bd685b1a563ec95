/**
 * A real run on generated data, for chart and dashboard tests: the AnalysisResult, plus a DuckDB of our
 * own holding the tables the EDA queries read (runAnalysis closes its database). The run and its
 * output folder are shared by the files that ask for the same one: read them, never write.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { type AnalysisResult, runAnalysis } from '../../src/analytics/analysis.ts';
import { Db } from '../../src/analytics/db.ts';
import { buildWeeklyFeatures } from '../../src/analytics/features.ts';
import { buildOutcomes } from '../../src/analytics/pipeline.ts';
import { validateData } from '../../src/analytics/validate.ts';
import { lastCompleteWeekEnd } from '../../src/analytics/weeks.ts';
import { readConfig } from '../../src/config.ts';
import { sharedExport, sharedFixture } from './shared-fixtures.ts';

export interface AnalysedRun {
  readonly result: AnalysisResult;
  readonly db: Db;
  readonly asOf: string;
  readonly dataDir: string;
  /** The shared run's output folder: read-only. */
  readonly outDir: string;
}

export interface SharedAnalysis {
  readonly result: AnalysisResult;
  readonly dataDir: string;
  /** The run's output folder: read-only (copy it with copyFixture to change it). */
  readonly outDir: string;
}

/**
 * The run (train, score, charts) on the shared generated export with these settings, as of the
 * export's last event, run once per test run for every file that asks: its AnalysisResult and its
 * read-only output folder.
 */
export async function sharedAnalysis(learners = 800, seed = 3): Promise<SharedAnalysis> {
  const config = readConfig({});
  const dataDir = await sharedExport({ learners, seed });
  // The run is the same for every file that asks: run once per test run, its result kept with
  // v8.serialize (plain data and Maps: it comes back deep-equal).
  const shared = await sharedFixture(`analysed-run-${learners}-${seed}`, async (dir) => {
    const run = await runAnalysis(config, { dataDir, outDir: join(dir, 'out'), train: true, score: true });
    writeFileSync(join(dir, 'result.v8'), serialize(run));
  });
  const result = deserialize(readFileSync(join(shared, 'result.v8'))) as AnalysisResult;
  return { result, dataDir, outDir: join(shared, 'out') };
}

export async function analysedRun(learners = 800, seed = 3): Promise<AnalysedRun> {
  const config = readConfig({});
  const { result, dataDir, outDir } = await sharedAnalysis(learners, seed);
  // The DuckDB below is each file's own.
  const db = await Db.open({ tz: config.tz });
  const report = await validateData(db, { dataDir, tz: config.tz });
  await buildWeeklyFeatures(db, report.asOf);
  await buildOutcomes(db, config, lastCompleteWeekEnd(report.asOf), false);
  return { result, db, asOf: report.asOf, dataDir, outDir };
}
