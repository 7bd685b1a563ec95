import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runAnalysis } from '../../src/analytics/analysis.ts';
import { Db } from '../../src/analytics/db.ts';
import { buildWeeklyFeatures } from '../../src/analytics/features.ts';
import { buildEnrolmentWeeks, buildOutcomes } from '../../src/analytics/pipeline.ts';
import { validateData } from '../../src/analytics/validate.ts';
import { readConfig } from '../../src/config.ts';
import { writeDataset } from '../helpers/dataset.ts';
import { readSimpleCsv, removeTempDirs, tempDir } from '../helpers/fs.ts';

afterAll(removeTempDirs);

/** An export of one course, C1 (modules M1 and M2), and the learners with these ids. */
function oneCourseExport(ids: string[], lessons: string[][], quizzes: string[][]): string {
  return writeDataset(tempDir(), {
    users: ids.map((id) => [id, id, id, `${id}@example.org`, 'R', 'learner', '1/5/2026', '1/6/2026']),
    courses: [['C1', 'Course one', 'Cat', '1/1/2026']],
    modules: [
      ['M1', 'C1', 'One', '1'],
      ['M2', 'C1', 'Two', '2'],
    ],
    lessons,
    quizzes,
  });
}

describe('learner outcomes and training snapshots, worked out by hand', async () => {
  // C1 has modules M1, M2; C2 has M3. As of Thursday 2026-04-30, dropout after 21 inactive days. The
  // model sees complete weeks: outcomes are as of Sunday 2026-04-26 (src/analytics/weeks.ts).
  const dir = writeDataset(tempDir(), {
    users: [
      ['U1', 'Ada', 'Lovelace', 'ada@example.org', 'Research', 'learner', '1/5/2026', '1/6/2026'],
      ['U2', 'Alan', 'Turing', 'alan@example.org', 'Research', 'learner', '1/5/2026', '1/6/2026'],
      ['U3', 'Grace', 'Hopper', 'grace@example.org', 'IT', 'Student', '1/5/2026', '1/6/2026'],
    ],
    courses: [
      ['C1', 'Course one', 'Cat', '1/1/2026'],
      ['C2', 'Course two', 'Cat', '1/1/2026'],
    ],
    modules: [
      ['M1', 'C1', 'One', '1'],
      ['M2', 'C1', 'Two', '2'],
      ['M3', 'C2', 'Three', '1'],
    ],
    lessons: [
      ['A1', 'U1', 'M1', 'completed', '100', '3/2/2026'],
      ['A2', 'U1', 'M2', 'in_progress', '50', '3/4/2026'],
      ['A3', 'U1', 'M2', 'completed', '100', '3/10/2026'],
      ['A4', 'U1', 'M2', 'completed', '100', '3/12/2026'], // a repeat: the first completion counts
      ['A5', 'U2', 'M1', 'completed', '100', '3/2/2026'],
      ['A6', 'U2', 'M3', 'started', '10', '3/3/2026'],
      ['A7', 'U3', 'M3', 'started', '20', '4/20/2026'],
    ],
    quizzes: [['Q1', 'U1', 'M1', '80', '3/3/2026']],
  });
  const out = tempDir();
  await runAnalysis(readConfig({}), {
    dataDir: dir,
    outDir: out,
    asOf: '2026-04-30',
    train: true,
    score: true,
  });
  const outcomes = readSimpleCsv(join(out, 'learner_outcomes.csv'));
  const snapshots = readSimpleCsv(join(out, 'training_snapshots.csv'));

  test('one row per enrolment: completed when every module of the course has a completion; dropped after 21 idle days in it', () => {
    expect(
      outcomes.map((o) => [
        o.user_id,
        o.course_id,
        o.required_modules,
        o.modules_completed,
        o.completed_at,
        o.outcome,
      ]),
    ).toEqual([
      ['U1', 'C1', '2', '2', '2026-03-10', 'completed'],
      // U2 is in two courses, and quiet in each for longer than the rule: two dropped enrolments.
      ['U2', 'C1', '2', '1', '', 'dropped'],
      ['U2', 'C2', '1', '0', '', 'dropped'],
      ['U3', 'C2', '1', '0', '', 'open'],
    ]);
    expect(
      outcomes.map((o) => [o.enrolled_on, o.first_event, o.last_event, o.days_inactive, o.dropped_at]),
    ).toEqual([
      ['2026-03-02', '2026-03-02', '2026-03-12', '45', ''],
      ['2026-03-02', '2026-03-02', '2026-03-02', '55', '2026-03-23'],
      ['2026-03-03', '2026-03-03', '2026-03-03', '54', '2026-03-24'],
      ['2026-04-20', '2026-04-20', '2026-04-20', '6', ''],
    ]);
    // Without lms_enrolments.csv every outcome is inferred, and says by which rule.
    expect(outcomes.map((o) => [o.outcome_source, o.outcome_rule])).toEqual([
      ['inferred', 'all 2 required modules completed'],
      ['inferred', "no activity in the course for 21+ days (the course's drop-out rule)"],
      ['inferred', "no activity in the course for 21+ days (the course's drop-out rule)"],
      ['inferred', ''],
    ]);
  });

  test('training rows stop before the outcome was known', () => {
    // U1 in C1: weeks ending before 3/10 -> the week of 3/2 only. U2: weeks ending before 3/2 + 21 =
    // 3/23 in C1, before 3/3 + 21 = 3/24 in C2.
    expect(snapshots.map((s) => [s.user_id, s.course_id, s.week_index, s.label])).toEqual([
      ['U1', 'C1', '1', '1'],
      ['U2', 'C1', '1', '0'],
      ['U2', 'C1', '2', '0'],
      ['U2', 'C1', '3', '0'],
      ['U2', 'C2', '1', '0'],
      ['U2', 'C2', '2', '0'],
      ['U2', 'C2', '3', '0'],
    ]);
    // To date at the end of U2's first week in C1: one of its two required modules done.
    expect(snapshots[1]).toMatchObject({ share_required_completed: '0.5' });
    // No quiz in U2's weeks: the average is imputed with the training mean (80) and flagged.
    expect(snapshots[1]).toMatchObject({ cum_avg_quiz_score: '80.0', cum_avg_quiz_score_missing: '1' });
    // A course's features count that course's events only: U2's week in C2 (its one lesson row on
    // Tuesday 3/3) ends five days after it; nothing of C2 completed.
    expect(Number(snapshots[4]?.days_inactive_log)).toBeCloseTo(Math.log(6), 12);
    expect(snapshots[4]).toMatchObject({ share_required_completed: '0.0' });
  });
});

