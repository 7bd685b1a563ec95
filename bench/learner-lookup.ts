/**
 * How long `/lumen learner` takes to draw a learner-profile chart against a published run: from the
 * run's published weeks (weekly_behavioral_features.csv, enrolment_weeks.csv), and by rebuilding the
 * export as runs without those files are drawn (a copy of the run folder without them). The learner
 * is the one of the first ML_Prediction.csv row, for their course and for every course. Usage:
 *   npx tsx bench/learner-lookup.ts RUN_DIR DATA_DIR
 * Prints one line per chart: how it was drawn, the course, seconds, PNG bytes.
 */
import { cpSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../src/config.ts';
import { drawLearnerProfile } from '../src/run-folder/draw-run.ts';

const [given, dataDir] = process.argv.slice(2);
if (!given || !dataDir) throw new Error('usage: npx tsx bench/learner-lookup.ts RUN_DIR DATA_DIR');
const runDir = realpathSync(given);
const [userId = '', courseId = ''] = (
  readFileSync(join(runDir, 'ML_Prediction.csv'), 'utf8').split('\n')[1] ?? ''
).split(',');
const older = join(tmpdir(), `lumen-older-run-${process.pid}`);
cpSync(runDir, older, { recursive: true, filter: (path) => !/enrolment_weeks|weekly_behavioral/.test(path) });
const config = readConfig(process.env);
try {
  for (const [how, dir, data] of [
    ['published', runDir, null],
    ['rebuilt', older, dataDir],
  ] as const) {
    for (const course of [courseId, null]) {
      const start = performance.now();
      const chart = await drawLearnerProfile(config, {
        runDir: dir,
        dataDir: data,
        learnerId: userId,
        courseId: course,
      });
      const seconds = ((performance.now() - start) / 1000).toFixed(2);
      console.log(`${how}\t${course ?? 'every course'}\t${seconds} s\t${chart.png.length} bytes`);
    }
  }
} finally {
  rmSync(older, { recursive: true, force: true });
}
