/**
 * The pipeline's features on generated data, compared value by value with an independent plain
 * TypeScript implementation of the definitions (test/helpers/reference-features.ts), and checked
 * against invariants that must hold on any data.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, test } from 'vitest';
import { generateLmsData } from '../../src/analytics/generate.ts';
import { runFeatures } from '../../src/analytics/pipeline.ts';
import { readConfig } from '../../src/config.ts';
import { readSimpleCsv, removeTempDirs, tempDir } from '../helpers/fs.ts';
import { referenceFeatures } from '../helpers/reference-features.ts';

afterAll(removeTempDirs);

const FILES = [
  'lms_users.csv',
  'lms_courses.csv',
  'lms_modules.csv',
  'lms_lesson_activity.csv',
  'lms_quiz_attempts.csv',
];

/** Rewrites a file the way other exporters do: BOM, CRLF, columns shuffled, an extra column, every field quoted. */
function rewriteQuirky(path: string): void {
  const records = parse(readFileSync(path), { relax_quotes: false }) as string[][];
  const width = records[0]?.length ?? 0;
  // Reversed, then rotated by one: every column moves.
  const reversed = Array.from({ length: width }, (_, i) => width - 1 - i);
  const order = [...reversed.slice(1), ...reversed.slice(0, 1)];
  const lines = records.map((cells, row) => {
    const moved = order.map((i) => cells[i] ?? '');
    const withExtra = [...moved, row === 0 ? ' Exported By ' : 'lms, v2'];
    return withExtra
      .map((c, i) => (row === 0 && i < moved.length ? ` ${c.toUpperCase()}` : `"${c.replace(/"/g, '""')}"`))
      .join(',');
  });
  writeFileSync(path, `\uFEFF${lines.join('\r\n')}\r\n`);
}

async function compare(dataDir: string, tz: string, asOf?: string) {
  const out = tempDir('lumen-out-');
  const result = await runFeatures(readConfig({ LUMEN_TZ: tz }), { dataDir, outDir: out, asOf });
  const ours = readSimpleCsv(join(out, 'weekly_behavioral_features.csv'));
  const reference = referenceFeatures(dataDir, tz, asOf);
  expect(result.report.asOf).toBe(reference.asOf);
  expect(ours.length).toBe(reference.rows.length);
  const num = (v: string | undefined) => (v === undefined || v === '' ? null : Number(v));
  ours.forEach((row, i) => {
    const ref = reference.rows[i];
    expect([row.user_id, row.week_start, num(row.week_index)]).toEqual([
      ref?.user_id,
      ref?.week_start,
      ref?.week_index,
    ]);
    for (const column of ['sessions', 'modules_completed', 'active_days', 'inactivity_days'] as const) {
      expect(num(row[column]), `${row.user_id} ${row.week_start} ${column}`).toBe(ref?.[column]);
    }
    for (const column of ['avg_progress', 'avg_quiz_score'] as const) {
      const got = num(row[column]);
      const want = ref?.[column] ?? null;
      if (want === null) expect(got, `${row.user_id} ${row.week_start} ${column}`).toBeNull();
      else expect(got, `${row.user_id} ${row.week_start} ${column}`).toBeCloseTo(want, 6);
    }
  });
  return ours;
}

describe('features on generated data equal an independent implementation', () => {
  test('M/D/YYYY export, UTC', async () => {
    const dir = tempDir('lumen-gen-');
    await generateLmsData({ learners: 150, seed: 11, outDir: dir });
    const rows = await compare(dir, 'UTC');
    expect(rows.length).toBeGreaterThan(500);
  });

  test('ISO timestamps with times and offsets, rewritten with BOM, CRLF, shuffled and extra columns, in New York', async () => {
    const dir = tempDir('lumen-gen-');
    await generateLmsData({ learners: 150, seed: 12, outDir: dir, timestamps: true });
    for (const file of FILES) rewriteQuirky(join(dir, file));
    await compare(dir, 'America/New_York');
  });

  test('ISO timestamps in Asia/Kolkata with an explicit as-of date', async () => {
    const dir = tempDir('lumen-gen-');
    await generateLmsData({ learners: 120, seed: 13, outDir: dir, timestamps: true });
    await compare(dir, 'Asia/Kolkata', '2026-05-20');
  });
});

