/** `lumen status` (real Redis, own key prefix) shows the run `lumen run` published, no worker needed. */
import { readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { generateLmsData } from '../../src/analytics/generate.ts';
import { runCli } from '../helpers/cli.ts';
import { removeTempDirs, tempDir } from '../helpers/fs.ts';
import { deleteKeys, REDIS_URL, uniquePrefix } from './redis-kit.ts';

const prefix = uniquePrefix('status-cli');

afterAll(async () => {
  await deleteKeys(prefix);
  removeTempDirs();
});

test('lumen status names the run lumen run published', async () => {
  const data = tempDir('lumen-data-');
  const out = tempDir('lumen-out-');
  await generateLmsData({ learners: 400, seed: 3, outDir: data });
  expect((await runCli(['run', '--data', data, '--out', out])).code).toBe(0);
  const runId = readlinkSync(join(out, 'latest')).replace('runs/', '');
  const status = await runCli(['status'], { REDIS_URL, LUMEN_QUEUE_PREFIX: prefix, LUMEN_OUT_DIR: out });
  expect(status.code, status.stderr).toBe(0);
  expect(status.stdout).toMatch(
    new RegExp(
      `\\npublished: ${runId.replace(/\./g, '\\.')} \\(by cli; data as of \\d{4}-\\d{2}-\\d{2}; model `,
    ),
  );
});
