/**
 * Where the files' text is kept while they are checked (load.ts): a DuckDB table, or, for a file
 * too large for DuckDB's memory, a Parquet file in the database's own folder. Both give the same
 * data-quality report (line numbers included), the same checked rows and the same one-line errors,
 * on exports with the quirks line numbering must survive: quoted fields spanning lines, blank lines
 * between records, CR LF and mixed line ends, a ragged row.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { Db } from '../../src/analytics/db.ts';
import { dropLoaded, loadSources } from '../../src/analytics/load.ts';
import { openDb } from '../../src/analytics/pipeline.ts';
import { type DataQualityReport, validateData } from '../../src/analytics/validate.ts';
import { readConfig } from '../../src/config.ts';
import { writeDataset } from '../helpers/dataset.ts';
import { copySample, editFile, removeTempDirs, SAMPLE_DIR, tempDir } from '../helpers/fs.ts';
import { sharedExport } from '../helpers/shared-fixtures.ts';

afterAll(removeTempDirs);

const config = readConfig({});

type Outcome = { report: DataQualityReport; lessons: unknown[]; quizzes: unknown[] } | { error: string };

async function withDb<T>(work: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb(config);
  try {
    return await work(db);
  } finally {
    db.close();
  }
}

/** Validates `dir` with its text kept as Parquet (`parquet`) or in DuckDB; the report and checked rows. */
function validate(dir: string, parquet: boolean, asOf?: string): Promise<Outcome> {
  return withDb(async (db) => {
    try {
      const report = await validateData(db, {
        dataDir: dir,
        tz: config.tz,
        asOf,
        rawText: parquet ? { parquetAboveBytes: 0 } : { parquetAboveBytes: Number.POSITIVE_INFINITY },
      });
      const rows = (table: string) => db.all(`SELECT * FROM ${table} ORDER BY line_no`);
      return {
        report,
        lessons: await rows('int_lesson_activity_checked'),
        quizzes: await rows('int_quiz_attempts_checked'),
      };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  });
}

async function expectSameBothWays(dir: string, asOf?: string): Promise<Outcome> {
  const inDuckDb = await validate(dir, false, asOf);
  const asParquet = await validate(dir, true, asOf);
  expect(asParquet).toEqual(inDuckDb);
  return inDuckDb;
}

function toCrlf(dir: string): void {
  for (const file of readdirSync(dir)) editFile(join(dir, file), (text) => text.replace(/\n/g, '\r\n'));
}

describe('the text of every file as Parquet', () => {
  test('is read from Parquet files in the database folder, removed once the checked tables exist', async () => {
    await withDb(async (db) => {
      const loaded = await loadSources(db, SAMPLE_DIR, null, { parquetAboveBytes: 0 });
      const views = await db.all<{ view_name: string; sql: string }>(
        "SELECT view_name, sql FROM duckdb_views() WHERE view_name IN ('raw_users', 'raw_lesson_activity')",
      );
      expect(views).toHaveLength(2);
      for (const view of views) expect(view.sql).toContain('read_parquet');
      const tables = await db.all(
        "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'raw_%_text'",
      );
      // Only the enrolments file, which the sample does not have, is an (empty) table.
      expect(tables).toEqual([{ table_name: 'raw_enrolments_text' }]);
      const parquet = db.scratchPath('raw_lesson_activity.parquet') as string;
      expect(existsSync(parquet)).toBe(true);
      await dropLoaded(db, loaded);
      expect(existsSync(parquet)).toBe(false);
    });
  });

  test('the sample export: the same report, line numbers and checked rows', async () => {
    const outcome = await expectSameBothWays(SAMPLE_DIR);
    expect('report' in outcome && outcome.lessons.length).toBeGreaterThan(100);
  });

  test('quoted fields spanning lines, blank lines between records, CR LF', async () => {
    const dir = copySample();
    editFile(join(dir, 'lms_users.csv'), (text) =>
      text
        .replace('U001,Clemente,Zannotelli,', 'U001,Clemente,"Zanno\ntelli",')
        .replace('\nU010,', '\n\n\nU010,'),
    );
    editFile(join(dir, 'lms_lesson_activity.csv'), (text) => text.replace('\nACT007,', '\n\nACT007,'));
    toCrlf(dir);
    const outcome = await expectSameBothWays(dir);
    expect('report' in outcome).toBe(true);
  });

  test('bad values after a multi-line record are excluded on the same lines', async () => {
    const dir = writeDataset(tempDir(), {
      lessons: [
        ['A01', 'U1', 'M1', 'started', '10', '3/2/2026'],
        ['A02', 'U1', 'M1', '"in\nprogress"', '10', '2/30/2026'],
        ['A03', 'U1', 'M1', 'started', 'ten', '3/3/2026'],
        ['A01', 'U1', 'M1', 'started', '10', '3/3/2026'],
        ['A04', 'U2', 'M2', 'completed', '100', '3/4/2026'],
      ],
      quizzes: [
        ['Q1', 'U1', 'M1', '101', '3/4/2026'],
        ['Q2', 'U2', 'M2', '80', '3/5/2026'],
      ],
    });
    const outcome = await expectSameBothWays(dir, '2026-03-10');
    if (!('report' in outcome)) throw new Error(outcome.error);
    const lessons = outcome.report.files.find((f) => f.file === 'lms_lesson_activity.csv');
    expect(lessons?.excluded.map((e) => [e.reason, e.firstLines])).toEqual([
      ['duplicate_id', [6]],
      ['unparseable_value', [3]],
      ['unparseable_value', [5]],
    ]);
  });

  test('mixed line ends and a ragged row: the same one-line error', async () => {
    const dir = copySample();
    editFile(join(dir, 'lms_users.csv'), (text) => {
      const lines = text.replace(/\n$/, '').split('\n');
      lines[9] = `${lines[9]},extra`;
      return `${lines.slice(0, 5).join('\n')}\n\r\n${lines.slice(5).join('\r\n')}\r\n`;
    });
    const outcome = await expectSameBothWays(dir);
    expect(outcome).toEqual({ error: 'lms_users.csv: line 11: expected 8 fields, found 9' });
  });

  test('a generated export: every checked row the same', async () => {
    const outcome = await expectSameBothWays(await sharedExport({ learners: 300, seed: 11 }));
    expect('report' in outcome && outcome.lessons.length).toBeGreaterThan(1000);
  });
});
