/**
 * A model carried to another export (issue 14 §2): trained on a cohort-style export (dated
 * presentations, bursty study before deadlines), it scores a self-paced export of other courses and
 * another intensity with `lumen score --model`. Its features are relative to each course's peers, so
 * it ranks the new courses sensibly, and each course's list stays at the course's capacity instead of
 * flagging nearly everyone. Judged against the outcomes the second export shows three months later.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, expect, test } from 'vitest';
import { runAnalysis } from '../../src/analytics/analysis.ts';
import { generateLmsData } from '../../src/analytics/generate.ts';
import { rocAuc } from '../../src/analytics/model/metrics.ts';
import { readConfig } from '../../src/config.ts';
import { removeTempDirs, tempDir } from '../helpers/fs.ts';

type Row = Record<string, string>;
const readCsv = (path: string) => parse(readFileSync(path), { columns: true }) as Row[];
const key = (r: Row) => `${r.user_id}|${r.course_id}`;
const config = readConfig({ LUMEN_DUCKDB_THREADS: '1', LUMEN_DUCKDB_MEMORY: '1GB' });

afterAll(removeTempDirs);

test('a model trained on cohort courses scores self-paced courses: lists at capacity, ranking better than chance', async () => {
  const cohort = tempDir('lumen-carry-cohort-');
  await generateLmsData({
    learners: 1200,
    seed: 31,
    outDir: cohort,
    style: 'cohort',
    enrolments: false,
    endDate: '2026-06-21',
  });
  const trained = tempDir('lumen-carry-model-');
  await runAnalysis(config, { dataDir: cohort, outDir: trained, train: true, score: false, charts: false });
  const model = join(trained, 'models', 'latest.json');
  const artifact = JSON.parse(readFileSync(model, 'utf8')) as {
    target: string;
    dataAsOf: string;
    version: string;
  };

  // Another export: the default style's six self-paced courses, scored after the model's data ended,
  // judged against what its own end (three months on) shows.
  const other = tempDir('lumen-carry-other-');
  await generateLmsData({ learners: 900, seed: 32, outDir: other, endDate: '2026-10-25' });
  const scored = tempDir('lumen-carry-scored-');
  const result = await runAnalysis(config, {
    dataDir: other,
    outDir: scored,
    asOf: '2026-07-26',
    train: false,
    score: true,
    modelPath: model,
    charts: false,
  });
  expect(result.noListReason).toBeNull();
  const final = tempDir('lumen-carry-final-');
  await runAnalysis(config, { dataDir: other, outDir: final, train: false, score: false, charts: false });
  const outcome = new Map(readCsv(join(final, 'learner_outcomes.csv')).map((r) => [key(r), r.outcome]));

  const predictions = readCsv(join(scored, 'ML_Prediction.csv'));
  expect(new Set(predictions.map((p) => p.target))).toEqual(new Set([artifact.target]));
  for (const course of new Set(predictions.map((p) => p.course_id))) {
    const rows = predictions.filter((p) => p.course_id === course);
    const listed = rows.filter((p) => p.at_risk === 'true' && p.never_active === 'false');
    expect(listed.length).toBeLessThanOrEqual(Math.max(5, Math.ceil(rows.length * 0.1)));
  }
  const listedShare = predictions.filter((p) => p.at_risk === 'true').length / predictions.length;
  expect(listedShare).toBeLessThan(0.2);
  // Prospective ranking of the enrolments decided by the second export's end.
  const decided = predictions.filter((p) => ['completed', 'dropped'].includes(outcome.get(key(p)) ?? ''));
  expect(decided.length).toBeGreaterThan(100);
  const auc = rocAuc(
    decided.map((p) => (outcome.get(key(p)) === 'dropped' ? 1 : 0)),
    decided.map((p) => Number(p.risk_score)),
  );
  expect(auc).toBeGreaterThan(0.7);

  // The run says what the model was trained on, and that it never saw these courses.
  const cohortCourses = [
    ...new Set(readCsv(join(cohort, 'lms_courses.csv')).map((c) => c.course_id?.trim())),
  ];
  const scoredCourses = [...new Set(predictions.map((p) => p.course_id))].sort();
  const summary = JSON.parse(readFileSync(join(scored, 'run_summary.json'), 'utf8')) as {
    scoredWith: string;
  };
  expect(summary.scoredWith).toBe(result.scoredWith);
  const said = new RegExp(
    `^Scored with model ${artifact.version} \\(target: ${artifact.target}\\), trained on data up to ${artifact.dataAsOf}: (\\d+) enrolments of (\\d+) learners in (\\d+) courses \\(.*\\); ${scoredCourses.length} of the ${scoredCourses.length} courses scored here were not in its training data: (.*)\\.$`,
  ).exec(summary.scoredWith);
  expect(said, summary.scoredWith).not.toBeNull();
  expect(Number(said?.[3])).toBeLessThanOrEqual(cohortCourses.length);
  expect(said?.[4]).toBe(scoredCourses.length <= 6 ? scoredCourses.join(', ') : said?.[4]);
  expect(readFileSync(join(scored, 'model_card.md'), 'utf8')).toContain(summary.scoredWith);
}, 300_000);
