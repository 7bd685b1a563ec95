/**
 * An independent, deliberately plain implementation of the weekly-feature definitions (no DuckDB,
 * no SQL), used as the oracle that the real pipeline is compared against on generated data.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';

export interface ReferenceRow {
  user_id: string;
  week_start: string;
  week_index: number;
  sessions: number;
  avg_progress: number | null;
  modules_completed: number;
  avg_quiz_score: number | null;
  active_days: number;
  inactivity_days: number;
}

type Rec = Record<string, string>;

function readCsv(path: string): Rec[] {
  const records = parse(readFileSync(path), {
    bom: true,
    columns: (h: string[]) => h.map((x) => x.trim().toLowerCase()),
  });
  return records as Rec[];
}

const DAY = 86_400_000;

/** Offset (ms) of a zone at an instant, from Intl. */
function zoneOffset(tz: string, instant: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(instant));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(instant / 1000) * 1000;
}

function wallToInstant(tz: string, wallUtcMs: number): number {
  let instant = wallUtcMs - zoneOffset(tz, wallUtcMs);
  instant = wallUtcMs - zoneOffset(tz, instant);
  return instant;
}

/** Parses the export's date formats; null when unparseable. */
export function parseInstant(text: string, tz: string): number | null {
  const s = text.trim();
  let m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
  if (m) {
    const [y, mo, d] = [Number(m[3]), Number(m[1]), Number(m[2])];
    const wall = Date.UTC(y, mo - 1, d);
    const check = new Date(wall);
    if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
    return wallToInstant(tz, wall);
  }
  m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/.exec(
    s,
  );
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [h, mi, se] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  const ms = m[7] ? Math.round(Number(m[7]) * 1000) : 0;
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || se > 59) return null;
  const wall = Date.UTC(y, mo - 1, d, h, mi, se, ms);
  if (new Date(wall).getUTCDate() !== d) return null;
  const off = m[8];
  if (off === undefined) return wallToInstant(tz, wall);
  if (off === 'Z') return wall;
  const sign = off.startsWith('-') ? -1 : 1;
  const digits = off.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0);
  return wall - sign * minutes * 60_000;
}

/** Local calendar date (as days since epoch) of an instant in tz. */
function localDay(instant: number, tz: string): number {
  return Math.floor((instant + zoneOffset(tz, instant)) / DAY);
}

function isoDay(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

/** Monday of the ISO week (1970-01-01 was a Thursday). */
function mondayOf(day: number): number {
  return day - ((day + 3) % 7);
}

function number(text: string | undefined): number | null {
  if (text === undefined || text.trim() === '') return null;
  const n = Number(text.trim());
  return Number.isFinite(n) ? n : null;
}

interface Event {
  user: string;
  instant: number;
  day: number;
  kind: 'lesson' | 'quiz';
  module: string;
  status?: string;
  progress?: number;
  score?: number;
}

export function referenceFeatures(
  dir: string,
  tz: string,
  asOfArg?: string,
): { asOf: string; rows: ReferenceRow[] } {
  const users = readCsv(join(dir, 'lms_users.csv'));
  const courses = readCsv(join(dir, 'lms_courses.csv'));
  const modules = readCsv(join(dir, 'lms_modules.csv'));
  const firstRole = new Map<string, string>();
  const learners = new Set<string>();
  for (const u of users) {
    const id = (u.user_id ?? '').trim();
    const role = (u.role ?? '').trim().toLowerCase();
    if (firstRole.has(id)) continue;
    firstRole.set(id, role);
    if ((role === 'learner' || role === 'student') && id !== '') learners.add(id);
  }
  const courseIds = new Set(courses.map((c) => (c.course_id ?? '').trim()));
  const moduleIds = new Set<string>();
  for (const m of modules) {
    if (courseIds.has((m.course_id ?? '').trim()) && number(m.sequence_no) !== null)
      moduleIds.add((m.module_id ?? '').trim());
  }

  const events: Event[] = [];
  const take = (rows: Rec[], kind: 'lesson' | 'quiz') => {
    const seen = new Set<string>();
    for (const r of rows) {
      const id = ((kind === 'lesson' ? r.activity_id : r.attempt_id) ?? '').trim();
      const first = !seen.has(id);
      seen.add(id);
      const user = (r.user_id ?? '').trim();
      const module = (r.module_id ?? '').trim();
      const role = firstRole.get(user);
      if (role !== undefined && role !== 'learner' && role !== 'student') continue;
      if (!learners.has(user) || !moduleIds.has(module)) continue;
      const instant = parseInstant((kind === 'lesson' ? r.event_time : r.attempt_date) ?? '', tz);
      const value = number(kind === 'lesson' ? r.progress : r.score);
      if (id === '' || instant === null || value === null) continue;
      if (value < 0 || value > 100 || !first) continue;
      const event: Event = { user, instant, day: localDay(instant, tz), kind, module };
      if (kind === 'lesson') {
        event.status = (r.status ?? '')
          .trim()
          .toLowerCase()
          .replace(/[\s-]+/g, '_');
        event.progress = value;
      } else event.score = value;
      events.push(event);
    }
  };
  take(readCsv(join(dir, 'lms_lesson_activity.csv')), 'lesson');
  take(readCsv(join(dir, 'lms_quiz_attempts.csv')), 'quiz');

  const asOfDay = asOfArg ? Date.parse(`${asOfArg}T00:00:00Z`) / DAY : Math.max(...events.map((e) => e.day));
  const byUser = new Map<string, Event[]>();
  for (const e of events) {
    if (e.day > asOfDay) continue;
    const list = byUser.get(e.user) ?? [];
    list.push(e);
    byUser.set(e.user, list);
  }

  const rows: ReferenceRow[] = [];
  for (const user of [...byUser.keys()].sort()) {
    const list = (byUser.get(user) ?? []).sort((a, b) => a.instant - b.instant);
    const sessionStartDays: number[] = [];
    list.forEach((e, i) => {
      const prev = list[i - 1];
      if (!prev || e.instant - prev.instant > 30 * 60_000) sessionStartDays.push(e.day);
    });
    const firstCompletion = new Map<string, number>();
    for (const e of list) {
      if (e.kind === 'lesson' && e.status === 'completed' && !firstCompletion.has(e.module)) {
        firstCompletion.set(e.module, e.day);
      }
    }
    const firstDay = Math.min(...list.map((e) => e.day));
    let index = 0;
    for (let week = mondayOf(firstDay); week <= mondayOf(asOfDay); week += 7) {
      index++;
      const end = Math.min(week + 6, asOfDay);
      const inWeek = list.filter((e) => e.day >= week && e.day <= week + 6);
      const lessons = inWeek.filter((e) => e.kind === 'lesson');
      const quizzes = inWeek.filter((e) => e.kind === 'quiz');
      const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
      const lastDay = Math.max(...list.filter((e) => e.day <= end).map((e) => e.day));
      rows.push({
        user_id: user,
        week_start: isoDay(week),
        week_index: index,
        sessions: sessionStartDays.filter((d) => d >= week && d <= week + 6).length,
        avg_progress: mean(lessons.map((e) => e.progress ?? 0)),
        modules_completed: [...firstCompletion.values()].filter((d) => d >= week && d <= week + 6).length,
        avg_quiz_score: mean(quizzes.map((e) => e.score ?? 0)),
        active_days: new Set(inWeek.map((e) => e.day)).size,
        inactivity_days: end - lastDay,
      });
    }
  }
  return { asOf: isoDay(asOfDay), rows };
}
