/**
 * Fatal input problems: exit code 2, exactly one line on stderr naming the file (and column or
 * line), and nothing written to the output folder (a pre-existing output folder stays as it was).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { copySample, editFile, removeTempDirs, tempDir } from '../helpers/fs.ts';

afterAll(removeTempDirs);

interface Case {
  name: string;
  /** Breaks a copy of the sample export; returns extra CLI args if any. */
  breakData: (dir: string) => string[] | undefined;
  message: (dir: string) => string;
  env?: Record<string, string>;
}

const lines = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8').split('\n');
const writeLines = (dir: string, file: string, rows: string[]) =>
  writeFileSync(join(dir, file), rows.join('\n'));

/** Repeats the activity rows so the file is larger than the loader's 256 KB header probe. */
function bigActivity(dir: string): string[] {
  const [header, ...rows] = lines(dir, 'lms_lesson_activity.csv').filter((l) => l !== '');
  const out = [header as string];
  for (let copy = 0; out.length < 12_000; copy++) {
    for (const row of rows) out.push(row.replace(/^ACT/, `ACT${copy}-`));
  }
  return out;
}

const cases: Case[] = [
  {
    name: 'data folder does not exist',
    breakData: (dir) => {
      rmSync(dir, { recursive: true });
      return undefined;
    },
    message: (dir) => `${dir}: data folder not found`,
  },
  {
    name: 'a file is missing',
    breakData: (dir) => {
      rmSync(join(dir, 'lms_quiz_attempts.csv'));
      return undefined;
    },
    message: (dir) => `lms_quiz_attempts.csv: file not found in ${dir}`,
  },
  {
    name: 'a file is empty',
    breakData: (dir) => {
      writeFileSync(join(dir, 'lms_users.csv'), '');
      return undefined;
    },
    message: () => 'lms_users.csv: file is empty',
  },
  {
    name: 'a file has a header but no rows',
    breakData: (dir) => {
      writeFileSync(join(dir, 'lms_courses.csv'), 'course_id,course_name,category ,created_at\n');
      return undefined;
    },
    message: () => 'lms_courses.csv: has a header but no data rows',
  },
  {
    name: 'a required column is missing',
    breakData: (dir) => {
      editFile(join(dir, 'lms_lesson_activity.csv'), (t) => t.replace('progress ,', 'percent,'));
      return undefined;
    },
    message: () => 'lms_lesson_activity.csv: missing required column "progress"',
  },
  {
    name: 'a header names a column twice',
    breakData: (dir) => {
      editFile(join(dir, 'lms_modules.csv'), (t) => t.replace('module_name', ' Module_ID'));
      return undefined;
    },
    message: () => 'lms_modules.csv: column "module_id" appears twice in the header',
  },
  {
    name: 'a binary file in place of a CSV',
    breakData: (dir) => {
      writeFileSync(
        join(dir, 'lms_modules.csv'),
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0]),
      );
      return undefined;
    },
    message: () => 'lms_modules.csv: not a CSV file (binary content at line 3)',
  },
  {
    name: 'a JSON file in place of a CSV',
    breakData: (dir) => {
      writeFileSync(join(dir, 'lms_courses.csv'), '{"course_id": "C001"}\n{"course_id": "C002"}\n');
      return undefined;
    },
    message: () => 'lms_courses.csv: not a CSV file (line 1 has no comma-separated header)',
  },
  {
    name: 'a folder in place of a file',
    breakData: (dir) => {
      rmSync(join(dir, 'lms_users.csv'));
      mkdirSync(join(dir, 'lms_users.csv'));
      return undefined;
    },
    message: () => 'lms_users.csv: is a directory, not a CSV file',
  },
  {
    name: 'UTF-16 encoding',
    breakData: (dir) => {
      const text = readFileSync(join(dir, 'lms_users.csv'), 'utf8');
      writeFileSync(
        join(dir, 'lms_users.csv'),
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
      );
      return undefined;
    },
    message: () => 'lms_users.csv: encoded as UTF-16; export it as UTF-8',
  },
  {
    name: 'a Latin-1 byte near the top of a file',
    breakData: (dir) => {
      const rows = lines(dir, 'lms_users.csv');
      const bytes = Buffer.from(rows.join('\n'), 'utf8');
      const at = bytes.indexOf(Buffer.from('Zannotelli'));
      bytes[at + 1] = 0xe9; // 'Z\xe9nnotelli', not UTF-8
      writeFileSync(join(dir, 'lms_users.csv'), bytes);
      return undefined;
    },
    message: () => 'lms_users.csv: line 2: not valid UTF-8',
  },
  {
    name: 'a Latin-1 byte deep in a large file',
    breakData: (dir) => {
      const rows = bigActivity(dir);
      rows[11_000] = 'ACTX,U001,M001,st\u00e9rted,10,2/1/2026';
      writeFileSync(join(dir, 'lms_lesson_activity.csv'), Buffer.from(rows.join('\n'), 'latin1'));
      return undefined;
    },
    message: () => 'lms_lesson_activity.csv: line 11001: not valid UTF-8',
  },
  {
    name: 'a row with too many fields',
    breakData: (dir) => {
      const rows = lines(dir, 'lms_users.csv');
      rows[4] = `${rows[4]},extra`;
      writeLines(dir, 'lms_users.csv', rows);
      return undefined;
    },
    message: () => 'lms_users.csv: line 5: expected 8 fields, found 9',
  },
  {
    name: 'a row with too few fields deep in a large file',
    breakData: (dir) => {
      const rows = bigActivity(dir);
      rows[9_999] = 'ACTX,U001,M001,started,10';
      writeLines(dir, 'lms_lesson_activity.csv', rows);
      return undefined;
    },
    message: () => 'lms_lesson_activity.csv: line 10000: expected 6 fields, found 5',
  },
  {
    name: 'an unterminated quoted field',
    breakData: (dir) => {
      const rows = lines(dir, 'lms_quiz_attempts.csv');
      rows[6] = `"${rows[6]}`;
      writeLines(dir, 'lms_quiz_attempts.csv', rows);
      return undefined;
    },
    message: () => 'lms_quiz_attempts.csv: line 7: unterminated quoted field',
  },
  {
    name: 'an impossible --as-of date',
    breakData: () => ['--as-of', '2026-02-30'],
    message: () =>
      "option '--as-of <date>' argument '2026-02-30' is invalid. --as-of 2026-02-30: expected a date as YYYY-MM-DD",
  },
  {
    name: 'no learner event survives validation',
    breakData: (dir) => {
      editFile(join(dir, 'lms_users.csv'), (t) => t.replace(/,(learner|student),/gi, ',admin,'));
      return undefined;
    },
    message: () => 'lms_lesson_activity.csv, lms_quiz_attempts.csv: no learner event left after validation',
  },
  {
    name: 'a file mixing D/M/YYYY and M/D/YYYY dates',
    breakData: (dir) => {
      // Line 7 (2/16/2026) is M/D/YYYY; line 40 becomes D/M/YYYY.
      const rows = lines(dir, 'lms_lesson_activity.csv');
      rows[39] = (rows[39] as string).replace(/,[^,]*$/, ',25/2/2026');
      writeLines(dir, 'lms_lesson_activity.csv', rows);
      return undefined;
    },
    message: () =>
      'lms_lesson_activity.csv: event_time, line 40: "25/2/2026" is D/M/YYYY but line 7 (event_time "2/16/2026") is M/D/YYYY; one file must use one date order',
  },
  {
    name: 'an unknown LUMEN_DATE_ORDER',
    breakData: () => undefined,
    env: { LUMEN_DATE_ORDER: 'ymd' },
    message: () => 'LUMEN_DATE_ORDER=ymd is not valid (mdy or dmy)',
  },
  {
    name: 'an unknown LUMEN_TZ',
    breakData: () => undefined,
    env: { LUMEN_TZ: 'Mars/Olympus_Mons' },
    message: () => 'LUMEN_TZ=Mars/Olympus_Mons is not a known IANA time zone',
  },
];

describe('malformed input stops `lumen features` with one line and exit code 2', () => {
  test.concurrent.each(cases)('$name', async ({ breakData, message, env }) => {
    const data = copySample();
    const extra = breakData(data) ?? [];
    const out = join(tempDir('lumen-out-'), 'out');
    // A previous run's output must survive a failed run untouched.
    mkdirSync(out);
    writeFileSync(join(out, 'weekly_behavioral_features.csv'), 'previous run\n');

    const result = await runCli(['features', '--data', data, '--out', out, ...extra], env);

    expect(result.code).toBe(2);
    const stderrLines = result.stderr.trimEnd().split('\n');
    expect(stderrLines).toHaveLength(1);
    expect(stderrLines[0]).toMatch(/^(lumen|error): /);
    expect(stderrLines[0]?.replace(/^(lumen|error): /, '')).toBe(message(data));
    expect(readdirSync(out)).toEqual(['weekly_behavioral_features.csv']);
    expect(readFileSync(join(out, 'weekly_behavioral_features.csv'), 'utf8')).toBe('previous run\n');
  });
});
