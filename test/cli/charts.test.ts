/**
 * The CLI publishes like the refresh job: `lumen run --out X` writes X/runs/<id>/ and switches
 * X/latest; `lumen charts`, `lumen digest --dry-run --from X` then work on it, and every later run is
 * a new folder (the earlier one is kept, unchanged).
 */
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { CHART_IDS } from '../../src/analytics/charts/catalog.ts';
import { readManifest } from '../../src/run-folder/index.ts';
import { runCli } from '../helpers/cli.ts';
import { folderSnapshot, removeTempDirs, tempDir } from '../helpers/fs.ts';
import { sharedExport } from '../helpers/shared-fixtures.ts';

afterAll(removeTempDirs);

/** Every file of a run folder with its size and modification time: what "unchanged" means. */
const snapshot = folderSnapshot;

test('lumen run publishes OUT/latest; charts, digest --dry-run and score work on it; earlier runs stay as they were', async () => {
  const out = tempDir('lumen-out-');
  const data = await sharedExport({ learners: 600, seed: 8 });
  const run = await runCli(['run', '--data', data, '--out', out]);
  expect(run.code, run.stderr).toBe(0);
  const latest = join(out, 'latest');
  const first = readlinkSync(latest);
  expect(first).toMatch(/^runs\/\d{8}T\d{6}\.\d{3}Z-cli-[0-9a-f]{8}$/);
  expect(run.stdout).toContain(`Published: ${latest} -> ${join(out, first)}`);
  // Nothing but the run folders and the link at OUT's top level.
  expect(readdirSync(out).sort()).toEqual(['latest', 'runs']);
  const firstManifest = readManifest(join(out, first));
  expect(firstManifest).toMatchObject({ source: 'cli', trained: true, previousRunId: null });
  expect(firstManifest?.dataFingerprint).toMatch(/^[0-9a-f]{64}$/);
  const pngs = () =>
    readdirSync(join(latest, 'charts'))
      .filter((f) => f.endsWith('.png'))
      .sort();
  expect(pngs()).toEqual(CHART_IDS.map((id) => `${id}.png`).sort());
  const firstFiles = snapshot(join(out, first));

  const digest = await runCli(['digest', '--dry-run', '--from', out]);
  expect(digest.code, digest.stderr).toBe(0);
  expect(JSON.parse(digest.stdout)[0]?.text?.text).toContain('Weekly learning digest');
  expect(existsSync(join(out, 'digest-dry-run', 'digest.json'))).toBe(true);

  const learner = readFileSync(join(latest, 'ML_Prediction.csv'), 'utf8').split('\n')[5]?.split(',')[0] ?? '';
  const charts = await runCli(['charts', '--out', out, '--learner', learner]);
  expect(charts.code, charts.stderr).toBe(0);
  const second = readlinkSync(latest);
  expect(second).not.toBe(first);
  expect(readManifest(join(out, second))).toMatchObject({
    source: 'cli',
    trained: false,
    previousRunId: first.replace('runs/', ''),
    modelVersion: firstManifest?.modelVersion,
  });
  expect(pngs()).toEqual(CHART_IDS.map((id) => `${id}.png`).sort());
  expect(readFileSync(join(latest, 'charts', 'learner-profile.vl.json'), 'utf8')).toContain(learner);
  expect(readFileSync(join(latest, 'dashboard.html'), 'utf8')).toContain(learner);
  // Charts only draws: the list, the summary, the model and its card are the first run's files, unchanged.
  expect(charts.stdout).toContain(`Published: ${latest} -> ${join(out, second)}`);
  for (const file of [
    'ML_Prediction.csv',
    'run_summary.json',
    'data_quality.json',
    'learner_outcomes.csv',
    'model_card.json',
    'model_card.md',
    'models/latest.json',
    'stats.json',
  ]) {
    expect(readFileSync(join(latest, file), 'utf8')).toBe(readFileSync(join(out, first, file), 'utf8'));
  }

  const score = await runCli(['score', '--data', data, '--out', out]);
  expect(score.code, score.stderr).toBe(0);
  expect(readlinkSync(latest)).not.toBe(second);
  expect(readdirSync(join(out, 'runs')).length).toBe(3);
  // The published runs before are exactly as they were.
  expect(snapshot(join(out, first))).toEqual(firstFiles);

  // A learner the export does not have is an error in one line, and the published run stays as it was.
  const before = readlinkSync(latest);
  const nope = await runCli(['charts', '--out', out, '--learner', 'NOPE']);
  expect(nope.code).toBe(2);
  expect(
    nope.stderr
      .trim()
      .split('\n')
      .filter((line) => line.startsWith('lumen:')),
  ).toEqual(['lumen: learner NOPE is not in the export: no learner row with that user_id in lms_users.csv']);
  expect(readlinkSync(latest)).toBe(before);
  expect(readdirSync(join(out, 'runs')).length).toBe(3);
  // Four `lumen` processes that draw every chart (run, charts, score) one after another: on a loaded
  // machine (the suite's files share two cores) they took over the default 60 s.
}, 180_000);