describe("each course's completion rule and end date, worked out by hand", async () => {
  // C1: any 2 of its 4 modules (modules_required). C2: M5 required, M6 marked required = false;
  // ended 4/15. C3: modules_required 'x' is not a number: warned, every module counts. As of Sunday
  // 2026-04-26; the drop-out floor (21 days) applies: too few learners to measure a course's gaps.
  const dir = writeDataset(tempDir(), {
    headers: {
      courses: 'course_id,course_name,category ,created_at,modules_required,ends_at',
      modules: 'module_id,course_id,module_name,sequence_no,required',
    },
    users: ['U1', 'U2', 'U3', 'U4', 'U5'].map((id) => [
      id,
      'A',
      id,
      `${id}@example.org`,
      'R',
      'learner',
      '1/5/2026',
      '1/6/2026',
    ]),
    courses: [
      ['C1', 'Any two of four', 'Cat', '1/1/2026', '2', ''],
      ['C2', 'Ends in April', 'Cat', '1/1/2026', '', '4/15/2026'],
      ['C3', 'Bad rule', 'Cat', '1/1/2026', 'x', ''],
    ],
    modules: [
      ['M1', 'C1', 'One', '1', ''],
      ['M2', 'C1', 'Two', '2', ''],
      ['M3', 'C1', 'Three', '3', ''],
      ['M4', 'C1', 'Four', '4', ''],
      ['M5', 'C2', 'Five', '1', 'true'],
      ['M6', 'C2', 'Six (optional)', '2', 'false'],
      ['M7', 'C3', 'Seven', '1', ''],
    ],
    lessons: [
      ['A1', 'U1', 'M1', 'completed', '100', '3/2/2026'],
      ['A2', 'U1', 'M3', 'completed', '100', '3/9/2026'], // C1's second module: its rule is met
      ['A3', 'U2', 'M5', 'completed', '100', '3/3/2026'], // C2 done: M6 does not count
      ['A4', 'U2', 'M2', 'completed', '100', '4/20/2026'], // C1: one of two, still studying
      ['A5', 'U3', 'M5', 'started', '10', '3/2/2026'], // silent for 55 days: dropped on 3/23
      ['A6', 'U4', 'M5', 'started', '10', '4/10/2026'], // 16 days quiet, but C2 ended on 4/15
      ['A7', 'U5', 'M7', 'completed', '100', '4/1/2026'],
    ],
    quizzes: [],
  });
  const out = tempDir();
  await runAnalysis(readConfig({}), {
    dataDir: dir,
    outDir: out,
    asOf: '2026-04-26',
    train: true,
    score: true,
  });
  const outcomes = readSimpleCsv(join(out, 'learner_outcomes.csv'));

  test('N of M, optional modules, and an ended course decide completed / dropped / open', () => {
    expect(
      outcomes.map((o) => [
        o.user_id,
        o.course_id,
        o.required_modules,
        o.modules_completed,
        o.completed_at,
        o.dropped_at,
        o.outcome,
      ]),
    ).toEqual([
      ['U1', 'C1', '2', '2', '2026-03-09', '', 'completed'],
      // U2 finished C2 (M6 does not count) and is still studying C1: each enrolment has its own outcome.
      ['U2', 'C1', '2', '1', '', '', 'open'],
      ['U2', 'C2', '1', '1', '2026-03-03', '', 'completed'],
      ['U3', 'C2', '1', '0', '', '2026-03-23', 'dropped'],
      ['U4', 'C2', '1', '0', '', '2026-04-16', 'dropped'],
      ['U5', 'C3', '1', '1', '2026-04-01', '', 'completed'],
    ]);
    expect(outcomes.map((o) => o.outcome_rule)).toEqual([
      '2 of 4 modules completed (modules_required)',
      '',
      'its 1 required module completed',
      "no activity in the course for 21+ days (the course's drop-out rule)",
      'course ended 2026-04-15 unfinished',
      'its 1 required module completed',
    ]);
  });

  test('a modules_required that is not a number is reported with its line', () => {
    const quality = JSON.parse(readFileSync(join(out, 'data_quality.json'), 'utf8')) as {
      warnings: { file: string; check: string; rows: number; firstLines: number[] }[];
    };
    const warning = quality.warnings.find((w) => w.check.startsWith('modules_required not a whole number'));
    expect(warning).toMatchObject({ file: 'lms_courses.csv', rows: 1, firstLines: [4] });
  });
});

