/**
 * Outcomes and predictions per enrolment when the export holds lms_enrolments.csv: on a generated
 * cohort export whose true final results are known, every outcome comes from the file (exact
 * agreement with the truth for every status known by the as-of date), training rows stop before the
 * status became known, and enrolments without any activity are scored and head their course's list.
 * The expectations are recounted here from the raw files, independently of the SQL.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runAnalysis } from '../../src/analytics/analysis.ts';
import { generateLmsData } from '../../src/analytics/generate.ts';
import type { ModelCard } from '../../src/analytics/model/card.ts';
import { readConfig } from '../../src/config.ts';
import { removeTempDirs, tempDir } from '../helpers/fs.ts';

type Row = Record<string, string>;
const readCsv = (path: string) => parse(readFileSync(path), { columns: true }) as Row[];
const key = (r: Row) => `${r.user_id?.trim()}|${r.course_id?.trim()}`;
const DAY_MS = 86_400_000;
/** M/D/YYYY (the export's dates) as YYYY-MM-DD; null for anything else. */
function isoOf(text: string | undefined): string | null {
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec((text ?? '').trim());
  if (!match) return null;
  return new Date(Date.UTC(Number(match[3]), Number(match[1]) - 1, Number(match[2])))
    .toISOString()
    .slice(0, 10);
}

afterAll(removeTempDirs);

let data: string;
let out: string;
let asOf: string;
let truth: Map<string, Row>;
let fileRows: Map<string, Row>;
let outcomes: Row[];
let predictions: Row[];
/** Enrolments with at least one event on one of the course's modules up to as-of. */
let activeEnrolments: Set<string>;

beforeAll(async () => {
  data = tempDir('lumen-enrolments-data-');
  const truthPath = join(tempDir('lumen-enrolments-truth-'), 'truth.csv');
  // A Sunday: the model's as-of is the export's last day.
  await generateLmsData({
    learners: 1200,
    seed: 13,
    outDir: data,
    style: 'cohort',
    enrolments: true,
    endDate: '2026-06-21',
    truthPath,
  });
  out = tempDir('lumen-enrolments-out-');
  await runAnalysis(readConfig({ LUMEN_DUCKDB_THREADS: '1', LUMEN_DUCKDB_MEMORY: '1GB' }), {
    dataDir: data,
    outDir: out,
    train: true,
    score: true,
    charts: false,
  });
  asOf = (JSON.parse(readFileSync(join(out, 'model_card.json'), 'utf8')) as ModelCard).dataAsOf;
  truth = new Map(readCsv(truthPath).map((r) => [key(r), r]));
  fileRows = new Map(readCsv(join(data, 'lms_enrolments.csv')).map((r) => [key(r), r]));
  outcomes = readCsv(join(out, 'learner_outcomes.csv'));
  predictions = readCsv(join(out, 'ML_Prediction.csv'));
  const courseOf = new Map(
    readCsv(join(data, 'lms_modules.csv')).map((m) => [m.module_id?.trim(), m.course_id?.trim()]),
  );
  activeEnrolments = new Set();
  for (const [file, column] of [
    ['lms_lesson_activity.csv', 'event_time'],
    ['lms_quiz_attempts.csv', 'attempt_date'],
  ] as const)
    for (const row of readCsv(join(data, file))) {
      const day = isoOf(row[column]);
      const course = courseOf.get(row.module_id?.trim());
      if (day && course && day <= asOf) activeEnrolments.add(`${row.user_id?.trim()}|${course}`);
    }
}, 180_000);