describe('invariants of the weekly grid', async () => {
  const dir = tempDir('lumen-gen-');
  await generateLmsData({ learners: 300, seed: 21, outDir: dir, timestamps: true });
  const out = tempDir('lumen-out-');
  const { report } = await runFeatures(readConfig({}), { dataDir: dir, outDir: out });
  const rows = readSimpleCsv(join(out, 'weekly_behavioral_features.csv'));
  const n = (v: string | undefined) => Number(v);

  test('0 <= active_days <= 7, and sessions > 0 implies an active day', () => {
    for (const r of rows) {
      expect(n(r.active_days)).toBeGreaterThanOrEqual(0);
      expect(n(r.active_days)).toBeLessThanOrEqual(7);
      if (n(r.sessions) > 0) expect(n(r.active_days)).toBeGreaterThan(0);
    }
  });

  test('empty weeks have no averages; inactivity grows by 7 across a fully empty week', () => {
    const byUser = byLearner(rows);
    for (const weeks of byUser.values()) {
      weeks.forEach((w, i) => {
        if (n(w.active_days) === 0) {
          expect([w.avg_progress, w.avg_quiz_score, w.sessions, w.modules_completed]).toEqual([
            '',
            '',
            '0',
            '0',
          ]);
          const prev = weeks[i - 1];
          if (prev && w.week_end === addDays(w.week_start ?? '', 6)) {
            expect(n(w.inactivity_days)).toBe(n(prev.inactivity_days) + 7);
          }
        }
      });
    }
  });

  test('inactivity is never negative, positive in empty weeks, and 0 in some active weeks', () => {
    const activeOn = new Set<string>();
    // The last event date up to each week's end is what inactivity counts from.
    for (const r of rows) if (n(r.inactivity_days) === 0) activeOn.add(`${r.user_id}|${r.week_end}`);
    for (const r of rows) {
      expect(n(r.inactivity_days)).toBeGreaterThanOrEqual(0);
      if (n(r.active_days) === 0) expect(n(r.inactivity_days)).toBeGreaterThan(0);
    }
    expect(activeOn.size).toBeGreaterThan(0);
  });

  test('every learner ends on the as-of week and weeks are consecutive', () => {
    const asOfMonday = mondayOf(report.asOf);
    const byUser = byLearner(rows);
    expect(byUser.size).toBe(report.learners.active);
    for (const weeks of byUser.values()) {
      expect(weeks.at(-1)?.week_start).toBe(asOfMonday);
      weeks.forEach((w, i) => {
        expect(n(w.week_index)).toBe(i + 1);
        if (i > 0) expect(w.week_start).toBe(addDays(weeks[i - 1]?.week_start ?? '', 7));
      });
    }
  });

  test('cumulative columns are running totals of the weekly ones', () => {
    const byUser = byLearner(rows);
    for (const weeks of byUser.values()) {
      let sessions = 0;
      let completed = 0;
      for (const w of weeks) {
        sessions += n(w.sessions);
        completed += n(w.modules_completed);
        expect(n(w.cum_sessions)).toBe(sessions);
        expect(n(w.cum_modules_completed)).toBe(completed);
      }
    }
  });
});

function addDays(isoDate: string, days: number): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function mondayOf(isoDate: string): string {
  const day = new Date(`${isoDate}T00:00:00Z`).getUTCDay();
  return addDays(isoDate, -((day + 6) % 7));
}

function byLearner(rows: Record<string, string>[]): Map<string, Record<string, string>[]> {
  const groups = new Map<string, Record<string, string>[]>();
  for (const row of rows) {
    const key = row.user_id ?? '';
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return groups;
}
