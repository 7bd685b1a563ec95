import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runFeatures } from '../../src/analytics/pipeline.ts';
import { readConfig } from '../../src/config.ts';
import { writeDataset } from '../helpers/dataset.ts';
import { readSimpleCsv, removeTempDirs, SAMPLE_DIR, tempDir } from '../helpers/fs.ts';

afterAll(removeTempDirs);

const SIX = [
  'user_id',
  'week_start',
  'week_index',
  'sessions',
  'avg_progress',
  'modules_completed',
  'avg_quiz_score',
  'active_days',
  'inactivity_days',
] as const;

async function features(dataDir: string, env: Record<string, string> = {}, asOf?: string) {
  const out = tempDir('lumen-out-');
  const result = await runFeatures(readConfig(env), { dataDir, outDir: out, asOf });
  const rows = readSimpleCsv(join(out, 'weekly_behavioral_features.csv'));
  return { result, rows, out };
}

function pick(rows: Record<string, string>[], userId: string): string[][] {
  // DuckDB writes whole doubles as "20.0": compare numbers as numbers.
  const tidy = (v: string) => (v !== '' && /^-?\d+(\.\d+)?$/.test(v) ? String(Number(v)) : v);
  return rows.filter((r) => r.user_id === userId).map((r) => SIX.map((c) => tidy(r[c] ?? '')));
}

describe('weekly features of the real sample export', async () => {
  const { result, rows, out } = await features(SAMPLE_DIR);

  test('starts with the nine contract columns, in order', () => {
    const header = Object.keys(rows[0] ?? {});
    expect(header.slice(0, 9)).toEqual([...SIX]);
  });

  test('drops the 11 staff accounts and their 39 lesson and 24 quiz rows', () => {
    const { report } = result;
    expect(report.learners).toEqual({ kept: 39, staffExcluded: 11, active: 39 });
    const file = (name: string) => report.files.find((f) => f.file === name);
    expect(file('lms_users.csv')?.excluded).toMatchObject([{ reason: 'staff_account', rows: 11 }]);
    expect(file('lms_lesson_activity.csv')?.excluded).toMatchObject([{ reason: 'staff_account', rows: 39 }]);
    expect(file('lms_quiz_attempts.csv')?.excluded).toMatchObject([{ reason: 'staff_account', rows: 24 }]);
    expect(report.asOf).toBe('2026-02-18');
    expect(out).toBeTruthy();
  });

  // Worked out by hand from the export (as of Wed 2026-02-18; weeks start on Monday).
  test('U001: three weeks, completions in weeks 2 and 3', () => {
    // Lessons 2/2 23.31, 2/4 74.92, 2/12 completed M002 70.52, 2/16 completed M011 31.6; quiz 2/5 73.24.
    expect(pick(rows, 'U001')).toEqual([
      ['U001', '2026-02-02', '1', '3', '49.115', '0', '73.24', '3', '3'],
      ['U001', '2026-02-09', '2', '1', '70.52', '1', '', '1', '3'],
      ['U001', '2026-02-16', '3', '1', '31.6', '1', '', '1', '2'],
    ]);
  });

  test('U007: first event on a Sunday opens the week of Monday 1/26', () => {
    // Lesson 2/1 30.17; quizzes 2/3 92.89, 2/5 74.76, 2/6 74.78, 2/7 65.1 (mean 76.8825);
    // lesson 2/11 25.7 and quiz 2/14 28.19; lesson 2/17 completed M008.
    const got = pick(rows, 'U007');
    expect(got.map((r) => r.slice(0, 4))).toEqual([
      ['U007', '2026-01-26', '1', '1'],
      ['U007', '2026-02-02', '2', '4'],
      ['U007', '2026-02-09', '3', '2'],
      ['U007', '2026-02-16', '4', '1'],
    ]);
    expect(Number(got[1]?.[6])).toBeCloseTo(76.8825, 9);
    expect(got.map((r) => [r[4], r[5], r[7], r[8]])).toEqual([
      ['30.17', '0', '1', '0'],
      ['', '0', '4', '1'],
      ['25.7', '0', '2', '1'],
      ['33.46', '1', '1', '1'],
    ]);
  });

  test('U003: an empty as-of week is still on the grid', () => {
    // Only a quiz on 2/12 (84.55): week 2/16-2/18 has no events, inactive 6 days at as-of.
    expect(pick(rows, 'U003')).toEqual([
      ['U003', '2026-02-09', '1', '1', '', '0', '84.55', '1', '3'],
      ['U003', '2026-02-16', '2', '0', '', '0', '', '0', '6'],
    ]);
  });

  test('the grid has one row per learner-week from first event to the as-of week', () => {
    const byUser = new Map<string, Record<string, string>[]>();
    for (const row of rows) byUser.set(row.user_id ?? '', [...(byUser.get(row.user_id ?? '') ?? []), row]);
    expect(byUser.size).toBe(39);
    for (const weeks of byUser.values()) {
      expect(weeks.at(-1)?.week_start).toBe('2026-02-16');
      weeks.forEach((w, i) => {
        expect(Number(w.week_index)).toBe(i + 1);
        if (i > 0) {
          const gap = Date.parse(w.week_start ?? '') - Date.parse(weeks[i - 1]?.week_start ?? '');
          expect(gap).toBe(7 * 86_400_000);
        }
      });
    }
  });
});