/**
 * A DuckDB holding a one-course export's enrolment weeks (validated, features, outcomes, snapshots) as
 * of `asOf`, closed after the file's tests.
 */
async function enrolmentWeeksAsOf(dir: string, asOf: string): Promise<Db> {
  const db = await Db.open({ tz: 'UTC' });
  afterAll(() => db.close());
  await validateData(db, { dataDir: dir, tz: 'UTC', asOf });
  await buildWeeklyFeatures(db, asOf);
  await buildOutcomes(db, readConfig({}), asOf, false);
  await buildEnrolmentWeeks(db, asOf);
  return db;
}

describe('the disengagement label, worked out by hand', async () => {
  // One course, weeks of 3/2 .. 3/29 (as of Sunday 3/29), horizon 14 days. In the two weeks after
  // their first week (3/9-3/22): A and D take part and score well, B takes part and scores 10 (below
  // the course's lower quartile of quiz scores), C is silent.
  const day = (d: number) => `3/${d}/2026`;
  const lessons: string[][] = [];
  const quizzes: string[][] = [];
  let n = 0;
  for (const [user, days, score] of [
    ['A', [2, 10, 17, 24], '80'],
    ['B', [2, 10, 17, 24], '10'],
    ['C', [2], '70'],
    ['D', [3, 11, 18, 25], '90'],
  ] as const) {
    for (const d of days) {
      n++;
      lessons.push([`L${n}`, user, 'M1', 'in_progress', '50', day(d)]);
      quizzes.push([`Q${n}`, user, 'M1', d === 2 || d === 3 ? '75' : score, day(d)]);
    }
  }
  const dir = oneCourseExport(['A', 'B', 'C', 'D'], lessons, quizzes);
  const db = await enrolmentWeeksAsOf(dir, '2026-03-29');
  await db.materialize('early_training_snapshots', { as_of: '2026-03-29', horizon: 14 });

  test('active again and not scoring low = 1; silent, or scoring below the lower quartile = 0', async () => {
    const rows = await db.all<{ user_id: string; week_index: bigint; label: number }>(
      'SELECT user_id, week_index, label FROM early_training_snapshots ORDER BY user_id, week_index',
    );
    // Weeks ending 3/8 and 3/15 can be judged (their next 14 days end by 3/29); C's enrolment is
    // dropped by then? No: 21 quiet days from 3/2 is 3/23, so C's weeks before 3/23 count.
    expect(rows.map((r) => [r.user_id, Number(r.week_index), Number(r.label)])).toEqual([
      ['A', 1, 1],
      ['A', 2, 1],
      ['B', 1, 0],
      ['B', 2, 0],
      ['C', 1, 0],
      ['C', 2, 0],
      ['D', 1, 1],
      ['D', 2, 1],
    ]);
  });
});

