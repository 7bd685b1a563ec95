/**
 * The feedback record in Redis with OUT/feedback/feedback.jsonl as its export: several workers
 * recording at once lose nothing, a log written before Redis held the record is taken over once, a
 * retried job records once. Real Redis, this file's own key prefix.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, expect, test } from 'vitest';
import { enrolmentKey } from '../../src/analytics/enrolment-key.ts';
import {
  type FeedbackEntry,
  FeedbackStore,
  feedbackCsv,
  feedbackLogPath,
  latestFeedback,
} from '../../src/jobs/feedback-log.ts';
import { removeTempDirs, tempDir } from '../helpers/fs.ts';
import { deleteKeys, REDIS_URL, uniquePrefix } from './redis-kit.ts';

const prefix = uniquePrefix('feedback');
const connections: Redis[] = [];

function worker(): FeedbackStore {
  const redis = new Redis(REDIS_URL);
  connections.push(redis);
  return new FeedbackStore(redis, prefix);
}

afterAll(async () => {
  for (const redis of connections) redis.disconnect();
  await deleteKeys(prefix);
  removeTempDirs();
});

function entry(n: number, overrides: Partial<FeedbackEntry> = {}): FeedbackEntry {
  return {
    at: new Date(Date.UTC(2026, 5, 1, 0, n)).toISOString(),
    jobId: `job-${n}`,
    learnerId: `U${n}`,
    courseId: 'C1',
    slackUserId: 'W1',
    verdict: n % 2 ? 'contacted' : 'snoozed',
    modelVersion: 'v1',
    ...overrides,
  };
}

function exported(outDir: string): FeedbackEntry[] {
  return readFileSync(feedbackLogPath(outDir), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as FeedbackEntry);
}

test('three workers recording 40 verdicts at once: all 120 in the record and in the export', async () => {
  const outDir = tempDir('lumen-feedback-');
  const stores = [worker(), worker(), worker()];
  await Promise.all(
    stores.flatMap((store, w) =>
      Array.from({ length: 40 }, (_, i) => store.record(outDir, entry(w * 100 + i))),
    ),
  );
  const lines = await stores[0]?.lines(outDir);
  expect(lines).toHaveLength(120);
  const jobs = exported(outDir).map((e) => e.jobId);
  expect(new Set(jobs).size).toBe(120);
  expect(latestFeedback(outDir).size).toBe(120);
  expect(feedbackCsv(outDir).trim().split('\n')).toHaveLength(121);
});

test('a log from before is taken over once, at the head, in order; a retried job records once', async () => {
  const outDir = tempDir('lumen-feedback-old-');
  mkdirSync(join(outDir, 'feedback'));
  const old = [entry(1), entry(2, { learnerId: 'U1', verdict: 'not-at-risk' })];
  writeFileSync(
    feedbackLogPath(outDir),
    `${old.map((e) => JSON.stringify(e)).join('\n')}\n{"at":"2026-06-01T1`, // a line cut by a crash
  );
  const [a, b] = [worker(), worker()];
  await a.record(outDir, entry(3));
  await b.record(outDir, entry(4));
  // The worker died after recording job-4; its retry records nothing new.
  await a.record(outDir, entry(4, { at: new Date(Date.UTC(2026, 5, 2)).toISOString() }));
  expect(exported(outDir).map((e) => e.jobId)).toEqual(['job-1', 'job-2', 'job-3', 'job-4']);
  expect(latestFeedback(outDir).get(enrolmentKey('U1', 'C1'))?.verdict).toBe('not-at-risk');
});