describe('sessions, active days and time zones with times of day', () => {
  const quiz = (id: string, user: string, score: string, at: string) => [id, user, 'M1', score, at];
  const lesson = (id: string, user: string, status: string, progress: string, at: string) => [
    id,
    user,
    'M1',
    status,
    progress,
    at,
  ];

  test('a gap of exactly 30 minutes continues a session; 31 minutes starts one', async () => {
    const dir = writeDataset(tempDir(), {
      lessons: [
        lesson('A1', 'U1', 'started', '10', '2026-03-02T10:00:00Z'),
        lesson('A2', 'U1', 'in progress', '20', '2026-03-02T10:30:00Z'),
        lesson('A3', 'U1', 'In-Progress', '30', '2026-03-02T11:01:00Z'),
      ],
      quizzes: [quiz('Q1', 'U1', '50', '2026-03-02 11:20')],
    });
    const { rows } = await features(dir);
    expect(pick(rows, 'U1')).toEqual([['U1', '2026-03-02', '1', '2', '20', '0', '50', '1', '0']]);
  });

  test('a session crossing midnight into Monday gives Monday an active day and no session start', async () => {
    const dir = writeDataset(tempDir(), {
      lessons: [
        lesson('A1', 'U1', 'started', '10', '2026-03-08T23:50:00Z'), // Sunday
        lesson('A2', 'U1', 'completed', '100', '2026-03-09T00:10:00Z'), // Monday, 20 minutes later
      ],
      quizzes: [quiz('Q1', 'U1', '70', '2026-03-08T23:55:00+00:00')],
    });
    const { rows } = await features(dir);
    expect(pick(rows, 'U1')).toEqual([
      ['U1', '2026-03-02', '1', '1', '10', '0', '70', '1', '0'],
      ['U1', '2026-03-09', '2', '0', '100', '1', '', '1', '0'],
    ]);
  });

  test('offsets are converted to LUMEN_TZ before the date is taken; naive times are in LUMEN_TZ', async () => {
    const dir = writeDataset(tempDir(), {
      lessons: [
        // 03:30 UTC on Monday 3/9 is 23:30 on Sunday 3/8 in New York (EDT from 3/8).
        lesson('A1', 'U1', 'started', '10', '2026-03-09T03:30:00Z'),
        // Naive: 23:45 New York time on Sunday, 15 minutes later: same session.
        lesson('A2', 'U1', 'started', '30', '2026-03-08 23:45'),
        // +0530 offset: 09:40 in India is 00:10 on Monday in New York, 25 minutes on: same session.
        lesson('A3', 'U1', 'started', '50', '2026-03-09T09:40+0530'),
      ],
      quizzes: [quiz('Q1', 'U1', '80', '2026-03-09T05:00+03')], // 22:00 Sunday in New York
    });
    const { rows } = await features(dir, { LUMEN_TZ: 'America/New_York' });
    expect(pick(rows, 'U1')).toEqual([
      ['U1', '2026-03-02', '1', '2', '20', '0', '80', '1', '0'],
      ['U1', '2026-03-09', '2', '0', '50', '0', '', '1', '0'],
    ]);
    // The same data read in UTC: every event is on Monday 3/9 or Sunday 3/8 at 19:00.
    const utc = await features(dir);
    expect(pick(utc.rows, 'U1').map((r) => r.slice(1, 4))).toEqual([
      ['2026-03-02', '1', '1'],
      ['2026-03-09', '2', '3'],
    ]);
  });

  test('modules_completed counts the first completion only, in the week it happened', async () => {
    const dir = writeDataset(tempDir(), {
      lessons: [
        lesson('A1', 'U1', 'completed', '100', '3/3/2026'),
        lesson('A2', 'U1', 'completed', '100', '3/10/2026'), // M1 again: not a new completion
        ['A3', 'U1', 'M2', 'Completed ', '100', '3/11/2026'],
        ['A4', 'U1', 'M2', 'done', '100', '3/4/2026'], // another status: activity, not a completion
      ],
      quizzes: [],
    });
    const { rows, result } = await features(dir);
    expect(pick(rows, 'U1').map((r) => [r[1], r[3], r[5], r[7]])).toEqual([
      ['2026-03-02', '2', '1', '2'],
      ['2026-03-09', '2', '1', '2'],
    ]);
    expect(result.report.warnings).toContainEqual(
      expect.objectContaining({
        check: 'unknown status (counted as activity, never as a completion)',
        rows: 1,
      }),
    );
  });
});