describe('the disengagement rows start when the course began, worked out by hand', async () => {
  // One course, as of Sunday 3/29, horizon 14 days. P browses on 2/2, a month before the cohort starts
  // in the week of 3/2 with P and five others (A-E), each active on 3/3, 3/10, 3/17 and 3/24.
  // P's weeks of 2/2-2/23 are its only started rows then (fewer than 5 a week), so the course begins
  // in the week of 3/2 (6 started, all active again): P's four weeks before it are left out.
  const ids = ['A', 'B', 'C', 'D', 'E', 'P'];
  const lessons: string[][] = [];
  let n = 0;
  for (const user of ids) {
    for (const d of user === 'P' ? ['2/2', '3/3', '3/10', '3/17', '3/24'] : ['3/3', '3/10', '3/17', '3/24']) {
      n++;
      lessons.push([`L${n}`, user, 'M1', 'in_progress', '50', `${d}/2026`]);
    }
  }
  const dir = oneCourseExport(ids, lessons, []);
  const db = await enrolmentWeeksAsOf(dir, '2026-03-29');
  await db.materialize('early_training_snapshots', { as_of: '2026-03-29', horizon: 14 });

  test("P's weeks before the start are left out; every learner's weeks from it are kept", async () => {
    const rows = await db.all<{ user_id: string; week_start: string; label: number }>(
      "SELECT user_id, strftime(week_start, '%m/%d') AS week_start, label FROM early_training_snapshots ORDER BY user_id, week_start",
    );
    // Weeks ending 3/8 and 3/15 can be judged (their next 14 days end by 3/29).
    expect(rows.map((r) => [r.user_id, r.week_start, Number(r.label)])).toEqual(
      ids.flatMap((id) => [
        [id, '03/02', 1],
        [id, '03/09', 1],
      ]),
    );
    // Without the start rule P's weeks of 2/2 and 2/9 would be there: quiet for the next 14 days.
    const [before] = await db.all<{ n: bigint }>(
      "SELECT count(*) AS n FROM enrolment_week_snapshots WHERE user_id = 'P' AND week_start < DATE '2026-03-02'",
    );
    expect(Number(before?.n)).toBe(4);
  });
});

