import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { CHART_IDS } from '../../src/analytics/charts/catalog.ts';
import { generateLmsData } from '../../src/analytics/generate.ts';
import { runCli } from '../helpers/cli.ts';
import { removeTempDirs, tempDir } from '../helpers/fs.ts';

afterAll(removeTempDirs);

test('lumen run renders every chart; lumen charts --out re-renders them for another learner from the same data', async () => {
  const data = tempDir('lumen-data-');
  const out = tempDir('lumen-out-');
  await generateLmsData({ learners: 600, seed: 8, outDir: data });
  const run = await runCli(['run', '--data', data, '--out', out]);
  expect(run.code).toBe(0);
  const pngs = () =>
    readdirSync(join(out, 'charts'))
      .filter((f) => f.endsWith('.png'))
      .sort();
  expect(pngs()).toEqual(CHART_IDS.map((id) => `${id}.png`).sort());

  const learner = readFileSync(join(out, 'ML_Prediction.csv'), 'utf8').split('\n')[5]?.split(',')[0] ?? '';
  const charts = await runCli(['charts', '--out', out, '--learner', learner]);
  expect(charts.code).toBe(0);
  expect(pngs()).toEqual(CHART_IDS.map((id) => `${id}.png`).sort());
  expect(readFileSync(join(out, 'charts', 'learner-profile.vl.json'), 'utf8')).toContain(learner);
  expect(readFileSync(join(out, 'dashboard.html'), 'utf8')).toContain(learner);

  // A learner the export does not have is an error in one line, and the outputs stay as they were.
  const before = readFileSync(join(out, 'dashboard.html'), 'utf8');
  const nope = await runCli(['charts', '--out', out, '--learner', 'NOPE']);
  expect(nope.code).toBe(2);
  expect(
    nope.stderr
      .trim()
      .split('\n')
      .filter((line) => line.startsWith('lumen:')),
  ).toEqual(['lumen: learner NOPE is not in the export: no learner row with that user_id in lms_users.csv']);
  expect(readFileSync(join(out, 'dashboard.html'), 'utf8')).toBe(before);
});