describe('the as-of date', () => {
  const base = [
    ['A1', 'U1', 'M1', 'started', '10', '3/2/2026'],
    ['A2', 'U1', 'M1', 'started', '40', '3/10/2026'],
    ['A3', 'U2', 'M2', 'started', '60', '3/4/2026'],
  ];

  test('adding events after day D changes no row whose week ends before D', async () => {
    const before = await features(writeDataset(tempDir(), { lessons: base, quizzes: [] }), {}, '2026-04-30');
    const later = [
      ['A4', 'U1', 'M1', 'completed', '100', '3/16/2026'],
      ['A5', 'U1', 'M2', 'completed', '100', '4/1/2026'],
      ['A6', 'U2', 'M1', 'started', '5', '3/20/2026'],
    ];
    const after = await features(
      writeDataset(tempDir(), {
        lessons: [...base, ...later],
        quizzes: [['Q1', 'U2', 'M1', '90', '3/19/2026']],
      }),
      {},
      '2026-04-30',
    );
    const d = '2026-03-16';
    const early = (rows: Record<string, string>[]) => rows.filter((r) => (r.week_end ?? '') < d);
    expect(early(before.rows).length).toBeGreaterThan(0);
    expect(early(after.rows)).toEqual(early(before.rows));
  });

  test('--as-of excludes later events, reports them, and ends the grid at the as-of week', async () => {
    const dir = writeDataset(tempDir(), { lessons: base, quizzes: [] });
    const { rows, result } = await features(dir, {}, '2026-03-05');
    expect(rows.map((r) => [r.user_id, r.week_start, r.week_end, r.inactivity_days])).toEqual([
      ['U1', '2026-03-02', '2026-03-05', '3'],
      ['U2', '2026-03-02', '2026-03-05', '1'],
    ]);
    const activity = result.report.files.find((f) => f.file === 'lms_lesson_activity.csv');
    expect(activity?.excluded).toEqual([
      {
        reason: 'after_as_of',
        label: 'event after the as-of date',
        column: 'event_time',
        rows: 1,
        firstLines: [3],
      },
    ]);
  });
});