describe('progress per lesson step, worked out by hand', async () => {
  // On each module a learner's gain so far is the highest in-progress progress so far minus the lowest
  // progress of a started or in-progress row so far; the steps are the in-progress rows. M1: U1 0 (started), 10, 20 on
  // Monday 3/2, 20 on Tuesday (a step that gains nothing), completed on 3/4 (not a step); U2 0
  // (started) and 20 on Tuesday, then 40 and a reset to 30 in the week of 3/9 (two steps, 20 more).
  // M2 (week of 3/9): U1 0 (started 3/4), then 5 and 20; U2 has no started row: 10 then 20 (two steps
  // that gain 10 from its lowest row).
  const dir = oneCourseExport(
    ['U1', 'U2'],
    [
      ['A1', 'U1', 'M1', 'started', '0', '3/2/2026'],
      ['A2', 'U1', 'M1', 'in_progress', '10', '3/2/2026'],
      ['A3', 'U1', 'M1', 'in_progress', '20', '3/2/2026'],
      ['A4', 'U1', 'M1', 'in_progress', '20', '3/3/2026'],
      ['A5', 'U1', 'M1', 'completed', '100', '3/4/2026'],
      ['A6', 'U1', 'M2', 'started', '0', '3/4/2026'],
      ['A7', 'U1', 'M2', 'in_progress', '5', '3/10/2026'],
      ['A8', 'U1', 'M2', 'in_progress', '20', '3/11/2026'],
      ['A9', 'U2', 'M1', 'started', '0', '3/3/2026'],
      ['A10', 'U2', 'M1', 'in_progress', '20', '3/3/2026'],
      ['A11', 'U2', 'M1', 'in_progress', '40', '3/10/2026'],
      ['A12', 'U2', 'M1', 'in_progress', '30', '3/11/2026'],
      ['A13', 'U2', 'M2', 'in_progress', '10', '3/11/2026'],
      ['A14', 'U2', 'M2', 'in_progress', '20', '3/12/2026'],
    ],
    [],
  );
  const db = await enrolmentWeeksAsOf(dir, '2026-03-22');

  test('progress gained per in-progress row against the typical gain on the module as known that week', async () => {
    const rows = await db.all<{ user_id: string; week_index: bigint; progress_per_step: number | null }>(
      'SELECT user_id, week_index, progress_per_step FROM enrolment_week_snapshots ORDER BY user_id, week_index',
    );
    // Typical gain per step: M1 in the week of 3/2 (20 + 20) / (3 + 1) = 10, in the week of 3/9
    // (20 + 20 + 20) / (3 + 1 + 2) = 10; M2 in the week of 3/9 (20 + 10) / (2 + 2) = 7.5.
    // U1: week 1 M1 20/10 over 3 steps -> 2/3; week 2 adds M2 20/7.5 over 2 -> (2 + 8/3) / 5 = 14/15.
    // U2: week 1 20/10 over 1 -> 2; week 2 adds M1 20/10 over 2 and M2 10/7.5 over 2 -> (16/3) / 5.
    // Later weeks never change an earlier week's typical gain: a snapshot stays as it was.
    expect(rows.map((r) => [r.user_id, Number(r.week_index), r.progress_per_step])).toEqual([
      ['U1', 1, expect.closeTo(2 / 3, 9)],
      ['U1', 2, expect.closeTo(14 / 15, 9)],
      ['U1', 3, expect.closeTo(14 / 15, 9)],
      ['U2', 1, 2],
      ['U2', 2, expect.closeTo(16 / 15, 9)],
      ['U2', 3, expect.closeTo(16 / 15, 9)],
    ]);
  });
});
