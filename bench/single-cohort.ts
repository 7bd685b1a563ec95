/**
 * One running cohort on its own (issue 14's check): a generated cohort export cut down to a single
 * presentation, scored at the end of weeks 4, 8, 12 and 16 of it, judged against the generator's truth.
 * For each week: whether a list is published and by which target, the ranking AUC over all enrolled
 * learners (those not scored, never active without an enrolments file, ranked first), the same for a
 * logistic regression fitted on the TRUE final results (5-fold cross-validated, five simple cumulative
 * features: the bar to meet), the precision of the top 10% by risk, and the list's size and precision.
 *   npx tsx bench/single-cohort.ts [--learners 2000] [--seed 7] [--course C101-2025B] [--enrolments without] [--study bursty|steady] [--keep]
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'csv-stringify/sync';
import { PRESENTATIONS } from '../src/analytics/generate/cohort-catalog.ts';
import {
  fitLogisticRegression,
  fitStandardScaler,
  predictProba,
  standardize,
} from '../src/analytics/model/logreg.ts';
import { groupKFold, rocAuc, splitFold } from '../src/analytics/model/metrics.ts';
import { generateCohort, lumen, type Row, readCsv, runFile } from './kit.ts';

const { values } = parseArgs({
  options: {
    learners: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '7' },
    course: { type: 'string', default: 'C101-2025B' },
    enrolments: { type: 'string', default: 'without' },
    weeks: { type: 'string', default: '4,8,12,16' },
    keep: { type: 'boolean', default: false },
    study: { type: 'string', default: 'bursty' },
  },
});
const DAY = 86_400_000;
const dayOf = (text: string | undefined): number => {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})/.exec((text ?? '').trim());
  if (m) return Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2])) / DAY;
  const t = Date.parse((text ?? '').trim());
  return Number.isNaN(t) ? Number.NaN : Math.floor(t / DAY);
};
const iso = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);

const work = mkdtempSync(join(tmpdir(), 'lumen-single-cohort-'));
const full = join(work, 'full');
const truthPath = join(work, 'truth.csv');
generateCohort(
  {
    learners: String(values.learners),
    seed: String(values.seed),
    enrolments: 'with',
    out: full,
    truth: truthPath,
    study: String(values.study),
  },
  'pipe',
);
const course = String(values.course);
const truth = readCsv(truthPath).filter((r) => r.course_id === course);
const modules = readCsv(join(full, 'lms_modules.csv'));
const courseModules = new Set(
  modules.filter((m) => m.course_id?.trim() === course).map((m) => m.module_id?.trim()),
);
const courseRow = readCsv(join(full, 'lms_courses.csv')).find((c) => c.course_id?.trim() === course) as Row;
// The presentation's first Monday, from the generator's catalogue.
const start = Date.parse(`${PRESENTATIONS.find((p) => p.id === course)?.start ?? 'unknown'}T00:00:00Z`) / DAY;
if (!Number.isFinite(start)) throw new Error(`${course} is not a presentation of the cohort style`);

// The export of this presentation alone: its course, modules, events and enrolments; every user.
const data = join(work, 'data');
mkdirSync(data);
const write = (file: string, rows: Row[], header: string[]) =>
  writeFileSync(join(data, file), stringify(rows, { header: true, columns: header }));
const headerOf = (file: string) => readFileSync(join(full, file), 'utf8').split('\n')[0]?.split(',') ?? [];
write('lms_users.csv', readCsv(join(full, 'lms_users.csv')), headerOf('lms_users.csv'));
write('lms_courses.csv', [courseRow], headerOf('lms_courses.csv'));
write(
  'lms_modules.csv',
  modules.filter((m) => m.course_id?.trim() === course),
  headerOf('lms_modules.csv'),
);
const lessons = readCsv(join(full, 'lms_lesson_activity.csv')).filter((r) =>
  courseModules.has(r.module_id?.trim()),
);
const quizzes = readCsv(join(full, 'lms_quiz_attempts.csv')).filter((r) =>
  courseModules.has(r.module_id?.trim()),
);
write('lms_lesson_activity.csv', lessons, headerOf('lms_lesson_activity.csv'));
write('lms_quiz_attempts.csv', quizzes, headerOf('lms_quiz_attempts.csv'));
if (values.enrolments === 'with')
  write(
    'lms_enrolments.csv',
    readCsv(join(full, 'lms_enrolments.csv')).filter((e) => e.course_id === course),
    headerOf('lms_enrolments.csv'),
  );

/** Five simple cumulative features per enrolment at `asOf`, from the raw rows. */
function oracleFeatures(
  user: string,
  asOf: number,
  by: Map<string, { days: Set<number>; events: number; done: Set<string>; quiz: number[] }>,
) {
  const f = by.get(user);
  if (!f) return [0, 0, asOf - start, 0, 0];
  const last = Math.max(...f.days);
  const quiz = f.quiz.length ? f.quiz.reduce((a, b) => a + b, 0) / f.quiz.length : 0;
  return [f.days.size, f.events, asOf - last, f.done.size, quiz];
}

