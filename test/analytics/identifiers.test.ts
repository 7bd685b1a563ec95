import { afterAll, describe, expect, test } from 'vitest';
import { runValidate } from '../../src/analytics/pipeline.ts';
import { readConfig } from '../../src/config.ts';
import { writeDataset } from '../helpers/dataset.ts';
import { removeTempDirs, tempDir } from '../helpers/fs.ts';

afterAll(removeTempDirs);

const config = readConfig({});

describe('identifiers', () => {
  test('ids with surrounding tabs, no-break spaces or CRs match the trimmed id', async () => {
    const dir = writeDataset(tempDir(), {
      users: [
        ['U1\t', 'Ada', 'Lovelace', 'ada@example.org', 'Research', 'learner', '1/5/2026', '1/6/2026'],
        ['\u00a0U2', 'Alan', 'Turing', 'alan@example.org', 'Research', '\tstudent', '1/5/2026', '1/6/2026'],
      ],
      modules: [
        ['M1\t', 'C1\t', 'Module one', '1'],
        ['M2', ' C1', 'Module two', '2'],
      ],
      lessons: [
        ['A1', 'U1', 'M1', 'started', '10', '3/2/2026'],
        ['A2', '\tU2\t', '\tM2', 'completed\t', '100', '3/3/2026\t'],
      ],
      quizzes: [['Q1', 'U1\u000b', 'M1\t', '80', '3/4/2026\t']],
    });
    const report = await runValidate(config, { dataDir: dir });
    expect(report.files.flatMap((f) => f.excluded)).toEqual([]);
    expect(report.learners).toEqual({ kept: 2, staffExcluded: 0, active: 2 });
    expect(report.asOf).toBe('2026-03-04');
  });

  test('ids that differ only in letter case are kept apart, with a warning naming both and a line of each', async () => {
    const dir = writeDataset(tempDir(), {
      users: [
        ['U1', 'Ada', 'Lovelace', 'ada@example.org', 'Research', 'learner', '1/5/2026', '1/6/2026'],
        ['U2', 'Alan', 'Turing', 'alan@example.org', 'Research', 'learner', '1/5/2026', '1/6/2026'],
        ['u1', 'Ada', 'Lower', 'ada2@example.org', 'Research', 'learner', '1/5/2026', '1/6/2026'],
      ],
      lessons: [
        ['A1', 'U1', 'M1', 'started', '10', '3/2/2026'], // 2
        ['A2', 'u2', 'M1', 'started', '10', '3/2/2026'], // 3: unknown user, matches U2 (users line 3)
        ['A3', 'U2', 'm2', 'started', '10', '3/2/2026'], // 4: unknown module, matches M2 (modules line 3)
        ['A4', 'u1', 'M1', 'started', '10', '3/2/2026'], // 5: kept, u1 is a user of its own
      ],
      quizzes: [],
    });
    const report = await runValidate(config, { dataDir: dir });
    const caseWarnings = report.warnings
      .filter((w) => w.check.includes('letter case'))
      .map((w) => [w.file, w.check, w.rows, w.firstLines]);
    expect(caseWarnings).toEqual([
      [
        'lms_lesson_activity.csv',
        "module_id unknown, but matches a kept id when letter case is ignored (row excluded), e.g. 'm2' (line 4) and 'M2' (lms_modules.csv line 3)",
        1,
        [4],
      ],
      [
        'lms_lesson_activity.csv',
        "user_id unknown, but matches a kept id when letter case is ignored (row excluded), e.g. 'u2' (line 3) and 'U2' (lms_users.csv line 3)",
        1,
        [3],
      ],
      [
        'lms_users.csv',
        "user_id values differ only in letter case, e.g. 'U1' (line 2) and 'u1' (line 4)",
        2,
        [2, 4],
      ],
    ]);
    const lessons = report.files.find((f) => f.file === 'lms_lesson_activity.csv');
    expect(lessons?.excluded.map((e) => [e.reason, e.firstLines])).toEqual([
      ['unknown_module', [4]],
      ['unknown_user', [3]],
    ]);
  });
});
