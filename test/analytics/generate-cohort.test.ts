/**
 * The cohort style of the generator: dated presentations whose hidden truth must agree with what the
 * export shows, study that bunches before deadlines, best-N courses, learners who submit everything
 * and fail, withdrawals, never-started enrolments, the variant without lms_enrolments.csv, and an
 * export today's loader reads unchanged. Fixed seeds and end dates: nothing reads the clock.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COHORT_PRESENTATIONS } from '../../src/analytics/generate/cohort.ts';
import { type GenerateOptions, generateLmsData, LMS_HEADERS } from '../../src/analytics/generate.ts';
import { runValidate } from '../../src/analytics/pipeline.ts';
import { readConfig } from '../../src/config.ts';
import { LumenError } from '../../src/errors.ts';

const END_DATE = '2026-06-24'; // a Wednesday: the as-of week is a partial week
const DAY_MS = 86_400_000;

type Row = Record<string, string>;

async function readRows(path: string): Promise<Row[]> {
  return parse(await readFile(path, 'utf8'), { columns: (h: string[]) => h.map((c) => c.trim()) }) as Row[];
}

/** Day number of M/D/YYYY or YYYY-MM-DD text; null for the injected unparseable dates. */
function dayOf(text: string): number | null {
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  const iso = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  const [y, m, d] = us ? [us[3], us[1], us[2]] : iso ? [iso[1], iso[2], iso[3]] : [];
  if (y === undefined) return null;
  const ms = Date.UTC(Number(y), Number(m) - 1, Number(d));
  const date = new Date(ms);
  if (date.getUTCDate() !== Number(d) || date.getUTCMonth() !== Number(m) - 1) return null;
  return ms / DAY_MS;
}

const END_DAY = dayOf(END_DATE) ?? 0;
const key = (user: string, course: string) => `${user}|${course}`;

interface Export {
  dir: string;
  truth: Row[];
  enrolments: Row[];
  courses: Row[];
  modules: Row[];
  /** Event days (lessons and quizzes) per user|course. */
  events: Map<string, number[]>;
  /** Assessed modules with a quiz attempt per user|course. */
  submitted: Map<string, Set<string>>;
  /** Best valid score per module per user|course (dirty rows over 100 left out). */
  scores: Map<string, Map<string, number>>;
}

async function readExport(
  dir: string,
  truthPath = join(dir, 'truth', 'truth_enrolments.csv'),
): Promise<Export> {
  const [truth, enrolments, courses, modules, lessons, quizzes] = await Promise.all([
    readRows(truthPath),
    existsSync(join(dir, 'lms_enrolments.csv')) ? readRows(join(dir, 'lms_enrolments.csv')) : [],
    readRows(join(dir, 'lms_courses.csv')),
    readRows(join(dir, 'lms_modules.csv')),
    readRows(join(dir, 'lms_lesson_activity.csv')),
    readRows(join(dir, 'lms_quiz_attempts.csv')),
  ]);
  const courseOf = new Map(modules.map((m) => [m.module_id ?? '', m.course_id ?? '']));
  const events = new Map<string, number[]>();
  const submitted = new Map<string, Set<string>>();
  const scores = new Map<string, Map<string, number>>();
  const add = (user: string, module: string, time: string) => {
    const course = courseOf.get(module);
    const day = dayOf(time);
    if (course === undefined || day === null) return null;
    const k = key(user, course);
    events.set(k, [...(events.get(k) ?? []), day]);
    return k;
  };
  for (const r of lessons) add(r.user_id ?? '', r.module_id ?? '', r.event_time ?? '');
  for (const r of quizzes) {
    const k = add(r.user_id ?? '', r.module_id ?? '', r.attempt_date ?? '');
    if (k === null) continue;
    const module = r.module_id ?? '';
    submitted.set(k, (submitted.get(k) ?? new Set()).add(module));
    const score = Number(r.score);
    const byModule = scores.get(k) ?? new Map<string, number>();
    if (score <= 100) byModule.set(module, Math.max(score, byModule.get(module) ?? 0));
    scores.set(k, byModule);
  }
  return { dir, truth, enrolments, courses, modules, events, submitted, scores };
}

