import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { removeTempDirs, tempDir } from '../helpers/fs.ts';

afterAll(removeTempDirs);

test('lumen feedback --out exports the button log as CSV', async () => {
  const out = tempDir('lumen-out-');
  mkdirSync(join(out, 'feedback'));
  const entries = [
    {
      at: '2026-06-29T08:05:00.000Z',
      learnerId: 'U0000040',
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
  expect(lines[0]).toBe('at,learnerId,slackUserId,verdict,modelVersion,jobId');
  expect(lines.slice(1)).toEqual([
    '2026-06-29T08:05:00.000Z,U0000040,UADMIN,contacted,m1,j1',
    '2026-06-29T08:06:00.000Z,U0001934,UADMIN,snoozed,m1,j2',
  ]);
});
