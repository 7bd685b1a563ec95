/**
 * The drop-out rule measured per course, on a generated cohort export whose learners study in bursts
 * before deadlines (quiet gaps of 3-6 weeks) and whose true final results are known. The rule and
 * its evidence are recomputed here from the export's own rows, independently of the SQL.
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
const DAY_MS = 86_400_000;
/** M/D/YYYY (the export's dates) as a day number; null for anything else (dirty rows). */
function dayOf(text: string | undefined): number | null {
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec((text ?? '').trim());
  if (!match) return null;
  return Date.UTC(Number(match[3]), Number(match[1]) - 1, Number(match[2])) / DAY_MS;
}

afterAll(removeTempDirs);

let out: string;
let card: ModelCard;
let outcomes: Row[];
/** Each enrolment's true final result ("user|course" -> passed / failed / withdrawn / never_started). */
let truth: Map<string, string>;
/** Each learner's longest gap between two active days, per course, up to the model's as-of. */
let longest: Map<string, number[]>;
/** Learners (role learner/student) with at least one event up to the model's as-of, recounted here. */
let activeLearners: Set<string>;
let registeredLearners: Row[];
const FLOOR = 21;

beforeAll(async () => {
  const data = tempDir('lumen-dropout-data-');
  const truthPath = join(tempDir('lumen-dropout-truth-'), 'truth.csv');
  // A Sunday: the model's as-of is the export's last day.
  await generateLmsData({
    learners: 1200,
    seed: 13,
    outDir: data,
    style: 'cohort',
    // Outcomes inferred from activity: this is the rule that decides them without the file.
    enrolments: false,
    endDate: '2026-06-21',
    truthPath,
  });
  out = tempDir('lumen-dropout-out-');
  await runAnalysis(readConfig({ LUMEN_DUCKDB_THREADS: '1', LUMEN_DUCKDB_MEMORY: '1GB' }), {
    dataDir: data,
    outDir: out,
    train: true,
    score: true,
    charts: false,
  });
  card = JSON.parse(readFileSync(join(out, 'model_card.json'), 'utf8')) as ModelCard;
  outcomes = readCsv(join(out, 'learner_outcomes.csv'));
  truth = new Map(
    readCsv(truthPath).map((row) => [`${row.user_id}|${row.course_id}`, row.final_result ?? '']),
  );
  // Independent of the SQL: active days per learner and course from the raw files.
  const courseOf = new Map(
    readCsv(join(data, 'lms_modules.csv')).map((m) => [m.module_id?.trim(), m.course_id?.trim()]),
  );
  const learners = new Set(
    readCsv(join(data, 'lms_users.csv'))
      .filter((u) => ['learner', 'student'].includes((u.role ?? '').trim().toLowerCase()))
      .map((u) => u.user_id?.trim()),
  );
  const asOf = Date.parse(`${card.dataAsOf}T00:00:00Z`) / DAY_MS;
  const days = new Map<string, Set<number>>();
  for (const [file, column] of [
    ['lms_lesson_activity.csv', 'event_time'],
    ['lms_quiz_attempts.csv', 'attempt_date'],
  ] as const)
    for (const row of readCsv(join(data, file))) {
      const user = row.user_id?.trim() ?? '';
      const course = courseOf.get(row.module_id?.trim());
      const day = dayOf(row[column]);
      if (!learners.has(user) || !course || day === null || day > asOf) continue;
      const key = `${user}|${course}`;
      days.set(key, (days.get(key) ?? new Set()).add(day));
    }
  activeLearners = new Set([...days.keys()].map((key) => key.split('|')[0] ?? ''));
  registeredLearners = readCsv(join(data, 'lms_users.csv')).filter((u) =>
    ['learner', 'student'].includes((u.role ?? '').trim().toLowerCase()),
  );
  longest = new Map();
  for (const [key, set] of days) {
    const sorted = [...set].sort((a, b) => a - b);
    if (sorted.length < 2) continue;
    const gap = Math.max(...sorted.slice(1).map((d, i) => d - (sorted[i] as number)));
    const course = key.split('|')[1] ?? '';
    longest.set(course, [...(longest.get(course) ?? []), gap]);
  }
}, 180_000);