describe('outcomes from lms_enrolments.csv', () => {
  test('every enrolment of the file that exists at as-of, and no other, has an outcome from the file', () => {
    const expected = [...fileRows.values()].filter((r) => (isoOf(r.enrolled_at) ?? '') <= asOf).map(key);
    expect(outcomes.map(key).sort()).toEqual(expected.sort());
    expect(new Set(outcomes.map((o) => o.outcome_source))).toEqual(new Set(['enrolments file']));
  });

  test('exact agreement with the true final result for every status known by as-of; the rest stay open', () => {
    let known = 0;
    for (const o of outcomes) {
      const row = fileRows.get(key(o)) as Row;
      const statusOn = isoOf(row.status_at);
      const result = truth.get(key(o))?.final_result;
      if (statusOn && statusOn <= asOf && row.status !== 'active') {
        known++;
        expect(o.outcome).toBe(result === 'passed' ? 'completed' : 'dropped');
        expect(o.outcome === 'completed' ? o.completed_at : o.dropped_at).toBe(statusOn);
        expect(o.outcome_rule).toBe(
          `status ${row.status === 'passed' ? 'completed' : row.status} on ${statusOn}`,
        );
      } else {
        expect(o.outcome).toBe('open');
      }
    }
    expect(known).toBeGreaterThan(300);
  });

  test('training rows only use weeks that ended before the status became known', () => {
    const decided = new Map(outcomes.map((o) => [key(o), o.completed_at || o.dropped_at]));
    const enrolledOn = new Map(outcomes.map((o) => [key(o), o.enrolled_on]));
    const rows = readCsv(join(out, 'training_snapshots.csv'));
    const weeks = readCsv(join(out, 'oof_predictions.csv'));
    expect(weeks).toHaveLength(rows.length);
    for (const row of rows) {
      const known = decided.get(key(row)) as string;
      const enrolled = enrolledOn.get(key(row)) as string;
      // week_index 1 is the week of enrolment: its Sunday is at most 6 days after enrolled_on.
      const mondayOfEnrolment = Date.parse(`${enrolled}T00:00:00Z`) / DAY_MS;
      const weekEnd =
        mondayOfEnrolment -
        ((new Date(mondayOfEnrolment * DAY_MS).getUTCDay() + 6) % 7) +
        7 * Number(row.week_index) -
        1;
      expect(weekEnd).toBeLessThan(Date.parse(`${known}T00:00:00Z`) / DAY_MS);
    }
  });
});

describe('never-active enrolments', () => {
  test('every open enrolment without activity in its course is scored, flagged as never active, with its wait in days', () => {
    const open = outcomes.filter((o) => o.outcome === 'open');
    const expected = open.filter((o) => !activeEnrolments.has(key(o))).map(key);
    const listed = predictions.filter((p) => p.never_active === 'true');
    expect(expected.length).toBeGreaterThan(10);
    expect(listed.map(key).sort()).toEqual(expected.sort());
    for (const p of listed) {
      const enrolled = isoOf(fileRows.get(key(p))?.enrolled_at) as string;
      const days = (Date.parse(`${asOf}T00:00:00Z`) - Date.parse(`${enrolled}T00:00:00Z`)) / DAY_MS;
      expect(p.enrolled_on).toBe(enrolled);
      expect((p.top_drivers ?? '').split('; ')[0]).toBe(
        `enrolled ${enrolled}, no activity in ${days} ${days === 1 ? 'day' : 'days'}`,
      );
      // Nearly all of them never pass: the strongest early signal there is.
    }
    const passed = listed.filter((p) => truth.get(key(p))?.final_result === 'passed').length;
    expect(passed / listed.length).toBeLessThan(0.1);
  });

  test("they head their course's rows; then the course's learners by risk", () => {
    const courses = [...new Set(predictions.map((p) => p.course_id))];
    expect(courses).toEqual([...courses].sort());
    for (const course of courses) {
      const rows = predictions.filter((p) => p.course_id === course);
      const firstActive = rows.findIndex((p) => p.never_active === 'false');
      const lastNever = rows.map((p) => p.never_active).lastIndexOf('true');
      if (firstActive >= 0 && lastNever >= 0) expect(lastNever).toBeLessThan(firstActive);
      const risks = rows.filter((p) => p.never_active === 'false').map((p) => Number(p.risk_score));
      expect(risks).toEqual([...risks].sort((a, b) => b - a));
    }
  });

  test('a learner enrolled in two running courses has one row per course, each with its own risk', () => {
    const byLearner = new Map<string, Row[]>();
    for (const p of predictions)
      byLearner.set(p.user_id ?? '', [...(byLearner.get(p.user_id ?? '') ?? []), p]);
    const twice = [...byLearner.values()].filter((rows) => rows.length > 1);
    expect(twice.length).toBeGreaterThan(5);
    expect(twice.some(([a, b]) => a?.risk_score !== b?.risk_score)).toBe(true);
    // never_active.csv: learners with no enrolment and no activity only.
    const enrolledLearners = new Set([...fileRows.values()].map((r) => r.user_id?.trim()));
    for (const row of readCsv(join(out, 'never_active.csv')))
      expect(enrolledLearners.has(row.user_id)).toBe(false);
  });
});
