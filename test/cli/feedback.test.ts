import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, expect, test } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { removeTempDirs, tempDir } from '../helpers/fs.ts';
import { sharedExport } from '../helpers/shared-fixtures.ts';

afterAll(removeTempDirs);

test('lumen feedback --out exports the button log as CSV', async () => {
  const out = tempDir('lumen-out-');
  mkdirSync(join(out, 'feedback'));
  const entries = [
    {
      at: '2026-06-29T08:05:00.000Z',
      learnerId: 'U0000040',
      courseId: 'C001',
      slackUserId: 'UADMIN',
      verdict: 'contacted',
      modelVersion: 'm1',
      jobId: 'j1',
    },
    {
      at: '2026-06-29T08:06:00.000Z',
      learnerId: 'U0001934',
      slackUserId: 'UADMIN',
      verdict: 'snoozed',
      modelVersion: 'm1',
      jobId: 'j2',
    },
  ];
  writeFileSync(
    join(out, 'feedback', 'feedback.jsonl'),
    `${entries.map((e) => JSON.stringify(e)).join('\n')}\n`,
  );
  const target = join(tempDir(), 'feedback.csv');
  const result = await runCli(['feedback', '--from', out, '--out', target]);
  expect(result.code).toBe(0);
  const lines = readFileSync(target, 'utf8').trim().split('\n');
  expect(lines[0]).toBe('at,learnerId,courseId,slackUserId,verdict,modelVersion,jobId');
  // The second line was logged before verdicts were per enrolment: no course.
  expect(lines.slice(1)).toEqual([
    '2026-06-29T08:05:00.000Z,U0000040,C001,UADMIN,contacted,m1,j1',
    '2026-06-29T08:06:00.000Z,U0001934,,UADMIN,snoozed,m1,j2',
  ]);
});

test('the model card reports how learners flagged with the feedback buttons turned out', async () => {
  const out = tempDir('lumen-out-');
  const data = await sharedExport({ learners: 600, seed: 8 });
  expect((await runCli(['run', '--data', data, '--out', out])).code).toBe(0);
  // Feedback is kept per enrolment (a learner in one course): each entry names its course.
  const outcomes = parse(readFileSync(join(out, 'latest', 'learner_outcomes.csv')), {
    columns: true,
  }) as Record<string, string>[];
  const enrolmentsWith = (outcome: string) => outcomes.filter((o) => o.outcome === outcome);
  const [completed] = enrolmentsWith('completed');
  const [dropped1, dropped2] = enrolmentsWith('dropped');
  const [open] = enrolmentsWith('open');
  const entry = (enrolment: Record<string, string> | undefined, verdict: string, at: string) =>
    JSON.stringify({
      at,
      learnerId: enrolment?.user_id,
      courseId: enrolment?.course_id,
      slackUserId: 'UADMIN',
      verdict,
      modelVersion: 'm0',
      jobId: 'j',
    });
  mkdirSync(join(out, 'feedback'));
  writeFileSync(
    join(out, 'feedback', 'feedback.jsonl'),
    `${[
      entry(dropped1, 'snoozed', '2026-06-01T08:00:00.000Z'),
      entry(dropped1, 'contacted', '2026-06-02T08:00:00.000Z'), // the latest verdict counts
      entry(dropped2, 'contacted', '2026-06-02T09:00:00.000Z'),
      entry(completed, 'contacted', '2026-06-02T10:00:00.000Z'),
      entry(open, 'not-at-risk', '2026-06-03T08:00:00.000Z'),
      entry({ user_id: 'U9999999', course_id: 'C001' }, 'snoozed', '2026-06-03T09:00:00.000Z'),
    ].join('\n')}\n`,
  );
  expect((await runCli(['run', '--data', data, '--out', out])).code).toBe(0);
  const card = JSON.parse(readFileSync(join(out, 'latest', 'model_card.json'), 'utf8'));
  expect(card.feedback).toEqual([
    { verdict: 'contacted', learners: 3, completed: 1, dropped: 2, open: 0, unknown: 0 },
    { verdict: 'not-at-risk', learners: 1, completed: 0, dropped: 0, open: 1, unknown: 0 },
    { verdict: 'snoozed', learners: 1, completed: 0, dropped: 0, open: 0, unknown: 1 },
  ]);
  expect(readFileSync(join(out, 'latest', 'model_card.md'), 'utf8')).toContain(
    '| contacted | 3 | 1 | 2 | 0 | 0 |',
  );
  // Two whole `lumen run`s of 600 learners: over the default 60 s when the suite loads both cores.
}, 180_000);
