/**
 * The drill of issue 15: a worker dies after it switched OUT/latest to its run but before the job
 * completed; meanwhile the export goes bad; a new worker recovers the job. The recovered attempt
 * writes its own run folder (a new id), fails on the bad export, and never touches the published run
 * or the one before it: OUT/latest still points at a complete, good run, byte for byte as published.
 *
 * "After the switch, before completion" without a race: the worker process is stopped (SIGSTOP) as
 * soon as the refresh has begun. Its compute child (a separate process) goes on to publish the run and
 * record it in the run history, but the stopped worker can never mark the job completed; the test
 * waits for that record, then SIGKILLs the worker (its child exits with it).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { JobsConfig } from '../../src/jobs/config.ts';
import { JobQueues } from '../../src/jobs/job-queues.ts';
import { type RunningWorker, startWorker } from '../../src/jobs/job-worker.ts';
import { enqueueRefresh, waitForJob } from '../../src/jobs/producer.ts';
import { RunHistory } from '../../src/jobs/runs/run-history.ts';
import { readManifest } from '../../src/run-folder/index.ts';
import { folderSnapshot, removeTempDirs, tempDir } from '../helpers/fs.ts';
import { copiedExport } from '../helpers/shared-fixtures.ts';
import { deleteKeys, quietLog, REDIS_URL, testConfig, testJobsConfig, uniquePrefix } from './redis-kit.ts';
import { spawnWorker } from './spawn-worker.ts';

const prefix = uniquePrefix('drill');
let dataDir: string;
let outDir: string;
let jobsConfig: JobsConfig;
let queues: JobQueues;
let child: ChildProcess | null = null;
let rescuer: RunningWorker | null = null;

const spawnThisWorker = () => spawnWorker({ prefix, dataDir, outDir });

beforeAll(async () => {
  outDir = tempDir('lumen-drill-out-');
  // A copy: the drill breaks the export's courses file.
  dataDir = await copiedExport({ learners: 800, seed: 5 }, 'lumen-drill-data-');
  jobsConfig = testJobsConfig(prefix, { dataDir, outDir });
  queues = await JobQueues.open(jobsConfig);
});

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rescuer?.close();
  await queues?.close();
  await deleteKeys(prefix);
  removeTempDirs();
});

/** Every file of a folder with its size and modification time: what "untouched" means here. */
const snapshot = folderSnapshot;

function expectCompleteRun(runDir: string): void {
  for (const file of [
    'run.json',
    'run_summary.json',
    'ML_Prediction.csv',
    'model_card.json',
    'models/latest.json',
    'learner_outcomes.csv',
    'weekly_behavioral_features.csv',
    'data_quality.json',
    'dashboard.html',
  ]) {
    expect(existsSync(join(runDir, file)), `${runDir}/${file}`).toBe(true);
  }
}

async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 100));
}

test('killed after the switch, export broken, job recovered: OUT/latest stays the complete good run', async () => {
  const worker = await spawnThisWorker();
  child = worker;
  const history = new RunHistory(queues.redis, prefix);

  // Run A: the run before the one the drill publishes.
  const first = await enqueueRefresh(queues, { trigger: 'test' });
  const runA = await waitForJob(queues, 'refresh', first.id, { timeoutMs: 60_000 });
  expect(readlinkSync(join(outDir, 'latest'))).toBe(join('runs', runA.runId));

  // Run B: the worker is stopped as soon as the refresh has begun; its compute child publishes.
  const events = new QueueEvents('compute', { connection: { url: REDIS_URL }, prefix });
  await events.waitUntilReady();
  const second = await enqueueRefresh(queues, { trigger: 'test', forceTrain: true });
  await new Promise<void>((resolve) => {
    events.on('progress', ({ jobId }) => {
      if (jobId === second.id && worker.signalCode === null) {
        worker.kill('SIGSTOP');
        resolve();
      }
    });
  });
  await events.close();
  // The child has switched OUT/latest and recorded its run (both happen before the job completes).
  await until(async () => (await history.list()).some((r) => r.jobId === second.id));
  const [recordB] = (await history.list()).filter((r) => r.jobId === second.id);
  expect(recordB?.status).toBe('succeeded');
  const runB = recordB?.runId ?? '';
  expect(readlinkSync(join(outDir, 'latest'))).toBe(join('runs', runB));
  worker.kill('SIGKILL');
  await new Promise((resolve) => worker.once('exit', resolve));
  // Killed before completion: the job is still active, its lock left to expire.
  expect(await (await queues.compute.getJob(second.id))?.getState()).toBe('active');
  expect(readManifest(join(outDir, 'runs', runB))).toMatchObject({ runId: runB, previousRunId: runA.runId });
  expectCompleteRun(join(outDir, 'runs', runB));
  const published = snapshot(join(outDir, 'runs', runB));
  const before = snapshot(join(outDir, 'runs', runA.runId));

  // The export goes bad before anyone recovers the job.
  writeFileSync(join(dataDir, 'lms_courses.csv'), 'course_name,category\nNo id,none\n');

  rescuer = await startWorker(testConfig(), jobsConfig, null, {
    lockDurationMs: 2000,
    stalledIntervalMs: 500,
    upsertSchedules: false,
    log: quietLog,
  });
  await expect(waitForJob(queues, 'refresh', second.id, { timeoutMs: 60_000 })).rejects.toThrow(
    /lms_courses\.csv/,
  );
  const stored = await queues.compute.getJob(second.id);
  expect(stored?.stalledCounter).toBe(1);
  expect(await stored?.getState()).toBe('failed');

  // The recovered attempt had its own run id and failed; nothing it did reached either published run.
  const attempts = (await history.list()).filter((r) => r.jobId === second.id);
  expect(attempts.map((r) => r.status)).toEqual(['failed', 'succeeded']);
  expect(attempts[0]?.runId).not.toBe(runB);
  expect(readlinkSync(join(outDir, 'latest'))).toBe(join('runs', runB));
  expectCompleteRun(join(outDir, 'latest'));
  expect(snapshot(join(outDir, 'runs', runB))).toEqual(published);
  expect(snapshot(join(outDir, 'runs', runA.runId))).toEqual(before);
  expect(readFileSync(join(outDir, 'latest', 'run.json'), 'utf8')).toContain(runB);
  // No half-written folder of the failed attempt is left beside them.
  expect(readdirSync(join(outDir, 'runs')).sort()).toEqual(['history.json', runA.runId, runB].sort());
}, 180_000);
