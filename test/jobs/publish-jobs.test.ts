/**
 * Slack-facing jobs through the real queue with an in-memory publisher: retries with backoff on
 * transient Slack errors, the gate reason instead of an empty list, clear failures without retries.
 */
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { JobsConfig } from '../../src/jobs/config.ts';
import { JobQueues } from '../../src/jobs/job-queues.ts';
import { type RunningWorker, startWorker } from '../../src/jobs/job-worker.ts';
import { enqueue, waitForJob } from '../../src/jobs/producer.ts';
import { removeTempDirs, tempDir } from '../helpers/fs.ts';
import { outWithRun, predictionRow, type Row } from '../helpers/run-folder.ts';
import {
  deleteKeys,
  FakePublisher,
  quietLog,
  testConfig,
  testJobsConfig,
  uniquePrefix,
} from './redis-kit.ts';

const prefix = uniquePrefix('publish');
const publisher = new FakePublisher();
let jobsConfig: JobsConfig;
let worker: RunningWorker;
let queues: JobQueues;

const PREDICTIONS = [
  predictionRow('U7', 'C1', 0.9, { first_name: 'Ada', last_name: 'Lovelace, Countess' }),
  predictionRow('U8', 'C1', 0.2, {
    first_name: 'Alan',
    last_name: 'Turing',
    department: 'IT',
    top_drivers: '',
  }),
];

/** An OUT folder whose latest run is made by hand (the analytics are tested elsewhere). */
function outWithLatest(
  card: { reliable: boolean; gateReasons: string[] },
  predictions: Row[] | null,
): string {
  return outWithRun({ card, predictions });
}

beforeAll(async () => {
  jobsConfig = testJobsConfig(prefix, { dataDir: tempDir(), outDir: tempDir() });
  worker = await startWorker(testConfig(), jobsConfig, publisher, { upsertSchedules: false, log: quietLog });
  queues = await JobQueues.open(jobsConfig);
});

afterAll(async () => {
  await queues?.close();
  await worker?.close();
  await deleteKeys(prefix);
  removeTempDirs();
});

