import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readConfig } from '../src/config.ts';
import { drawLearnerProfile } from '../src/run-folder/draw-run.ts';
const [runDir, dataDir] = process.argv.slice(2) as [string, string];
const line = readFileSync(join(runDir, 'ML_Prediction.csv'), 'utf8').split('\n')[1] ?? '';
const [userId, courseId] = line.split(',');
const older = '/tmp/older-run';
rmSync(older, { recursive: true, force: true });
cpSync(runDir, older, { recursive: true, filter: (s) => !/enrolment_weeks|weekly_behavioral/.test(s) });
const config = readConfig(process.env);
for (const [label, dir, data] of [['published', runDir, null], ['rebuilt', older, dataDir]] as const) {
  for (const course of [courseId ?? null, null]) {
    const t = performance.now();
    const chart = await drawLearnerProfile(config, { runDir: dir, dataDir: data, learnerId: userId ?? '', courseId: course });
    console.log(label, course ?? 'all courses', ((performance.now() - t) / 1000).toFixed(2), 's', chart.png.length, 'bytes');
  }
}