describe('drop-out after a silence measured per course', () => {
  test('each course gets its own rule from its learners, never below LUMEN_DROPOUT_DAYS, and the card says why', () => {
    expect(card.dropout?.floorDays).toBe(FLOOR);
    const rules = card.dropout?.courses ?? [];
    expect(rules.map((r) => r.courseId).sort()).toEqual([...longest.keys()].sort());
    for (const rule of rules) {
      const gaps = longest.get(rule.courseId) ?? [];
      expect(rule.learnersMeasured).toBe(gaps.length);
      expect(rule.source).toBe('course');
      expect(rule.dropoutDays).toBeGreaterThanOrEqual(FLOOR);
      // The evidence: learners who came back after a longer silence than the rule, recounted here.
      expect(rule.returnedAfterLonger).toBe(gaps.filter((g) => g > rule.dropoutDays).length);
      // The rule is the silence its learners rarely come back from: at most 5% came back later.
      expect(rule.returnedAfterLonger / rule.learnersMeasured).toBeLessThanOrEqual(0.05);
    }
    // Bursty study: quiet gaps of weeks between deadlines make every course's rule longer than 21 days.
    expect(Math.min(...rules.map((r) => r.dropoutDays))).toBeGreaterThan(28);
    expect(readFileSync(join(out, 'model_card.md'), 'utf8')).toContain(
      '## When a learner counts as dropped out',
    );
  });

  test("an enrolment is dropped after its course's rule; at most 5% of dropped enrolments passed, fewer than with a fixed 21 days", () => {
    const ruleOf = new Map((card.dropout?.courses ?? []).map((r) => [r.courseId, r.dropoutDays]));
    for (const o of outcomes) {
      expect(o.outcome_source).toBe('inferred');
      const rule = ruleOf.get(o.course_id ?? '') ?? Number.NaN;
      expect(Number(o.dropout_days)).toBe(rule);
      if (o.outcome === 'completed') continue;
      // Open while quiet for less than the rule, unless the course has ended.
      if (!o.outcome_rule?.startsWith('course ended'))
        expect(o.outcome).toBe(Number(o.days_inactive) >= rule ? 'dropped' : 'open');
    }
    const passed = (o: Row) => truth.get(`${o.user_id}|${o.course_id}`) === 'passed';
    const measured = outcomes.filter((o) => o.outcome === 'dropped');
    const fixed = outcomes.filter((o) => o.outcome !== 'completed' && Number(o.days_inactive) >= FLOOR);
    expect(measured.length).toBeGreaterThan(100);
    expect(measured.filter(passed).length / measured.length).toBeLessThanOrEqual(0.05);
    expect(measured.filter(passed).length).toBeLessThan(fixed.filter(passed).length);
  });

  test('learners registered with no activity at all are listed, newest registration first', () => {
    const listed = readCsv(join(out, 'never_active.csv'));
    const asOf = Date.parse(`${card.dataAsOf}T00:00:00Z`) / DAY_MS;
    const expected = registeredLearners
      .filter((u) => !activeLearners.has(u.user_id?.trim() ?? ''))
      .map((u) => ({ id: u.user_id?.trim() ?? '', registered: dayOf(u.created_at) }))
      .filter((u) => u.registered === null || u.registered <= asOf);
    expect(listed.length).toBeGreaterThan(20);
    expect(listed.map((r) => r.user_id).sort()).toEqual(expected.map((u) => u.id).sort());
    const days = listed.map((r) => Number(r.days_since_registration));
    expect(days).toEqual([...days].sort((a, b) => a - b));
    for (const row of listed)
      expect(Number(row.days_since_registration)).toBe(
        asOf - (expected.find((u) => u.id === row.user_id)?.registered ?? Number.NaN),
      );
  });
});
