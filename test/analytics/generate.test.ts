import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLmsData, LMS_HEADERS } from '../../src/analytics/generate.ts';
import { LumenError } from '../../src/errors.ts';

const SAMPLE_DIR = join(import.meta.dirname, '../fixtures/lumenra-sample');
const FILE_NAMES = Object.keys(LMS_HEADERS);
const STAFF_ROLES = new Set(['admin', 'instructor', 'manager']);
const US_DATE = /^([1-9]|1[0-2])\/([1-9]|[12]\d|3[01])\/\d{4}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const ISO_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;
const ISO_NAIVE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/;

/** Minimal RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += ch;
    }
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

type Table = { header: string[]; rows: string[][] };

async function readTable(dir: string, name: string): Promise<Table> {
  const [header = [], ...rows] = parseCsv(await readFile(join(dir, name), 'utf8'));
  return { header, rows };
}

/** Column values by header name, trailing spaces in the header ignored. */
function column(table: Table, name: string): string[] {
  const index = table.header.findIndex((h) => h.trim() === name);
  if (index < 0) throw new Error(`no column ${name}`);
  return table.rows.map((row) => row[index] ?? '');
}

function isRealUsDate(text: string): boolean {
  const match = US_DATE.exec(text);
  if (!match) return false;
  const [month, day, year] = text.split('/').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function isTimestamp(text: string): boolean {
  return ISO_UTC.test(text) || ISO_OFFSET.test(text) || ISO_NAIVE.test(text);
}

function duplicates(values: string[]): number {
  return values.length - new Set(values).size;
}

let root = '';

async function generate(
  name: string,
  learners: number,
  seed: number,
  extra: { timestamps?: boolean; endDate?: string } = {},
): Promise<string> {
  const outDir = join(root, name);
  await generateLmsData({ learners, seed, outDir, ...extra });
  return outDir;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lumen-generate-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('generateLmsData', () => {
  let small = '';
  let lessons: Table;
  let quizzes: Table;
  let users: Table;
  let modules: Table;

  beforeAll(async () => {
    small = await generate('small', 50, 42);
    [lessons, quizzes, users, modules] = await Promise.all([
      readTable(small, 'lms_lesson_activity.csv'),
      readTable(small, 'lms_quiz_attempts.csv'),
      readTable(small, 'lms_users.csv'),
      readTable(small, 'lms_modules.csv'),
    ]);
  });

  it('writes the five files with the sample export header lines, LF endings and nothing else', async () => {
    expect((await readdir(small)).sort()).toEqual([...FILE_NAMES].sort());
    for (const name of FILE_NAMES) {
      const sample = await readFile(join(SAMPLE_DIR, name), 'utf8');
      const generated = await readFile(join(small, name), 'utf8');
      expect(generated.split('\n')[0]).toBe(sample.split('\n')[0]);
      expect(generated).not.toContain('\r');
      expect(generated.endsWith('\n')).toBe(true);
    }
  });

  it('reports each file with its data row count', async () => {
    const outDir = join(root, 'counts');
    const progress: number[] = [];
    const result = await generateLmsData({
      learners: 30,
      seed: 1,
      outDir,
      onProgress: (n) => progress.push(n),
    });
    expect(Object.keys(result.files).sort()).toEqual([...FILE_NAMES].sort());
    for (const [name, file] of Object.entries(result.files)) {
      expect(file.path).toBe(join(outDir, name));
      const lines = (await readFile(file.path, 'utf8')).split('\n').filter(Boolean);
      expect(file.rows).toBe(lines.length - 1);
    }
    expect(progress.at(-1)).toBe(30);
  });

  it('gives byte-identical files for the same seed and different files for another seed', async () => {
    const again = await generate('again', 50, 42);
    const other = await generate('other', 50, 43);
    for (const name of FILE_NAMES) {
      const [first, second] = await Promise.all([readFile(join(small, name)), readFile(join(again, name))]);
      expect(first.equals(second), name).toBe(true);
    }
    const otherLessons = await readFile(join(other, 'lms_lesson_activity.csv'));
    expect(otherLessons.equals(await readFile(join(small, 'lms_lesson_activity.csv')))).toBe(false);
  });

  it('scales rows linearly with learners, at about 100 events per learner', async () => {
    const a = await generateLmsData({ learners: 400, seed: 5, outDir: join(root, 'scale-a') });
    const b = await generateLmsData({ learners: 1600, seed: 5, outDir: join(root, 'scale-b') });
    const events = (r: typeof a) =>
      (r.files['lms_lesson_activity.csv']?.rows ?? 0) + (r.files['lms_quiz_attempts.csv']?.rows ?? 0);
    expect(a.files['lms_users.csv']?.rows).toBe(400);
    expect(b.files['lms_users.csv']?.rows).toBe(1600);
    expect(b.files['lms_courses.csv']?.rows).toBe(a.files['lms_courses.csv']?.rows);
    expect(events(b) / events(a)).toBeGreaterThan(3.4);
    expect(events(b) / events(a)).toBeLessThan(4.6);
    expect(events(b) / 1600).toBeGreaterThan(70);
    expect(events(b) / 1600).toBeLessThan(130);
  });

  it('has 6 courses with 3-8 sequential modules each', async () => {
    const courses = await readTable(small, 'lms_courses.csv');
    expect(courses.rows).toHaveLength(6);
    for (const id of column(courses, 'course_id')) {
      const sequence = modules.rows.filter((row) => row[1] === id).map((row) => Number(row[3]));
      expect(sequence.length).toBeGreaterThanOrEqual(3);
      expect(sequence.length).toBeLessThanOrEqual(8);
      expect(sequence).toEqual(sequence.map((_, i) => i + 1));
    }
  });

  it('adds each kind of dirty row, but only a few', () => {
    const userIds = new Set(column(users, 'user_id'));
    const moduleIds = new Set(column(modules, 'module_id'));
    const progress = column(lessons, 'progress').map(Number);
    const scores = column(quizzes, 'score').map(Number);
    const times = [...column(lessons, 'event_time'), ...column(quizzes, 'attempt_date')];
    const activityUsers = [...column(lessons, 'user_id'), ...column(quizzes, 'user_id')];
    const activityModules = [...column(lessons, 'module_id'), ...column(quizzes, 'module_id')];
    const found = {
      progressOver100: progress.filter((p) => p > 100).length,
      negativeProgress: progress.filter((p) => p < 0).length,
      scoreOver100: scores.filter((s) => s > 100).length,
      unparseableDate: times.filter((t) => !isRealUsDate(t)).length,
      unknownUser: activityUsers.filter((u) => !userIds.has(u)).length,
      unknownModule: activityModules.filter((m) => !moduleIds.has(m)).length,
      duplicateActivityId: duplicates(column(lessons, 'activity_id')),
      duplicateAttemptId: duplicates(column(quizzes, 'attempt_id')),
    };
    for (const count of Object.values(found)) expect(count).toBeGreaterThan(0);
    const dirty = Object.values(found).reduce((a, b) => a + b, 0);
    expect(dirty).toBeGreaterThanOrEqual(5);
    expect(dirty / (lessons.rows.length + quizzes.rows.length)).toBeLessThan(0.02);
  });

  it('keeps dirty rows rare in a larger export (about 0.05%)', async () => {
    const dir = await generate('rate', 3000, 9);
    const table = await readTable(dir, 'lms_lesson_activity.csv');
    const progress = column(table, 'progress').map(Number);
    const outOfRange = progress.filter((p) => p < 0 || p > 100).length;
    // Two of the six lesson defect kinds are out-of-range progress.
    const rate = (outOfRange * 3) / table.rows.length;
    expect(rate).toBeGreaterThan(0.0001);
    expect(rate).toBeLessThan(0.003);
  });

  it('refers only to catalogue modules, apart from the injected unknown (M9xx) ids', () => {
    const moduleIds = new Set(column(modules, 'module_id'));
    const used = [...column(lessons, 'module_id'), ...column(quizzes, 'module_id')];
    const unknown = used.filter((m) => !moduleIds.has(m));
    expect(unknown.every((m) => /^M9\d\d$/.test(m))).toBe(true);
    expect(unknown.length).toBeLessThan(used.length * 0.01);
  });

  it('has staff accounts with lesson and quiz activity', () => {
    const staff = new Set(users.rows.filter((row) => STAFF_ROLES.has(row[5] ?? '')).map((row) => row[0]));
    expect(staff.size).toBeGreaterThan(0);
    expect(column(lessons, 'user_id').some((u) => staff.has(u))).toBe(true);
    expect(column(quizzes, 'user_id').some((u) => staff.has(u))).toBe(true);
  });

  it('writes M/D/YYYY dates without zero padding by default', () => {
    const dates = [
      ...column(users, 'created_at'),
      ...column(users, 'updated_at'),
      ...column(lessons, 'event_time'),
      ...column(quizzes, 'attempt_date'),
    ];
    const valid = dates.filter(isRealUsDate);
    expect(valid.length).toBeGreaterThan(dates.length * 0.99);
    expect(dates.filter((d) => /(^|\/)0\d/.test(d) && !d.startsWith('0000'))).toEqual([]);
  });

  it('writes ISO date-times (UTC, with offsets and naive) with timestamps: true', async () => {
    const dir = await generate('timestamps', 300, 3, { timestamps: true });
    const table = await readTable(dir, 'lms_lesson_activity.csv');
    const quizTable = await readTable(dir, 'lms_quiz_attempts.csv');
    const times = [...column(table, 'event_time'), ...column(quizTable, 'attempt_date')];
    expect(times.filter(isTimestamp).length).toBeGreaterThan(times.length * 0.99);
    expect(times.some((t) => ISO_UTC.test(t))).toBe(true);
    expect(times.some((t) => ISO_OFFSET.test(t))).toBe(true);
    expect(times.some((t) => ISO_NAIVE.test(t))).toBe(true);
    // Events within a session are minutes apart: one learner's times are not all at midnight.
    expect(new Set(times.map((t) => t.slice(11, 16))).size).toBeGreaterThan(100);
    const userTable = await readTable(dir, 'lms_users.csv');
    expect(column(userTable, 'created_at').every(isRealUsDate)).toBe(true);
  });

  it('quotes names with commas and quotes so they parse back intact', async () => {
    for (const row of users.rows) expect(row).toHaveLength(8);
    const names = users.rows.map((row) => `${row[1]} ${row[2]}`);
    expect(names).toContain(`Robert "Bob" O'Neil, Jr.`);
    expect(names.some((n) => n.startsWith('Anne, Marie'))).toBe(true);
    expect(column(modules, 'module_name')).toContain('"Stalkerware" and Location Tracking');
    const raw = await readFile(join(small, 'lms_users.csv'), 'utf8');
    expect(raw).toContain(`"Robert ""Bob""","O'Neil, Jr."`);
  });

  it('keeps every event on or before endDate, with activity up to that day', async () => {
    const dir = await generate('end', 300, 11, { endDate: '2026-03-15' });
    const table = await readTable(dir, 'lms_lesson_activity.csv');
    const days = column(table, 'event_time')
      .filter(isRealUsDate)
      .map((d) => {
        const [month, day, year] = d.split('/').map(Number) as [number, number, number];
        return Date.UTC(year, month - 1, day);
      });
    const last = Math.max(...days);
    expect(new Date(last).toISOString().slice(0, 10)).toBe('2026-03-15');
  });

  it('produces learners who completed, dropped out and are still going', async () => {
    const dir = await generate('labels', 1500, 21);
    const [lessonTable, quizTable, moduleTable, userTable] = await Promise.all([
      readTable(dir, 'lms_lesson_activity.csv'),
      readTable(dir, 'lms_quiz_attempts.csv'),
      readTable(dir, 'lms_modules.csv'),
      readTable(dir, 'lms_users.csv'),
    ]);
    const labels = labelLearners(lessonTable, quizTable, moduleTable, userTable);
    const total = labels.completed + labels.dropped + labels.open;
    for (const count of Object.values(labels)) expect(count / total).toBeGreaterThan(0.15);
    // Some registered learners never open a module.
    expect(total).toBeLessThan(userTable.rows.length * 0.98);
  });

  it('leaves neither final nor partial files behind when generation fails midway', async () => {
    const outDir = join(root, 'crash');
    const onProgress = () => {
      throw new Error('disk on fire');
    };
    await expect(generateLmsData({ learners: 2500, seed: 1, outDir, onProgress })).rejects.toThrow(
      'disk on fire',
    );
    expect(await readdir(outDir)).toEqual([]);
  });

  it('rejects bad options with a LumenError and leaves no partial files', async () => {
    const outDir = join(root, 'bad');
    await expect(generateLmsData({ learners: -1, seed: 1, outDir })).rejects.toBeInstanceOf(LumenError);
    await expect(generateLmsData({ learners: 1, seed: 1.5, outDir })).rejects.toBeInstanceOf(LumenError);
    await expect(generateLmsData({ learners: 1, seed: 1, outDir, endDate: '2026-02-30' })).rejects.toThrow(
      /endDate/,
    );
  });
});

/** The downstream definitions: completed / dropped (21 quiet days before the last date) / open. */
function labelLearners(lessons: Table, quizzes: Table, modules: Table, users: Table) {
  const courseOf = new Map(modules.rows.map((row) => [row[0] ?? '', row[1] ?? '']));
  const modulesOf = new Map<string, string[]>();
  for (const [module, course] of courseOf) modulesOf.set(course, [...(modulesOf.get(course) ?? []), module]);
  const learners = new Set(
    users.rows
      .filter((row) => ['learner', 'student'].includes((row[5] ?? '').trim().toLowerCase()))
      .map((r) => r[0]),
  );
  const state = new Map<string, { courses: Set<string>; completed: Set<string>; last: number }>();
  let lastDay = 0;
  const record = (user: string, module: string, time: string, completed: boolean) => {
    const course = courseOf.get(module);
    if (!learners.has(user) || course === undefined || !isRealUsDate(time)) return;
    const [month, day, year] = time.split('/').map(Number) as [number, number, number];
    const at = Date.UTC(year, month - 1, day) / 86_400_000;
    lastDay = Math.max(lastDay, at);
    const s = state.get(user) ?? { courses: new Set<string>(), completed: new Set<string>(), last: 0 };
    s.courses.add(course);
    if (completed) s.completed.add(module);
    s.last = Math.max(s.last, at);
    state.set(user, s);
  };
  for (const row of lessons.rows) record(row[1] ?? '', row[2] ?? '', row[5] ?? '', row[3] === 'completed');
  for (const row of quizzes.rows) record(row[1] ?? '', row[2] ?? '', row[4] ?? '', false);
  const labels = { completed: 0, dropped: 0, open: 0 };
  for (const s of state.values()) {
    const done = [...s.courses].every((c) => (modulesOf.get(c) ?? []).every((m) => s.completed.has(m)));
    if (done) labels.completed++;
    else if (s.last < lastDay - 21) labels.dropped++;
    else labels.open++;
  }
  return labels;
}
