/**
 * LUMEN_MAX_TRAINING_ROWS: above it a fit learns from every row of a fixed sample of learners, and
 * the files drawn from the training rows (training_snapshots.csv, oof_predictions.csv) hold exactly
 * the rows it learnt from, row-aligned.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runAnalysis } from '../../src/analytics/analysis.ts';
import { Db } from '../../src/analytics/db.ts';
import { generateLmsData } from '../../src/analytics/generate.ts';
import { capTrainingRows } from '../../src/analytics/train-stage.ts';
import { readConfig } from '../../src/config.ts';
import { removeTempDirs, tempDir } from '../helpers/fs.ts';

afterAll(removeTempDirs);

type Row = Record<string, string>;
const readCsv = (path: string) => parse(readFileSync(path), { columns: true }) as Row[];

describe('capTrainingRows', () => {
  let db: Db;
  beforeAll(async () => {
    db = await Db.open({ tz: 'UTC' });
  });
  afterAll(async () => {
    await db.close();
  });

  /** 200 learners with 5..34 rows each (3,800 rows). */
  const makeTable = async (name: string) => {
    await db.run(
      `CREATE OR REPLACE TABLE ${name} AS
       SELECT 'u' || l AS user_id, w AS week_index
       FROM range(200) t(l), range(40) s(w) WHERE w < 5 + l % 30`,
    );
  };
  const rowsByLearner = async (name: string) =>
    new Map(
      (
        await db.all<{ user_id: string; n: bigint }>(
          `SELECT user_id, count(*) AS n FROM ${name} GROUP BY user_id`,
        )
      ).map((r) => [r.user_id, Number(r.n)]),
    );

  test('under the cap nothing is dropped', async () => {
    await makeTable('t_under');
    expect(await capTrainingRows(db, 't_under', 3800)).toBeNull();
    expect((await rowsByLearner('t_under')).size).toBe(200);
  });

  test('over the cap: whole learners kept, about cap rows, the same learners every time', async () => {
    await makeTable('t_a');
    await makeTable('t_b');
    const full = await rowsByLearner('t_a');
    const sample = await capTrainingRows(db, 't_a', 1000);
    await capTrainingRows(db, 't_b', 1000);
    expect(sample?.rows).toBe(3800);
    expect(sample?.learnerShare).toBeCloseTo(1000 / 3800, 5);
    const kept = await rowsByLearner('t_a');
    const keptRows = [...kept.values()].reduce((a, b) => a + b, 0);
    expect(sample?.keptRows).toBe(keptRows);
    // A sample of learners, not of rows: every kept learner keeps all of their rows.
    for (const [user, n] of kept) expect(n).toBe(full.get(user));
    // Roughly the cap (200 x 1000 / 3800 = 53 learners expected; a hash is not exact).
    expect(kept.size).toBeGreaterThan(30);
    expect(kept.size).toBeLessThan(75);
    expect([...(await rowsByLearner('t_b')).keys()].sort()).toEqual([...kept.keys()].sort());
  });
});

describe('a run whose training rows exceed LUMEN_MAX_TRAINING_ROWS', () => {
  let fullOut: string;
  let cappedOut: string;
  beforeAll(async () => {
    const dataDir = tempDir('lumen-sample-data-');
    fullOut = tempDir('lumen-sample-full-');
    cappedOut = tempDir('lumen-sample-capped-');
    await generateLmsData({ learners: 800, seed: 11, outDir: dataDir });
    await runAnalysis(readConfig({}), { dataDir, outDir: fullOut, train: true, score: true });
    const full = readCsv(join(fullOut, 'training_snapshots.csv')).length;
    await runAnalysis(readConfig({ LUMEN_MAX_TRAINING_ROWS: String(Math.floor(full / 2)) }), {
      dataDir,
      outDir: cappedOut,
      train: true,
      score: true,
    });
  }, 180_000);

  test('the card says so, and the files hold exactly the rows the fit learnt from, row-aligned', () => {
    const card = JSON.parse(readFileSync(join(cappedOut, 'model_card.json'), 'utf8'));
    const fullRows = readCsv(join(fullOut, 'training_snapshots.csv'));
    const rows = readCsv(join(cappedOut, 'training_snapshots.csv'));
    const oof = readCsv(join(cappedOut, 'oof_predictions.csv'));
    expect(card.training.sample.rows).toBe(fullRows.length);
    expect(card.training.sample.keptRows).toBe(rows.length);
    expect(card.training.rows).toBe(rows.length);
    expect(rows.length).toBeLessThan(0.75 * fullRows.length);
    expect(rows.length).toBeGreaterThan(0.25 * fullRows.length);
    expect(readFileSync(join(cappedOut, 'model_card.md'), 'utf8')).toContain(
      `the fit learnt from ${rows.length.toLocaleString('en-US')} of ${fullRows.length.toLocaleString('en-US')} enrolment-weeks`,
    );
    expect(oof.map((r) => [r.user_id, r.course_id, r.week_index, r.label])).toEqual(
      rows.map((r) => [r.user_id, r.course_id, r.week_index, r.label]),
    );
    // Whole learners: a kept learner's rows are all of their rows in the uncapped run.
    const key = (r: Row) => `${r.user_id}|${r.course_id}|${r.week_index}|${r.label}`;
    const kept = new Set(rows.map((r) => r.user_id));
    expect(rows.map(key)).toEqual(fullRows.filter((r) => kept.has(r.user_id ?? '')).map(key));
    // Scoring is not sampled: every open enrolment still gets a prediction.
    expect(readCsv(join(cappedOut, 'ML_Prediction.csv')).length).toBe(
      readCsv(join(fullOut, 'ML_Prediction.csv')).length,
    );
    const uncapped = JSON.parse(readFileSync(join(fullOut, 'model_card.json'), 'utf8'));
    expect(uncapped.training.sample).toBeNull();
  });
});