describe('publishing jobs', () => {
  test('post-at-risk survives two Slack 503s through exponential backoff, then posts the list', async () => {
    const outDir = outWithLatest({ reliable: true, gateReasons: [] }, PREDICTIONS);
    const posted = publisher.messages.length;
    const calls = publisher.calls;
    publisher.failures = 2;
    const started = performance.now();
    const job = await enqueue(
      queues,
      'post-at-risk',
      { outDir, channel: 'C-risk', scope: null },
      { attempts: 3, backoffMs: 200 },
    );
    const result = await waitForJob(queues, 'post-at-risk', job.id, { timeoutMs: 20_000 });
    const elapsed = performance.now() - started;

    expect(result).toEqual({
      channel: 'C-risk',
      posted: 'list',
      count: 1,
      summary: '1 listed · at risk: 1 (first run) · high: 1 · low: 1',
    });
    const stored = await queues.publish.getJob(job.id);
    // Two failed attempts and the successful third.
    expect(stored?.attemptsMade).toBe(3);
    // 200 ms then 400 ms between the attempts.
    expect(elapsed).toBeGreaterThan(550);
    expect(publisher.calls - calls).toBe(3);
    const message = publisher.messages[posted];
    expect(message?.channel).toBe('C-risk');
    expect(JSON.stringify(message?.blocks)).toContain('Lovelace, Countess');
    expect(JSON.stringify(message?.blocks)).not.toContain('Turing');
  });

  test('post-at-risk retried after the CSV upload failed, or after the reply to its post was lost, posts the list once', async () => {
    const outDir = outWithLatest({ reliable: true, gateReasons: [] }, PREDICTIONS);
    const countIn = (channel: string) => publisher.messages.filter((m) => m.channel === channel).length;
    const filesIn = (channel: string) => publisher.files.filter((f) => f.channel === channel);

    // The message goes out, the CSV upload fails: the retry uploads the CSV only.
    publisher.uploadFailures = 1;
    const csvFailed = await enqueue(
      queues,
      'post-at-risk',
      { outDir, channel: 'C-once-csv', scope: null, attachCsv: true },
      { attempts: 3, backoffMs: 100 },
    );
    await waitForJob(queues, 'post-at-risk', csvFailed.id, { timeoutMs: 20_000 });
    expect((await queues.publish.getJob(csvFailed.id))?.attemptsMade).toBe(2);
    expect(countIn('C-once-csv')).toBe(1);
    expect(filesIn('C-once-csv').map((f) => f.filename)).toEqual(['at-risk-2026-06-28.csv']);
    expect(filesIn('C-once-csv')[0]?.altText).toBe(
      'CSV file: 1 learner in C1 at risk, as of 2026-06-28, one row per enrolment with course, risk score, band and drivers.',
    );

    // Slack posts the message but the reply is lost (the call throws): the retry finds the message
    // by its metadata in the channel's history and does not post it again.
    publisher.lostResponses = 1;
    const replyLost = await enqueue(
      queues,
      'post-at-risk',
      { outDir, channel: 'C-once-lost', scope: null, attachCsv: true },
      { attempts: 3, backoffMs: 100 },
    );
    await waitForJob(queues, 'post-at-risk', replyLost.id, { timeoutMs: 20_000 });
    expect((await queues.publish.getJob(replyLost.id))?.attemptsMade).toBe(2);
    expect(countIn('C-once-lost')).toBe(1);
    expect(filesIn('C-once-lost')).toHaveLength(1);
    expect(publisher.messages.find((m) => m.channel === 'C-once-lost')?.metadata).toEqual({
      eventType: 'lumen_post',
      payload: { job: replyLost.id },
    });
  });

  test('post-at-risk posts the gate reason, never an empty list, when the model is unreliable', async () => {
    const outDir = outWithLatest(
      { reliable: false, gateReasons: ['Only 4 dropped learners (need 10).'] },
      null,
    );
    const job = await enqueue(queues, 'post-at-risk', { outDir, channel: 'C-risk', scope: null });
    const result = await waitForJob(queues, 'post-at-risk', job.id, { timeoutMs: 20_000 });
    expect(result).toMatchObject({ posted: 'reason', count: 0 });
    expect(publisher.messages.at(-1)?.text).toMatch(
      /no model ranks the learners reliably enough \(neither completion nor going quiet\)\. .*Only 4 dropped learners/,
    );
  });

  test('post-at-risk says a run that only trained scored no one, not that the model is unreliable', async () => {
    // `lumen train` publishes the model and its card without ML_Prediction.csv.
    const outDir = outWithLatest({ reliable: true, gateReasons: [] }, null);
    const job = await enqueue(queues, 'post-at-risk', { outDir, channel: 'C-risk', scope: null });
    const result = await waitForJob(queues, 'post-at-risk', job.id, { timeoutMs: 20_000 });
    expect(result).toMatchObject({ posted: 'reason', count: 0 });
    const text = publisher.messages.at(-1)?.text ?? '';
    expect(text).toMatch(/only trained .*scored no learners/);
    expect(text).not.toMatch(/not reliable/);
  });

  test('post-chart uploads a rendered chart and fails once, readably, for a missing one', async () => {
    const outDir = outWithLatest({ reliable: true, gateReasons: [] }, PREDICTIONS);
    const ok = await enqueue(queues, 'post-chart', {
      outDir,
      channel: 'C-charts',
      chart: 'risk-distribution',
    });
    await waitForJob(queues, 'post-chart', ok.id, { timeoutMs: 20_000 });
    expect(publisher.files.at(-1)).toMatchObject({
      channel: 'C-charts',
      filename: 'risk-distribution.png',
      bytes: 4,
    });

    const missing = await enqueue(
      queues,
      'post-chart',
      { outDir, channel: 'C-charts', chart: 'roc-pr' },
      { backoffMs: 50 },
    );
    await expect(waitForJob(queues, 'post-chart', missing.id, { timeoutMs: 20_000 })).rejects.toThrow(
      /chart roc-pr has not been rendered/,
    );
    const stored = await queues.publish.getJob(missing.id);
    expect(stored?.attemptsMade).toBe(1);
  });

  test('weekly-digest summarises the latest run and record-feedback appends a line', async () => {
    const outDir = outWithLatest({ reliable: true, gateReasons: [] }, PREDICTIONS);
    const digest = await enqueue(queues, 'weekly-digest', { outDir, channel: 'C-digest', scope: null });
    await waitForJob(queues, 'weekly-digest', digest.id, { timeoutMs: 20_000 });
    // This hand-made run has no run_summary.json or feature tables: the digest says what is missing
    // (the full digest is tested on generated data in digest.test.ts).
    expect(publisher.messages.at(-1)?.text).toMatch(/could not be built: .*run_summary\.json is missing/);

    const feedback = await enqueue(queues, 'record-feedback', {
      outDir,
      learnerId: 'U7',
      courseId: 'C1',
      slackUserId: 'W1',
      verdict: 'contacted',
      modelVersion: 'v1',
      scope: null,
    });
    const { path } = await waitForJob(queues, 'record-feedback', feedback.id, { timeoutMs: 20_000 });
    expect(path).not.toBeNull();
    const logged = () => readFileSync(path ?? '', 'utf8');
    expect(JSON.parse(logged().trim())).toMatchObject({
      learnerId: 'U7',
      courseId: 'C1',
      verdict: 'contacted',
    });

    // Course staff: feedback on an enrolment of another course is refused and writes nothing; on one
    // of their own course's enrolments it is recorded.
    const before = logged();
    const outside = await enqueue(queues, 'record-feedback', {
      outDir,
      learnerId: 'U7',
      courseId: 'C1',
      slackUserId: 'W2',
      verdict: 'snoozed',
      scope: ['C2'],
    });
    expect(await waitForJob(queues, 'record-feedback', outside.id, { timeoutMs: 20_000 })).toEqual({
      path: null,
      recorded: false,
    });
    expect(logged()).toBe(before);
    const inside = await enqueue(queues, 'record-feedback', {
      outDir,
      learnerId: 'U8',
      courseId: 'C1',
      slackUserId: 'W2',
      verdict: 'snoozed',
      scope: ['C2', 'C1'],
    });
    expect(await waitForJob(queues, 'record-feedback', inside.id, { timeoutMs: 20_000 })).toMatchObject({
      recorded: true,
    });
    expect(JSON.parse(logged().trim().split('\n').at(-1) ?? '{}')).toMatchObject({
      learnerId: 'U8',
      courseId: 'C1',
      slackUserId: 'W2',
      verdict: 'snoozed',
    });
  });

  test('learner-profile (sandboxed) returns ids and a path; the answer is a file in OUT', async () => {
    const outDir = outWithLatest({ reliable: true, gateReasons: [] }, PREDICTIONS);
    const job = await enqueue(queues, 'learner-profile', {
      outDir,
      learnerId: 'U7',
      timeoutMs: 20_000,
      scope: null,
    });
    const receipt = await waitForJob(queues, 'learner-profile', job.id, { timeoutMs: 20_000 });
    expect(Object.keys(receipt).sort()).toEqual(['answerPath', 'byEmail', 'found', 'learnerId']);
    expect(receipt).toMatchObject({ learnerId: 'U7', found: true, byEmail: false });
    expect(receipt.answerPath.startsWith(join(outDir, 'learner-answers'))).toBe(true);
    const profile = JSON.parse(readFileSync(receipt.answerPath, 'utf8'));
    expect(profile).toEqual({
      learnerId: 'U7',
      found: true,
      modelVersion: 'v1',
      chartPath: null,
      enrolments: [
        {
          courseId: 'C1',
          enrolledOn: '2026-03-02',
          riskBand: 'high',
          completionProbability: 0.1,
          atRisk: true,
          neverActive: false,
          drivers: ['no activity for 20 days'],
        },
      ],
      outcomes: [],
      byEmail: false,
    });
    expect(JSON.stringify(profile)).not.toContain('Ada');
  });

  test('learner-profile prunes profile charts of older runs and answers the bot never collected', async () => {
    const outDir = outWithLatest({ reliable: true, gateReasons: [] }, PREDICTIONS);
    const charts = join(outDir, 'learner-charts');
    const answers = join(outDir, 'learner-answers');
    mkdirSync(charts, { recursive: true });
    mkdirSync(answers, { recursive: true });
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    writeFileSync(join(charts, 'r0-U7.png'), png);
    writeFileSync(join(charts, 'r1-U8.png'), png);
    writeFileSync(join(answers, 'orphan.json'), '{}');
    writeFileSync(join(answers, 'fresh.json'), '{}');
    // A saved model makes r1's cached profile chart usable for the answer.
    mkdirSync(join(outDir, 'runs', 'r1', 'models'));
    writeFileSync(join(outDir, 'runs', 'r1', 'models', 'latest.json'), '{}');
    // Both ages are set from this test's clock (the kernel stamps new files with its own, which a
    // shifted test clock does not move): one answer two hours old, one a minute old.
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    const aMinuteAgo = new Date(Date.now() - 60 * 1000);
    utimesSync(join(answers, 'orphan.json'), twoHoursAgo, twoHoursAgo);
    utimesSync(join(answers, 'fresh.json'), aMinuteAgo, aMinuteAgo);

    const job = await enqueue(queues, 'learner-profile', {
      outDir,
      learnerId: 'U8',
      timeoutMs: 20_000,
      scope: null,
    });
    const receipt = await waitForJob(queues, 'learner-profile', job.id, { timeoutMs: 20_000 });
    // The latest run (r1) keeps its chart, used for the answer; r0's chart and the orphan are gone.
    expect(readdirSync(charts)).toEqual(['r1-U8.png']);
    expect(readdirSync(answers).sort()).toEqual([basename(receipt.answerPath), 'fresh.json'].sort());
    expect(JSON.parse(readFileSync(receipt.answerPath, 'utf8')).chartPath).toBe(join(charts, 'r1-U8.png'));
  });

  test('post-model-card retried after the chart upload failed does not post the card twice', async () => {
    const outDir = outWithLatest({ reliable: true, gateReasons: [] }, PREDICTIONS);
    const run = join(outDir, 'runs', 'r1');
    writeFileSync(
      join(run, 'model_card.json'),
      JSON.stringify({
        modelVersion: 'v1',
        dataAsOf: '2026-06-28',
        trainedAt: '2026-06-29T07:00:00.000Z',
        reliable: true,
        gateReasons: [],
      }),
    );
    writeFileSync(join(run, 'charts', 'model-coefficients.png'), Buffer.from([0x89, 0x50]));
    publisher.uploadFailures = 1;
    const job = await enqueue(
      queues,
      'post-model-card',
      { outDir, channel: 'C-card' },
      { attempts: 3, backoffMs: 100 },
    );
    const result = await waitForJob(queues, 'post-model-card', job.id, { timeoutMs: 20_000 });
    expect(result).toEqual({ channel: 'C-card', posted: 'card', count: 2 });
    expect((await queues.publish.getJob(job.id))?.attemptsMade).toBe(2);
    expect(publisher.messages.filter((m) => m.channel === 'C-card').map((m) => m.text)).toEqual([
      'Model v1: reliable, data as of 2026-06-28',
    ]);
    expect(publisher.files.filter((f) => f.channel === 'C-card').map((f) => f.filename)).toEqual([
      'model-coefficients.png',
    ]);
  });
});