const presentation = (id: string) => {
  const p = COHORT_PRESENTATIONS.find((x) => x.spec.id === id);
  if (p === undefined) throw new Error(`no presentation ${id}`);
  return p;
};
const ENDED = COHORT_PRESENTATIONS.filter((p) => p.days.results <= END_DAY).map((p) => p.spec.id);

let root = '';
let main: Export;

async function generate(name: string, extra: Partial<GenerateOptions> = {}): Promise<string> {
  const outDir = join(root, name);
  await generateLmsData({ learners: 1200, seed: 13, outDir, style: 'cohort', endDate: END_DATE, ...extra });
  return outDir;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lumen-cohort-'));
  main = await readExport(await generate('main'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('generateLmsData style cohort', () => {
  it('writes the five files with their usual columns first, lms_enrolments.csv, and the truth in truth/', async () => {
    expect((await readdir(main.dir)).sort()).toEqual(
      [...Object.keys(LMS_HEADERS), 'lms_enrolments.csv', 'truth'].sort(),
    );
    for (const [name, header] of Object.entries(LMS_HEADERS)) {
      const first = (await readFile(join(main.dir, name), 'utf8')).split('\n')[0] ?? '';
      expect(first.startsWith(header)).toBe(true);
    }
    const firstLine = async (path: string) => (await readFile(path, 'utf8')).split('\n')[0];
    expect(await firstLine(join(main.dir, 'lms_courses.csv'))).toBe(
      `${LMS_HEADERS['lms_courses.csv']},ends_at,modules_required`,
    );
    expect(await firstLine(join(main.dir, 'lms_modules.csv'))).toBe(
      `${LMS_HEADERS['lms_modules.csv']},required`,
    );
    expect(await firstLine(join(main.dir, 'lms_enrolments.csv'))).toBe(
      'user_id,course_id,enrolled_at,status,status_at,final_score',
    );
    expect(await readdir(join(main.dir, 'truth'))).toEqual(['truth_enrolments.csv']);
  });

  it('gives byte-identical files (truth included) for the same seed and different ones for another', async () => {
    const files = ['lms_users.csv', 'lms_lesson_activity.csv', 'lms_quiz_attempts.csv', 'lms_enrolments.csv'];
    const a = await generate('det-a', { learners: 150 });
    const b = await generate('det-b', { learners: 150 });
    const c = await generate('det-c', { learners: 150, seed: 14 });
    for (const name of [...files, 'truth/truth_enrolments.csv']) {
      const [x, y] = await Promise.all([readFile(join(a, name)), readFile(join(b, name))]);
      expect(x.equals(y), name).toBe(true);
    }
    const [x, z] = await Promise.all([
      readFile(join(a, 'lms_lesson_activity.csv')),
      readFile(join(c, 'lms_lesson_activity.csv')),
    ]);
    expect(x.equals(z)).toBe(false);
  });

  it('runs two ended presentations and two still running at the export date', () => {
    const statuses = (id: string) =>
      new Set(main.enrolments.filter((e) => e.course_id === id).map((e) => e.status));
    expect(ENDED.sort()).toEqual(['C101-2025B', 'C303-2025C']);
    for (const id of ENDED) expect(statuses(id).has('active')).toBe(false);
    for (const id of ['C101-2026A', 'C202-2025J']) {
      const p = presentation(id);
      expect(p.days.start).toBeLessThan(END_DAY);
      expect(p.days.end).toBeGreaterThan(END_DAY);
      expect(statuses(id).has('active')).toBe(true);
    }
    // Every presentation starts on a Monday (getUTCDay 1) and lists its final deadline as ends_at.
    for (const course of main.courses) {
      const p = presentation(course.course_id ?? '');
      expect(new Date(p.days.start * DAY_MS).getUTCDay()).toBe(1);
      expect(dayOf(course.ends_at ?? '')).toBe(p.days.end);
    }
  });

  it('agrees with the truth for every enrolment whose result is known by the export date', () => {
    const truth = new Map(main.truth.map((t) => [key(t.user_id ?? '', t.course_id ?? ''), t]));
    const allowed: Record<string, string[]> = {
      passed: ['passed'],
      failed: ['failed', 'never_started'],
      withdrawn: ['withdrawn', 'never_started'],
    };
    let known = 0;
    for (const e of main.enrolments) {
      const t = truth.get(key(e.user_id ?? '', e.course_id ?? ''));
      expect(t, `${e.user_id} ${e.course_id}`).toBeDefined();
      const resultDay = dayOf(t?.result_at ?? '');
      if (e.status === 'active') {
        expect(e.status_at).toBe('');
        expect(resultDay).toBeGreaterThan(END_DAY);
        continue;
      }
      known++;
      expect(allowed[e.status ?? '']).toContain(t?.final_result);
      expect(dayOf(e.status_at ?? '')).toBe(resultDay);
      expect(resultDay).toBeLessThanOrEqual(END_DAY);
      expect(e.final_score !== '').toBe(
        e.status === 'passed' || (e.status === 'failed' && t?.final_result === 'failed'),
      );
    }
    expect(known).toBeGreaterThan(300);
    // Every enrolment had been made by the export date: the truth lists exactly the enrolments.
    expect(main.truth.length).toBe(main.enrolments.length);
    const results = new Set(main.truth.map((t) => t.final_result));
    expect([...results].sort()).toEqual(['failed', 'never_started', 'passed', 'withdrawn']);
  });

  it('bunches study before deadlines, with quiet gaps of three weeks or more for most passers', () => {
    let inWindow = 0;
    let total = 0;
    const gaps: number[] = [];
    for (const t of main.truth) {
      const p = presentation(t.course_id ?? '');
      const days = main.events.get(key(t.user_id ?? '', t.course_id ?? '')) ?? [];
      for (const day of days) {
        if (day < p.days.start || day > p.days.end) continue;
        total++;
        if (p.days.deadlines.some((d) => day <= d && day > d - 14)) inWindow++;
      }
      if (t.final_result === 'passed' && ENDED.includes(t.course_id ?? '')) {
        const sorted = [...new Set(days)].sort((a, b) => a - b);
        gaps.push(Math.max(0, ...sorted.slice(1).map((d, i) => d - (sorted[i] ?? d))));
      }
    }
    // Two weeks out of every 4-6 would hold 25-50% of the events if study were spread evenly.
    expect(inWindow / total).toBeGreaterThan(0.85);
    expect(gaps.length).toBeGreaterThan(200);
    expect(gaps.filter((g) => g >= 21).length / gaps.length).toBeGreaterThan(0.8);
  });

  it('has best-N courses whose passers skipped assessments, while every-required passers skipped none', () => {
    const course = (id: string) => main.courses.find((c) => c.course_id === id);
    const modulesOf = (id: string) => main.modules.filter((m) => m.course_id === id);
    expect(course('C101-2025B')?.modules_required).toBe('6');
    expect(modulesOf('C101-2025B')).toHaveLength(8);
    expect(modulesOf('C101-2025B').every((m) => m.required === 'false')).toBe(true);
    expect(course('C303-2025C')?.modules_required).toBe('');
    const required = modulesOf('C303-2025C').filter((m) => m.required === 'true');
    expect(required.length).toBeGreaterThan(0);
    expect(modulesOf('C303-2025C').some((m) => m.required === 'false')).toBe(true);

    const results = (id: string, result: string) =>
      main.truth
        .filter((t) => t.course_id === id && t.final_result === result)
        .map((t) => key(t.user_id ?? '', id));
    const bestN = results('C101-2025B', 'passed').map((k) => main.submitted.get(k)?.size ?? 0);
    expect(bestN.filter((n) => n < 8).length).toBeGreaterThan(10);
    // The rule, recomputed from the export's own scores: mean of the best 6 (a missing one is 0) >= 50.
    const best6 = (k: string) => {
      const scores = [...(main.scores.get(k)?.values() ?? [])].sort((x, y) => y - x);
      return [0, 1, 2, 3, 4, 5].reduce((sum, i) => sum + (scores[i] ?? 0), 0) / 6;
    };
    for (const k of results('C101-2025B', 'passed')) expect(best6(k)).toBeGreaterThanOrEqual(49.99);
    for (const k of results('C101-2025B', 'failed')) expect(best6(k)).toBeLessThan(50.01);
    for (const k of results('C303-2025C', 'passed')) {
      for (const m of required)
        expect(main.scores.get(k)?.get(m.module_id ?? '')).toBeGreaterThanOrEqual(39.99);
    }
  });

  it('has learners who submitted every assessment and still failed', () => {
    const assessed = (id: string) => presentation(id).spec.assessments.length;
    const failedAfterAll = main.truth.filter((t) => {
      const id = t.course_id ?? '';
      return (
        ENDED.includes(id) &&
        t.final_result === 'failed' &&
        (main.submitted.get(key(t.user_id ?? '', id))?.size ?? 0) === assessed(id)
      );
    });
    expect(failedAfterAll.length).toBeGreaterThan(10);
    const scores = failedAfterAll
      .map((t) => main.enrolments.find((e) => e.user_id === t.user_id && e.course_id === t.course_id))
      .map((e) => Number(e?.final_score));
    expect(scores.every((s) => s < 70)).toBe(true);
  });

  it('records withdrawals with their date, after the last activity', () => {
    const withdrawn = main.enrolments.filter((e) => e.status === 'withdrawn');
    expect(withdrawn.length).toBeGreaterThan(50);
    let withActivity = 0;
    for (const e of withdrawn) {
      const days = main.events.get(key(e.user_id ?? '', e.course_id ?? '')) ?? [];
      if (days.length > 0) withActivity++;
      for (const day of days) expect(day).toBeLessThan(dayOf(e.status_at ?? '') ?? 0);
    }
    expect(withActivity).toBeGreaterThan(30);
  });

  it('has 5-10% of enrolments never started, with no events at all', () => {
    const never = main.truth.filter((t) => t.final_result === 'never_started');
    expect(never.length / main.truth.length).toBeGreaterThan(0.05);
    expect(never.length / main.truth.length).toBeLessThan(0.1);
    for (const t of never) expect(main.events.get(key(t.user_id ?? '', t.course_id ?? ''))).toBeUndefined();
    const enrolled = new Set(main.enrolments.map((e) => key(e.user_id ?? '', e.course_id ?? '')));
    const listed = never.filter((t) => enrolled.has(key(t.user_id ?? '', t.course_id ?? '')));
    expect(listed.length).toBeGreaterThan(0.8 * never.length);
  });

  it('has events outlying the presentations: before the start and after the results', () => {
    let before = 0;
    let after = 0;
    for (const t of main.truth) {
      const p = presentation(t.course_id ?? '');
      for (const day of main.events.get(key(t.user_id ?? '', t.course_id ?? '')) ?? []) {
        if (day < p.days.start) before++;
        if (day > p.days.results) after++;
      }
    }
    expect(before).toBeGreaterThan(0);
    expect(after).toBeGreaterThan(0);
  });

  it('writes the same events and truth without lms_enrolments.csv', async () => {
    const truthPath = join(root, 'elsewhere', 'truth.csv');
    const without = await generate('without', { enrolments: false, truthPath });
    expect((await readdir(without)).sort()).toEqual(Object.keys(LMS_HEADERS).sort());
    for (const name of Object.keys(LMS_HEADERS)) {
      const [x, y] = await Promise.all([readFile(join(main.dir, name)), readFile(join(without, name))]);
      expect(x.equals(y), name).toBe(true);
    }
    const [x, y] = await Promise.all([
      readFile(join(main.dir, 'truth', 'truth_enrolments.csv')),
      readFile(truthPath),
    ]);
    expect(x.equals(y)).toBe(true);
    // The loader reads it as the same export, with enrolments to be inferred.
    const [withFile, withoutFile] = await Promise.all([
      runValidate(readConfig({}), { dataDir: main.dir }),
      runValidate(readConfig({}), { dataDir: without }),
    ]);
    expect(withoutFile.enrolmentsFile).toBe(false);
    expect(withoutFile.files).toEqual(withFile.files.filter((f) => f.file !== 'lms_enrolments.csv'));
    expect(withoutFile.asOf).toBe(withFile.asOf);
  });

  it('is read by the current loader without errors, as of the export date mid-presentation', async () => {
    const report = await runValidate(readConfig({}), { dataDir: main.dir });
    expect(report.asOf).toBe(END_DATE);
    // lms_enrolments.csv is read whole: no row excluded, nothing to warn about.
    expect(report.enrolmentsFile).toBe(true);
    expect(report.files.find((f) => f.file === 'lms_enrolments.csv')).toMatchObject({
      rowsRead: main.enrolments.length,
      rowsExcluded: 0,
    });
    expect(report.warnings.filter((w) => w.file === 'lms_enrolments.csv')).toEqual([]);
    const kept = Object.fromEntries(report.files.map((f) => [f.file, f.rowsKept]));
    expect(kept['lms_courses.csv']).toBe(4);
    expect(kept['lms_modules.csv']).toBe(main.modules.length);
    expect(kept['lms_lesson_activity.csv']).toBeGreaterThan(50_000);
    // Enrolled learners who never started are the loader's "registered but never active".
    const neverActive = report.warnings.find((w) => w.check.includes('never active'));
    expect(neverActive?.rows).toBeGreaterThan(0);
  });

  it('writes ISO date-times with timestamps: true and cuts events at endDate', async () => {
    const dir = await generate('ts', { learners: 200, timestamps: true, endDate: '2025-06-04' });
    const e = await readExport(dir);
    const times = (await readRows(join(dir, 'lms_lesson_activity.csv'))).map((r) => r.event_time ?? '');
    expect(times.filter((t) => /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(t)).length).toBeGreaterThan(
      times.length * 0.99,
    );
    const last = Math.max(...[...e.events.values()].flat());
    expect(last).toBeLessThanOrEqual(dayOf('2025-06-05') ?? 0);
    // Presentations that had not opened enrolment by then are not in lms_enrolments.csv.
    expect(e.enrolments.some((r) => r.course_id === 'C101-2026A')).toBe(false);
    expect(e.truth.some((r) => r.course_id === 'C101-2026A')).toBe(true);
  });

  it('with study steady, spreads study over most weeks and early activity already separates passers', async () => {
    const steady = await readExport(await generate('steady', { study: 'steady' }));
    let inWindow = 0;
    let total = 0;
    const early = { passed: [] as number[], other: [] as number[] };
    const earlyBursty = { passed: [] as number[], other: [] as number[] };
    for (const [exp, into] of [
      [steady, early],
      [main, earlyBursty],
    ] as const) {
      for (const t of exp.truth) {
        if (!ENDED.includes(t.course_id ?? '') || t.final_result === 'never_started') continue;
        const p = presentation(t.course_id ?? '');
        const days = exp.events.get(key(t.user_id ?? '', t.course_id ?? '')) ?? [];
        const firstFourWeeks = new Set(days.filter((d) => d >= p.days.start && d < p.days.start + 28));
        (t.final_result === 'passed' ? into.passed : into.other).push(firstFourWeeks.size);
        if (exp !== steady) continue;
        for (const day of days) {
          if (day < p.days.start || day > p.days.end) continue;
          total++;
          if (p.days.deadlines.some((d) => day <= d && day > d - 14)) inWindow++;
        }
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    // Spread evenly, the two weeks before each deadline (4-6 weeks apart) would hold 25-50% of events.
    expect(inWindow / total).toBeLessThan(0.75);
    expect(early.passed.length).toBeGreaterThan(200);
    expect(early.other.length).toBeGreaterThan(100);
    // Steady: passers are active on clearly more days in the first four weeks (seed 13: 4.8 against
    // 3.5); bursty: barely (1.7 against 1.5), as scores follow ability, not only diligence.
    expect(mean(early.passed)).toBeGreaterThan(1.25 * mean(early.other));
    expect(mean(earlyBursty.passed)).toBeLessThan(1.2 * mean(earlyBursty.other));
  });

  it('rejects cohort options without the cohort style and a truth file named like an export file', async () => {
    const outDir = join(root, 'bad');
    await expect(generateLmsData({ learners: 5, seed: 1, outDir, enrolments: false })).rejects.toBeInstanceOf(
      LumenError,
    );
    await expect(generateLmsData({ learners: 5, seed: 1, outDir, study: 'steady' })).rejects.toThrow(
      /cohort style only/,
    );
    await expect(
      generateLmsData({
        learners: 5,
        seed: 1,
        outDir,
        style: 'cohort',
        truthPath: join(outDir, 'lms_truth.csv'),
      }),
    ).rejects.toThrow(/lms_/);
  });
});
