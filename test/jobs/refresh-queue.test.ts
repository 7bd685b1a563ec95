/**
 * Refresh through the real queue and a real (in-process) worker with sandboxed compute jobs:
 * end to end on generated data, bad input, timeouts and deduplication.
 */
import { existsSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generateLmsData } from '../../src/analytics/generate.ts';
import type { JobsConfig } from '../../src/jobs/config.ts';
import { JobQueues } from '../../src/jobs/job-queues.ts';
import { type RunningWorker, startWorker } from '../../src/jobs/job-worker.ts';
import { enqueue, enqueueRefresh, enqueueTrainThenPost, waitForJob } from '../../src/jobs/producer.ts';
import { queueStatus } from '../../src/jobs/queue-status.ts';
import { RunHistory, readHistoryFile } from '../../src/jobs/runs/run-history.ts';
import type { RunRecord } from '../../src/jobs/runs/run-record.ts';
import { formatQueueStatus } from '../../src/jobs/status-text.ts';
import { readPredictions } from '../../src/run-folder/index.ts';
import { editFile, removeTempDirs, tempDir } from '../helpers/fs.ts';
import {
  deleteKeys,
  FakePublisher,
  quietLog,
  testConfig,
  testJobsConfig,
  uniquePrefix,
} from './redis-kit.ts';

const prefix = uniquePrefix('refresh');
let dataDir: string;
let outDir: string;
let jobsConfig: JobsConfig;
let worker: RunningWorker;
let queues: JobQueues;
const stalled: string[] = [];
const publisher = new FakePublisher();

beforeAll(async () => {
  dataDir = tempDir('lumen-jobs-data-');
  outDir = tempDir('lumen-jobs-out-');
  await generateLmsData({ learners: 800, seed: 11, outDir: dataDir });
  jobsConfig = testJobsConfig(prefix, { dataDir, outDir });
  // A lock much shorter than a refresh: renewal must keep working while the child computes.
  worker = await startWorker(testConfig(), jobsConfig, publisher, {
    lockDurationMs: 1000,
    stalledIntervalMs: 500,
    upsertSchedules: false,
    log: quietLog,
  });
  worker.compute.on('stalled', (jobId) => stalled.push(jobId));
  queues = await JobQueues.open(jobsConfig);
});

afterAll(async () => {
  await queues?.close();
  await worker?.close();
  await deleteKeys(prefix);
  removeTempDirs();
});

function latestTarget(): string {
  return readlinkSync(join(outDir, 'latest'));
}

function history(): Promise<RunRecord[]> {
  return new RunHistory(queues.redis, prefix).list();
}

describe('refresh through the queue', () => {
  let firstRunId: string;

  test('a refresh on generated data writes a run, switches OUT/latest and records the run', async () => {
    const started = performance.now();
    const job = await enqueueRefresh(queues, { trigger: 'test' });
    const stages: string[] = [];
    const result = await waitForJob(queues, 'refresh', job.id, {
      onProgress: (p) => stages.push(`${p.stage}@${p.percent}`),
      timeoutMs: 45_000,
    });
    const elapsed = performance.now() - started;
    firstRunId = result.runId;

    expect(result.trained).toBe(true);
    expect(result.modelVersion).toMatch(/^\d{8}T\d{6}Z-/);
    expect(latestTarget()).toBe(join('runs', result.runId));
    for (const file of ['ML_Prediction.csv', 'model_card.json', 'data_quality.json', 'run.json']) {
      expect(existsSync(join(outDir, 'latest', file)), file).toBe(true);
    }
    // Eleven stages (fingerprint, the analysis's nine, publish): each reports the share started before it.
    expect(stages).toContain('load+validate@9');
    expect(stages).toContain('charts@73');
    expect(stages).toContain('publish@91');
    // Never backwards: every stage the analysis reports is on the list.
    const percents = stages.map((s) => Number(s.split('@')[1]));
    expect(percents).toEqual([...percents].sort((a, b) => a - b));

    const [run] = await history();
    expect(run).toMatchObject({
      runId: result.runId,
      status: 'succeeded',
      trigger: 'test',
      trained: true,
      attempt: 1,
    });
    expect(Object.keys(run?.stages ?? {})).toEqual(
      expect.arrayContaining(['load+validate', 'train', 'score']),
    );
    const file = JSON.parse(readFileSync(join(outDir, 'runs', 'history.json'), 'utf8')) as RunRecord[];
    expect(file[0]?.runId).toBe(result.runId);

    // The refresh outlived the 1 s lock several times over without being reported stalled.
    expect(elapsed).toBeGreaterThan(1000);
    expect(stalled).toEqual([]);
    const stored = await queues.compute.getJob(job.id);
    expect(stored?.attemptsStarted).toBe(1);
  });

  test('bad CSV: fails once with the validation message, no retries, OUT/latest untouched', async () => {
    const badDir = tempDir('lumen-jobs-bad-');
    await generateLmsData({ learners: 50, seed: 3, outDir: badDir });
    editFile(join(badDir, 'lms_users.csv'), (text) => text.replace(/^user_id,/, 'uid,'));
    const job = await enqueueRefresh(
      queues,
      { trigger: 'test', dataDir: badDir },
      { attempts: 4, backoffMs: 50 },
    );
    await expect(waitForJob(queues, 'refresh', job.id, { timeoutMs: 30_000 })).rejects.toThrow(
      /lms_users\.csv/,
    );

    const stored = await queues.compute.getJob(job.id);
    expect(await stored?.getState()).toBe('failed');
    expect(stored?.attemptsMade).toBe(1);
    expect(stored?.failedReason).toMatch(/lms_users\.csv.*user_id/);
    expect(latestTarget()).toBe(join('runs', firstRunId));
    const [run] = await history();
    expect(run).toMatchObject({ status: 'failed', jobId: job.id });
    expect(run?.error).toMatch(/user_id/);
  });

  test('an output folder that is a file: one line worded for LUMEN_OUT_DIR, retried like any disk problem', async () => {
    const file = join(tempDir('lumen-jobs-file-'), 'out');
    writeFileSync(file, 'not a folder\n');
    const job = await enqueue(
      queues,
      'refresh',
      { trigger: 'test', dataDir, outDir: file, forceTrain: false, timeoutMs: 60_000 },
      { attempts: 2, backoffMs: 50 },
    );
    const line = `${file} is a file, not a folder: set LUMEN_OUT_DIR to a folder, or move the file away (outputs already there are unchanged)`;
    await expect(waitForJob(queues, 'refresh', job.id, { timeoutMs: 60_000 })).rejects.toThrow(line);
    const stored = await queues.compute.getJob(job.id);
    expect(stored?.failedReason).toBe(line);
    expect(stored?.attemptsMade).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe('not a folder\n');
  });

  test('a job over its working time limit fails as timed out and does not switch OUT/latest', async () => {
    const job = await enqueue(queues, 'refresh', {
      trigger: 'test',
      dataDir,
      outDir,
      forceTrain: true,
      timeoutMs: 300,
    });
    await expect(waitForJob(queues, 'refresh', job.id, { timeoutMs: 30_000 })).rejects.toThrow(/timed out/);
    const stored = await queues.compute.getJob(job.id);
    expect(stored?.attemptsMade).toBe(1);
    // The timed-out child is ended; give it a moment, then check the last good run is still published.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(latestTarget()).toBe(join('runs', firstRunId));
    expect(stored?.failedReason).toMatch(/timed out after 0 s \(LUMEN_JOB_TIMEOUT\)/);
    const [run] = await history();
    expect(run).toMatchObject({ jobId: job.id, status: 'failed' });
    expect(run?.error).toMatch(/timed out/);
  });

  test('the same refresh requested twice while pending runs once and reuses the unchanged model', async () => {
    const before = (await history()).length;
    const first = await enqueueRefresh(queues, { trigger: 'test' });
    const second = await enqueueRefresh(queues, { trigger: 'slack' });
    expect(first.deduplicated).toBe(false);
    expect(second).toMatchObject({ id: first.id, deduplicated: true });
    const result = await waitForJob(queues, 'refresh', first.id, { timeoutMs: 45_000 });
    // Same data and settings as the first run: scored with its model instead of retraining.
    expect(result.trained).toBe(false);
    expect(existsSync(join(outDir, 'latest', 'model_card.json'))).toBe(true);
    const runs = await history();
    expect(runs.length).toBe(before + 1);
    expect(latestTarget()).toBe(join('runs', result.runId));
  });

  test('a refresh as of an earlier day never reuses the model fitted on later data: it retrains as of that day', async () => {
    // The published run (the previous test's refresh of this export): its model saw every week.
    const latestDir = join(outDir, 'latest');
    const laterCard = JSON.parse(readFileSync(join(latestDir, 'model_card.json'), 'utf8'));
    const laterModel = JSON.parse(readFileSync(join(latestDir, 'models', 'latest.json'), 'utf8'));
    expect(laterModel.version).toBe(laterCard.modelVersion);
    const earlier = new Date(Date.parse(`${laterCard.dataAsOf}T00:00:00Z`) - 14 * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const past = await waitForJob(
      queues,
      'refresh',
      (await enqueueRefresh(queues, { trigger: 'test', asOf: earlier })).id,
      { timeoutMs: 45_000 },
    );
    expect(past.trained).toBe(true);
    expect(past.modelVersion).not.toBe(laterCard.modelVersion);
    const card = JSON.parse(readFileSync(join(past.runDir, 'model_card.json'), 'utf8'));
    expect(card.dataAsOf).toBe(earlier);
    expect(JSON.parse(readFileSync(join(past.runDir, 'models', 'latest.json'), 'utf8')).dataAsOf).toBe(
      earlier,
    );

    // A model saved before models saw complete weeks only carries the run's own (mid-week) as-of: a
    // refresh as of that Wednesday must not reuse it (its data end after the last complete week, so
    // scoring would refuse it as a model from the future); it retrains instead of failing.
    const model = join(outDir, 'latest', 'models', 'latest.json');
    const wednesday = new Date(Date.parse(`${earlier}T00:00:00Z`) + 3 * 86_400_000)
      .toISOString()
      .slice(0, 10);
    writeFileSync(model, JSON.stringify({ ...JSON.parse(readFileSync(model, 'utf8')), dataAsOf: wednesday }));
    const again = await waitForJob(
      queues,
      'refresh',
      (await enqueueRefresh(queues, { trigger: 'test', asOf: wednesday })).id,
      { timeoutMs: 45_000 },
    );
    // Its model is one fitted as of that week (this attempt's, or, when the job was retried under
    // load, the first attempt's, which the retry may reuse), never the doctored one.
    expect(again.modelVersion).not.toBe(past.modelVersion);
    expect(JSON.parse(readFileSync(join(again.runDir, 'models', 'latest.json'), 'utf8')).dataAsOf).toBe(
      earlier,
    );
  });

  test('post-at-risk after a refresh posts the new list, at most `limit` per course', async () => {
    const refreshed = await waitForJob(
      queues,
      'refresh',
      (await enqueueRefresh(queues, { trigger: 'slack' })).id,
      { timeoutMs: 45_000 },
    );
    expect(latestTarget()).toBe(join('runs', refreshed.runId));
    const post = await enqueue(queues, 'post-at-risk', { outDir, channel: 'C-list', limit: 3, scope: null });
    const posted = await waitForJob(queues, 'post-at-risk', post.id, { timeoutMs: 45_000 });
    expect(posted).toMatchObject({ channel: 'C-list', posted: 'list' });
    // `limit` is per course (each course has its own list); at most 20 learner lines in all.
    const atRisk = (readPredictions(join(outDir, 'latest')) ?? []).filter((r) => r.at_risk === 'true');
    const courses = new Set(atRisk.map((r) => r.course_id)).size;
    expect(posted.count).toBeGreaterThanOrEqual(Math.min(3, atRisk.length));
    expect(posted.count).toBeLessThanOrEqual(Math.min(20, 3 * courses));
    // The message says what the list ranks (this export has completed learners to learn from).
    const list = publisher.messages.filter((m) => m.channel === 'C-list').at(-1);
    expect(JSON.stringify(list?.blocks)).toContain('Ranked by the risk of not completing the course.');
    expect(JSON.stringify(list?.blocks)).not.toContain('This list is weak');
    // A card whose list is weak (a model between LUMEN_MIN_AUC and 0.6) says so in the message too.
    const cardPath = join(outDir, 'latest', 'model_card.json');
    writeFileSync(
      cardPath,
      JSON.stringify({ ...JSON.parse(readFileSync(cardPath, 'utf8')), weakList: { cvAuc: 0.5834 } }),
    );
    const weakPost = await enqueue(queues, 'post-at-risk', {
      outDir,
      channel: 'C-weak',
      limit: 3,
      scope: null,
    });
    await waitForJob(queues, 'post-at-risk', weakPost.id, { timeoutMs: 45_000 });
    const weak = publisher.messages.filter((m) => m.channel === 'C-weak').at(-1);
    expect(JSON.stringify(weak?.blocks)).toContain(
      'This list is weak: its model ranks its own target only a little better than chance (cross-validated ROC AUC 0.583). Treat it as a prompt to look, not a verdict.',
    );
  });

  test('a train-then-post flow retrains and the worker posts the model card and the coefficients chart', async () => {
    const before = latestTarget();
    const request = { trigger: 'slack' as const, channel: 'C-train' };
    const flow = await enqueueTrainThenPost(queues, request, { dedupeKey: 'trigger-1' });
    // The same Slack request delivered again: the first flow's ids, nothing new queued.
    const again = await enqueueTrainThenPost(queues, request, { dedupeKey: 'trigger-1' });
    expect(again.child).toEqual({ ...flow.child, deduplicated: true });
    expect(again.parent).toEqual({ ...flow.parent, deduplicated: true });

    const posted = await waitForJob(queues, 'post-model-card', flow.parent.id, { timeoutMs: 60_000 });
    expect(posted).toMatchObject({ channel: 'C-train', posted: 'card', count: 2 });
    const trained = await queues.compute.getJob(flow.child.id);
    expect(trained?.returnvalue).toMatchObject({ reliable: true });
    const version = (trained?.returnvalue as { modelVersion?: string } | undefined)?.modelVersion;
    expect(latestTarget()).not.toBe(before);
    const card = publisher.messages.filter((m) => m.channel === 'C-train');
    expect(card).toHaveLength(1);
    expect(card[0]?.text).toBe(
      `Model ${version}: reliable, data as of ${JSON.parse(readFileSync(join(outDir, 'latest', 'model_card.json'), 'utf8')).dataAsOf}`,
    );
    expect(publisher.files.filter((f) => f.channel === 'C-train').map((f) => f.filename)).toEqual([
      'model-coefficients.png',
    ]);
    expect((await queues.compute.getJobCounts('waiting', 'active')).waiting).toBe(0);

    const badDir = tempDir('lumen-jobs-bad-train-');
    await generateLmsData({ learners: 50, seed: 5, outDir: badDir });
    editFile(join(badDir, 'lms_users.csv'), (text) => text.replace(/^user_id,/, 'uid,'));
    const bad = await enqueueTrainThenPost(queues, { ...request, channel: 'C-train-bad', dataDir: badDir });
    const reason = await waitForJob(queues, 'post-model-card', bad.parent.id, { timeoutMs: 45_000 });
    expect(reason).toMatchObject({ posted: 'reason', count: 0 });
    expect(publisher.messages.at(-1)).toMatchObject({ channel: 'C-train-bad' });
    expect(publisher.messages.at(-1)?.text).toMatch(
      /^Retraining failed, the current model stays in use: .*lms_users\.csv/,
    );
  });

  test('lumen status shows the queues, the last runs and the schedules', async () => {
    const status = await queueStatus(jobsConfig, { runs: 3 });
    expect(status.counts.compute.completed).toBeGreaterThan(0);
    expect(status.lastRuns).toHaveLength(3);
    const text = formatQueueStatus(status);
    expect(text).toMatch(/^compute queue: .*\d+ completed/m);
    // The in-process worker of this file is connected under its process' name.
    expect(status.workers.map((w) => w.queues)).toContainEqual(['compute', 'publish']);
    expect(text).toMatch(/^workers: 1 connected$/m);
    expect(text).toMatch(/next weekly digest: not scheduled/);
    expect(text).toMatch(/succeeded slack/);
    expect(text).toMatch(/\npublished: \S+ \(by refresh; data as of \d{4}-\d{2}-\d{2}; model /);
    // The file mirror matches Redis, for when Redis is down.
    expect(readHistoryFile(outDir).map((r) => r.runId)).toEqual((await history()).map((r) => r.runId));
  });
});