const results = [];
for (const week of String(values.weeks).split(',').map(Number)) {
  const asOf = start - ((new Date(start * DAY).getUTCDay() + 6) % 7) + 7 * week - 1; // Sunday ending week `week`
  const out = join(work, `out-${week}`);
  const printed = lumen(['run', '--data', data, '--out', out, '--as-of', iso(asOf)], 'pipe');
  let predictions: Row[] = [];
  try {
    predictions = readCsv(runFile(out, 'ML_Prediction.csv'));
  } catch {}
  const card = JSON.parse(readFileSync(runFile(out, 'model_card.json'), 'utf8'));
  // Enrolled by as-of (the truth knows every enrolment, including those never active).
  const enrolled = truth;
  const enrolledOn = new Map(
    readCsv(join(full, 'lms_enrolments.csv'))
      .filter((e) => e.course_id === course)
      .map((e) => [e.user_id ?? '', dayOf(e.enrolled_at)]),
  );
  const atAsOf = enrolled.filter(
    (t) => (enrolledOn.get(t.user_id ?? '') ?? Number.POSITIVE_INFINITY) <= asOf,
  );
  const y: number[] = atAsOf.map((t) => (t.final_result === 'passed' ? 0 : 1));
  const riskOf = new Map(predictions.map((p) => [p.user_id ?? '', Number(p.risk_score)]));
  // Not scored: never active without the file (listed programme-wide), or already decided: ranked first.
  const risk = atAsOf.map((t) => riskOf.get(t.user_id ?? '') ?? 1);
  // The bar: a logistic regression on the true results, cross-validated, five cumulative features.
  const by = new Map<string, { days: Set<number>; events: number; done: Set<string>; quiz: number[] }>();
  const touch = (u: string) => {
    const known = by.get(u);
    if (known) return known;
    const f = { days: new Set<number>(), events: 0, done: new Set<string>(), quiz: [] as number[] };
    by.set(u, f);
    return f;
  };
  for (const r of lessons) {
    const d = dayOf(r.event_time);
    if (!(d <= asOf)) continue;
    const f = touch(r.user_id?.trim() ?? '');
    f.days.add(d);
    f.events++;
    if (r.status?.trim() === 'completed') f.done.add(r.module_id?.trim() ?? '');
  }
  for (const r of quizzes) {
    const d = dayOf(r.attempt_date);
    if (!(d <= asOf)) continue;
    const f = touch(r.user_id?.trim() ?? '');
    f.days.add(d);
    f.events++;
    const s = Number(r.score);
    if (Number.isFinite(s)) f.quiz.push(s);
  }
  const X = atAsOf.map((t) => oracleFeatures(t.user_id ?? '', asOf, by));
  const folds = groupKFold(
    atAsOf.map((t) => t.user_id ?? ''),
    5,
    1,
  );
  const oof = new Array<number>(X.length).fill(0);
  for (let k = 0; k < 5; k++) {
    const { train, test } = splitFold(folds, k);
    const Xt = Array.from(train, (i) => X[i] as number[]);
    const scaler = fitStandardScaler(Xt);
    const fit = fitLogisticRegression(
      standardize(Xt, scaler),
      Array.from(train, (i) => y[i] as number),
      { C: 1 },
    );
    const p = predictProba(
      fit,
      standardize(
        Array.from(test, (i) => X[i] as number[]),
        scaler,
      ),
    );
    Array.from(test).forEach((i, j) => {
      oof[i] = p[j] as number;
    });
  }
  const order = risk.map((r, i) => [r, i] as const).sort((a, b) => b[0] - a[0]);
  const top = order.slice(0, Math.max(1, Math.round(order.length * 0.1)));
  const listed = predictions.filter((p) => p.at_risk === 'true');
  results.push({
    week,
    asOf: iso(asOf),
    published: predictions.length > 0,
    target: card.target ?? null,
    targetNote: card.targetNote ?? null,
    noList: predictions.length
      ? null
      : (printed.split('\n').find((l) => l.startsWith('No at-risk list')) ?? null),
    enrolled: atAsOf.length,
    baseRate: y.reduce((a, b) => a + b, 0) / y.length,
    rankingAuc: rocAuc(y, risk),
    truthLrAuc: rocAuc(y, oof),
    top10Precision: top.filter(([, i]) => y[i] === 1).length / top.length,
    listed: listed.length,
    listPrecision:
      listed.filter((p) => truth.find((t) => t.user_id === p.user_id)?.final_result !== 'passed').length /
      Math.max(1, listed.length),
  });
}
console.log(JSON.stringify({ settings: values, results }, null, 2));
if (values.keep) console.error(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });
