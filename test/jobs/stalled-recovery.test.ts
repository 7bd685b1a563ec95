/**
 * A worker process SIGKILLed in the middle of a refresh: its lock expires, another worker recovers
 * the job and finishes it once, and OUT/latest keeps pointing at a complete run throughout.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { JobsConfig } from '../../src/jobs/config.ts';
import { JobQueues } from '../../src/jobs/job-queues.ts';
import { type RunningWorker, startWorker } from '../../src/jobs/job-worker.ts';
import { enqueueRefresh, waitForJob } from '../../src/jobs/producer.ts';
import { RunHistory } from '../../src/jobs/runs/run-history.ts';
import { removeTempDirs, tempDir } from '../helpers/fs.ts';
import { sharedExport } from '../helpers/shared-fixtures.ts';
import { deleteKeys, quietLog, REDIS_URL, testConfig, testJobsConfig, uniquePrefix } from './redis-kit.ts';
import { spawnWorker } from './spawn-worker.ts';

const prefix = uniquePrefix('stalled');
let dataDir: string;
let outDir: string;
let jobsConfig: JobsConfig;
let queues: JobQueues;
let child: ChildProcess | null = null;
let rescuer: RunningWorker | null = null;

const spawnThisWorker = () => spawnWorker({ prefix, dataDir, outDir });

beforeAll(async () => {
  outDir = tempDir('lumen-stalled-out-');
  dataDir = await sharedExport({ learners: 800, seed: 5 });
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

/** Every file the run manifest promises is there and readable. */
function expectCompleteRun(runDir: string): void {
  for (const file of ['run.json', 'ML_Prediction.csv', 'model_card.json', 'learner_outcomes.csv']) {
    expect(existsSync(join(runDir, file)), `${runDir}/${file}`).toBe(true);
  }
  expect(readdirSync(runDir).filter((name) => name.startsWith('.staging'))).toEqual([]);
}

describe('stalled-job recovery', () => {
  test('SIGKILL mid-refresh: a new worker finishes the run once; OUT/latest is never half-written', async () => {
    child = await spawnThisWorker();

    // A first good run, so there is a published OUT/latest the interrupted run must not disturb.
    const first = await enqueueRefresh(queues, { trigger: 'test' });
    const firstRun = await waitForJob(queues, 'refresh', first.id, { timeoutMs: 45_000 });
    const firstTarget = readlinkSync(join(outDir, 'latest'));
    expect(firstTarget).toBe(join('runs', firstRun.runId));

    // The second run is killed with its worker as soon as it is past validation.
    const events = new QueueEvents('compute', { connection: { url: REDIS_URL }, prefix });
    await events.waitUntilReady();
    const second = await enqueueRefresh(queues, { trigger: 'test', forceTrain: true });
    const worker = child;
    const killed = new Promise<void>((resolve) => {
      events.on('progress', ({ jobId, data }) => {
        const stage = (data as { stage?: string }).stage;
        if (jobId === second.id && stage === 'features' && worker.exitCode === null) {
          worker.kill('SIGKILL');
          resolve();
        }
      });
    });
    await killed;
    await events.close();
    await new Promise((resolve) => worker.once('exit', resolve));

    // While nobody works on it, readers still see the first, complete run.
    expect(readlinkSync(join(outDir, 'latest'))).toBe(firstTarget);
    expectCompleteRun(join(outDir, 'latest'));
    expect(await (await queues.compute.getJob(second.id))?.getState()).toBe('active');

    rescuer = await startWorker(testConfig(), jobsConfig, null, {
      lockDurationMs: 2000,
      stalledIntervalMs: 500,
      upsertSchedules: false,
      log: quietLog,
    });
    const secondRun = await waitForJob(queues, 'refresh', second.id, { timeoutMs: 45_000 });

    expect(secondRun.trained).toBe(true);
    expect(readlinkSync(join(outDir, 'latest'))).toBe(join('runs', secondRun.runId));
    expectCompleteRun(join(outDir, 'latest'));
    const stored = await queues.compute.getJob(second.id);
    expect(stored?.stalledCounter).toBe(1);
    // Completed exactly once: one succeeded record for the second run, none failed.
    const runs = await new RunHistory(queues.redis, prefix).list();
    expect(runs.filter((r) => r.runId === secondRun.runId).map((r) => r.status)).toEqual(['succeeded']);
    const manifest = JSON.parse(readFileSync(join(outDir, 'latest', 'run.json'), 'utf8')) as {
      runId: string;
    };
    expect(manifest.runId).toBe(secondRun.runId);
    await rescuer.close();
    rescuer = null;
    // Three refreshes (the first, the killed one, the rescued one) with up to 45 s of waiting for
    // each: 60 s was too short when the suite's files share the machine's two cores.
  }, 150_000);

  test('SIGTERM mid-refresh: the worker finishes the current run, then exits cleanly', async () => {
    const worker = await spawnThisWorker();
    child = worker;
    const events = new QueueEvents('compute', { connection: { url: REDIS_URL }, prefix });
    await events.waitUntilReady();
    const job = await enqueueRefresh(queues, { trigger: 'test', forceTrain: true, asOf: '2026-06-20' });
    const signalled = new Promise<void>((resolve) => {
      events.on('progress', ({ jobId, data }) => {
        if (jobId === job.id && (data as { stage?: string }).stage === 'features') {
          worker.kill('SIGTERM');
          resolve();
        }
      });
    });
    await signalled;
    await events.close();
    const exitCode = await new Promise((resolve) => worker.once('exit', (code) => resolve(code)));
    expect(exitCode).toBe(0);

    const stored = await queues.compute.getJob(job.id);
    expect(await stored?.getState()).toBe('completed');
    const result = stored?.returnvalue as { runId: string };
    expect(readlinkSync(join(outDir, 'latest'))).toBe(join('runs', result.runId));
    expectCompleteRun(join(outDir, 'latest'));
  });
});
