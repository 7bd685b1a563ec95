/**
 * The weekly digest on generated data: KPIs and the new / still-at-risk / recovered split checked
 * against values recomputed here from the run files, exactly once per channel and ISO week (retries,
 * two workers, a rerun after a crash, force), the quiet week, and a dry run that calls no Slack.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { runAnalysis } from '../../src/analytics/analysis.ts';
import { enrolmentKey } from '../../src/analytics/enrolment-key.ts';
import { type JobsConfig, readJobsConfig } from '../../src/jobs/config.ts';
import type { JobContext, WeeklyDigestData } from '../../src/jobs/contracts.ts';
import { buildDigestContent } from '../../src/jobs/digest/content.ts';
import { runDigestDryRun } from '../../src/jobs/digest/dry-run.ts';
import { isoWeek } from '../../src/jobs/digest/iso-week.ts';
import { lastDigestKey, onceKey } from '../../src/jobs/digest/once.ts';
import { readRunOutputs } from '../../src/jobs/digest/run-outputs.ts';
import { JobQueues } from '../../src/jobs/job-queues.ts';
import { type RunningWorker, startWorker } from '../../src/jobs/job-worker.ts';
import { processWeeklyDigest } from '../../src/jobs/processors/weekly-digest.ts';
import { enqueue, waitForJob } from '../../src/jobs/producer.ts';
import { byRiskDescending, readOutcomes, switchLatest } from '../../src/run-folder/index.ts';
import { sharedAnalysis } from '../helpers/analysis-run.ts';
import { removeTempDirs, tempDir } from '../helpers/fs.ts';
import { atRiskEnrolments } from '../helpers/run-folder.ts';
import { copyFixture, sharedExport } from '../helpers/shared-fixtures.ts';
import {
  deleteKeys,
  FakePublisher,
  type PostedMessage,
  quietLog,
  REDIS_URL,
  testConfig,
  testJobsConfig,
  uniquePrefix,
} from './redis-kit.ts';

type Row = Record<string, string>;

const prefix = uniquePrefix('digest');
const WEEK1 = { runId: '20260622T070000Z-week1', asOf: '2026-06-21' };
const WEEK2 = { runId: '20260629T070000Z-week2', asOf: '2026-06-28' };
let dataDir: string;
let outDir: string;
let jobsConfig: JobsConfig;
let redis: Redis;

function csv(path: string): Row[] {
  return parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true }) as Row[];
}

function runDir(run: { runId: string }): string {
  return join(outDir, 'runs', run.runId);
}

/** Enrolment keys at risk in a run (the digest's baseline). */
function atRiskIds(run: { runId: string }): Set<string> {
  return atRiskEnrolments(runDir(run)).keys;
}

let jobCounter = 0;
/** A programme digest (scope null) unless the data names a scope. */
function digestJob(
  data: Omit<JobContext<'weekly-digest'>['data'], 'scope'> & Partial<Pick<WeeklyDigestData, 'scope'>>,
  at: string,
  id = `digest-${++jobCounter}`,
  attemptsMade = 0,
): JobContext<'weekly-digest'> {
  return {
    id,
    name: 'weekly-digest',
    data: { scope: null, ...data },
    timestamp: Date.parse(at),
    dueAt: Date.parse(at),
    attemptsMade,
    updateProgress: async () => {},
    log: () => {},
  };
}

function context(publisher: FakePublisher, config: JobsConfig = jobsConfig) {
  return {
    config: testConfig(),
    jobsConfig: config,
    history: null,
    publisher,
    signal: new AbortController().signal,
  };
}

beforeAll(async () => {
  outDir = tempDir('lumen-digest-out-');
  dataDir = await sharedExport({ learners: 800, seed: 3 });
  // What a refresh does: the run folder first, then OUT/latest switched to it. Week 1 is run here;
  // week 2 is the export's own last week, the run shared with the chart and dashboard tests (the same
  // train + score + charts run on the same export), copied so the digest may write beside it.
  await runAnalysis(testConfig(), {
    dataDir,
    outDir: runDir(WEEK1),
    asOf: WEEK1.asOf,
    train: true,
    score: true,
  });
  switchLatest(outDir, WEEK1.runId);
  const week2 = await sharedAnalysis(800, 3);
  expect(week2.dataDir).toBe(dataDir);
  expect(week2.result.report.asOf).toBe(WEEK2.asOf);
  copyFixture(week2.outDir, runDir(WEEK2));
  switchLatest(outDir, WEEK2.runId);
  switchLatest(outDir, WEEK1.runId);
  jobsConfig = testJobsConfig(prefix, { dataDir, outDir });
  redis = new Redis(REDIS_URL);
}, 120_000);

afterAll(async () => {
  redis?.disconnect();
  await deleteKeys(prefix);
  removeTempDirs();
});

describe('digest content', () => {
  test('KPIs match the weekly features and the split matches the two runs', () => {
    const current = readRunOutputs(runDir(WEEK2));
    const previous = readRunOutputs(runDir(WEEK1));
    const content = buildDigestContent({
      current,
      previous,
      previousAtRisk: null,
      feedback: new Map(),
      now: new Date('2026-06-29T08:00:00Z'),
      modelMaxAgeDays: 30,
    });
    expect(content.asOfWeek).toBe('2026-W26');
    const weekly = csv(join(runDir(WEEK2), 'weekly_behavioral_features.csv'));
    for (const [kpi, weekStart] of [
      [content.kpis.current, '2026-06-22'],
      [content.kpis.previous, '2026-06-15'],
    ] as const) {
      const rows = weekly.filter((r) => r.week_start === weekStart);
      expect(rows.length).toBeGreaterThan(0);
      expect(kpi.activeLearners).toBe(rows.filter((r) => Number(r.active_days) > 0).length);
      expect(kpi.sessions).toBe(rows.reduce((s, r) => s + Number(r.sessions), 0));
      expect(kpi.modulesCompleted).toBe(rows.reduce((s, r) => s + Number(r.modules_completed), 0));
      const quiz = rows.filter((r) => r.avg_quiz_score !== '').map((r) => Number(r.avg_quiz_score));
      expect(kpi.avgQuizScore).toBeCloseTo(quiz.reduce((s, n) => s + n, 0) / quiz.length, 9);
    }
    // Per enrolment, one definition everywhere (kpis.ts): completed / (completed + dropped); open
    // enrolments are left out.
    const outcomes = readOutcomes(runDir(WEEK2)) ?? [];
    const count = (outcome: string) => outcomes.filter((r) => r.outcome === outcome).length;
    expect(count('open')).toBeGreaterThan(0);
    expect(content.kpis.completionRate).toBeCloseTo(
      (count('completed') / (count('completed') + count('dropped'))) * 100,
      9,
    );
    const before = atRiskIds(WEEK1);
    const now = atRiskIds(WEEK2);
    const scoredNow = new Map(
      atRiskEnrolments(runDir(WEEK2)).rows.map((r) => [enrolmentKey(r.user_id ?? '', r.course_id ?? ''), r]),
    );
    const sum = (counts: Record<string, number>) => Object.values(counts).reduce((s, n) => s + n, 0);
    expect(sum(content.split.newThisWeek)).toBe([...now].filter((id) => !before.has(id)).length);
    expect(sum(content.split.stillAtRisk)).toBe([...now].filter((id) => before.has(id)).length);
    expect(content.split.recovered).toBe(
      [...before].filter((id) => scoredNow.has(id) && scoredNow.get(id)?.at_risk !== 'true').length,
    );
    expect(sum(content.split.stillAtRisk)).toBeGreaterThan(0);
    expect(content.atRiskIds.length).toBe(now.size);
    expect(content.blocks.length).toBeLessThanOrEqual(50);
    const text = JSON.stringify(content.blocks);
    expect(text).toContain('Weekly learning digest - 2026-W26');
    expect(text).toContain('CV AUC');
    expect(text).toContain('Data quality:');
    expect(content.charts.map((c) => c.name)).toEqual([
      'weekly-engagement-2026-06-28.png',
      'risk-distribution-2026-06-28.png',
    ]);

    // Data as of the Wednesday after: the week that has just begun is not compared with a full
    // week; the KPIs stay those of the last complete week against the one before.
    const midweek = buildDigestContent({
      current: { ...current, summary: { ...current.summary, asOf: '2026-07-01' } },
      previous,
      previousAtRisk: null,
      feedback: new Map(),
      now: new Date('2026-07-01T08:00:00Z'),
      modelMaxAgeDays: 30,
    });
    expect(midweek.kpis).toEqual(content.kpis);
    expect(JSON.stringify(midweek.blocks)).toContain('*Week of 2026-06-22* vs week of 2026-06-15');
  });

  test('names are escaped for mrkdwn and snoozed learners are left out, contacted ones marked', () => {
    const current = readRunOutputs(runDir(WEEK2));
    const rows = (current.predictions ?? []).map((r) => ({ ...r }));
    // The two riskiest started enrolments: the top of the digest's list.
    const [first, second] = rows
      .filter((r) => r.at_risk === 'true' && r.never_active !== 'true')
      .sort(byRiskDescending);
    if (!first || !second) throw new Error('expected two enrolments at risk');
    first.first_name = '<!channel> & co';
    const key = (r: Row) => enrolmentKey(r.user_id ?? '', r.course_id ?? '');
    const feedback = new Map([
      [key(first), { verdict: 'contacted', at: '2026-06-27T10:00:00Z' }],
      [key(second), { verdict: 'snoozed', at: '2026-06-27T10:00:00Z' }],
    ]);
    const content = buildDigestContent({
      current: { ...current, predictions: rows },
      previous: null,
      previousAtRisk: null,
      feedback,
      now: new Date('2026-06-29T08:00:00Z'),
      modelMaxAgeDays: 30,
    });
    const text = JSON.stringify(content.blocks);
    expect(text).toContain('&lt;!channel&gt; &amp; co');
    expect(text).not.toContain('<!channel>');
    // The date in Slack's date formatting (each reader's own time zone), with a UTC fallback.
    expect(text).toContain(
      `contacted <!date^${Date.parse('2026-06-27T10:00:00Z') / 1000}^{date_short}|2026-06-27>`,
    );
    // Snoozed in that course only: that enrolment is out of the list and the CSV.
    expect(text).not.toContain(`lumen-feedback:${second.user_id}:${second.course_id}"`);
    const csvRows = parse(content.atRiskCsv ?? '', { columns: true }) as Row[];
    expect(csvRows.map(key)).not.toContain(key(second));
    expect(csvRows.map(key)).toContain(key(first));
    // The model (trained today) is far older than 30 days at "now" = today + 400 days.
    const late = buildDigestContent({
      current,
      previous: null,
      previousAtRisk: null,
      feedback: new Map(),
      now: new Date(Date.now() + 400 * 86_400_000),
      modelMaxAgeDays: 30,
    });
    expect(JSON.stringify(late.blocks)).toContain('over LUMEN_MODEL_MAX_AGE_DAYS=30');
  });
});

describe('weekly-digest job', () => {
  test('two consecutive weeks: one digest each, split against the previous digest, reruns skipped', async () => {
    const publisher = new FakePublisher();
    const channel = 'C-weeks';
    switchLatest(outDir, WEEK1.runId);
    const first = await processWeeklyDigest(
      digestJob({ outDir, channel }, '2026-06-22T08:00:00Z'),
      context(publisher),
    );
    expect(first.posted).toBe('digest');
    expect(publisher.messages).toHaveLength(1);
    const stored = JSON.parse((await redis.get(lastDigestKey(prefix, channel))) ?? '{}');
    expect(new Set(stored.atRisk)).toEqual(atRiskIds(WEEK1));
    expect(stored.asOf).toBe(WEEK1.asOf);

    // A manual re-run in the same week, and a retry of the same job after it completed.
    await processWeeklyDigest(digestJob({ outDir, channel }, '2026-06-24T09:00:00Z'), context(publisher));
    await processWeeklyDigest(
      digestJob({ outDir, channel }, '2026-06-22T08:00:00Z', 'digest-1', 1),
      context(publisher),
    );
    expect(publisher.messages).toHaveLength(1);

    switchLatest(outDir, WEEK2.runId);
    const second = await processWeeklyDigest(
      digestJob({ outDir, channel }, '2026-06-29T08:00:00Z'),
      context(publisher),
    );
    expect(second.posted).toBe('digest');
    expect(publisher.messages).toHaveLength(2);
    const before = atRiskIds(WEEK1);
    const now = atRiskIds(WEEK2);
    const newCount = [...now].filter((id) => !before.has(id)).length;
    const stillCount = [...now].filter((id) => before.has(id)).length;
    const body = JSON.stringify(publisher.messages[1]?.blocks);
    expect(body).toContain(`New this week: ${newCount}`);
    expect(body).toContain(`Still at risk: ${stillCount}`);
    expect(body).toContain('Weekly learning digest - 2026-W26');
    // Files: two charts and the CSV per week, each once.
    expect(publisher.files.map((f) => f.filename)).toEqual([
      'weekly-engagement-2026-06-21.png',
      'risk-distribution-2026-06-21.png',
      'at-risk-2026-06-21.csv',
      'weekly-engagement-2026-06-28.png',
      'risk-distribution-2026-06-28.png',
      'at-risk-2026-06-28.csv',
    ]);
    // Each week is one message: its charts and CSV are in that message's thread, each with alt text
    // saying what it shows.
    const [week1, week2] = publisher.messages;
    expect(publisher.files.map((f) => f.threadTs)).toEqual([
      ...Array(3).fill(week1?.ts),
      ...Array(3).fill(week2?.ts),
    ]);
    const alt = publisher.files.map((f) => f.altText);
    expect(alt[0]).toMatch(/^Chart: Weekly engagement\. As of 2026-06-21 · [\d,]+ learners/);
    expect(alt[1]).toMatch(/^Chart: Risk scores of open learners\. .*Learners by risk band: high \d+/);
    expect(alt[5]).toMatch(
      /^CSV file: \d+ enrolments? at risk( and \d+ enrolled, not started)?, as of 2026-06-28/,
    );

    // force re-posts deliberately.
    await processWeeklyDigest(
      digestJob({ outDir, channel, force: true }, '2026-06-29T10:00:00Z'),
      context(publisher),
    );
    expect(publisher.messages).toHaveLength(3);
  }, 60_000);

  test('a quiet week posts one line; LUMEN_DIGEST_SKIP_EMPTY=true skips it', async () => {
    const publisher = new FakePublisher();
    const channel = 'C-quiet';
    switchLatest(outDir, WEEK2.runId);
    await processWeeklyDigest(digestJob({ outDir, channel }, '2026-06-29T08:00:00Z'), context(publisher));
    expect(publisher.messages).toHaveLength(1);
    const quiet = await processWeeklyDigest(
      digestJob({ outDir, channel }, '2026-07-06T08:00:00Z'),
      context(publisher),
    );
    expect(quiet.posted).toBe('reason');
    expect(publisher.messages[1]?.text).toBe('Weekly learning digest: no new activity since 2026-06-28.');
    const skipping = testJobsConfig(prefix, { dataDir, outDir }, { LUMEN_DIGEST_SKIP_EMPTY: 'true' });
    const skipped = await processWeeklyDigest(
      digestJob({ outDir, channel }, '2026-07-13T08:00:00Z'),
      context(publisher, skipping),
    );
    expect(skipped.posted).toBe('none');
    expect(publisher.messages).toHaveLength(2);
  });

  test('a digest that cannot be built posts one line saying what and where to look, no server path', async () => {
    const publisher = new FakePublisher();
    const empty = tempDir('lumen-digest-empty-');
    const job = digestJob({ outDir: empty, channel: 'C-broken' }, '2026-06-29T08:00:00Z');
    const result = await processWeeklyDigest(job, context(publisher));
    expect(result.posted).toBe('reason');
    expect(publisher.messages).toHaveLength(1);
    expect(publisher.messages[0]?.text).toContain('could not be built');
    expect(publisher.messages[0]?.text).toContain('`lumen status`');
    expect(publisher.messages[0]?.text).not.toContain(empty);
    // A retry of the same broken week does not repeat the line.
    await processWeeklyDigest(digestJob(job.data, '2026-06-29T09:00:00Z'), context(publisher));
    expect(publisher.messages).toHaveLength(1);
  });

  test('a job whose worker died while sending looks in the channel before posting', async () => {
    const publisher = new FakePublisher();
    switchLatest(outDir, WEEK2.runId);
    const at = '2026-06-29T08:00:00Z';
    const week = isoWeek('2026-06-29');
    const killedWhileSending = async (channel: string, owner: string) => {
      // State the kill leaves: the claim written by this job, the message on its way (or not).
      await redis.set(
        onceKey(prefix, channel, week),
        JSON.stringify({
          state: 'posting',
          owner,
          stage: 'sending',
          uploaded: '',
          at: new Date().toISOString(),
        }),
      );
      return processWeeklyDigest(digestJob({ outDir, channel }, at, owner, 1), context(publisher));
    };

    // The message reached Slack before the kill: found by its metadata, recorded, not posted again;
    // the week's at-risk ids become the baseline of the next digest all the same.
    publisher.messages.push({
      channel: 'C-sent',
      blocks: [],
      text: 'the digest',
      ts: '1782000000.000100',
      metadata: { eventType: 'lumen_digest', payload: { channel: 'C-sent', week } },
      at: Date.now(),
    });
    expect((await killedWhileSending('C-sent', 'killed-1')).posted).toBe('none');
    expect(publisher.messages.filter((m) => m.channel === 'C-sent')).toHaveLength(1);
    expect(JSON.parse((await redis.get(onceKey(prefix, 'C-sent', week))) ?? '{}').state).toBe('posted');
    const baseline = JSON.parse((await redis.get(lastDigestKey(prefix, 'C-sent'))) ?? '{}');
    expect(new Set(baseline.atRisk)).toEqual(atRiskIds(WEEK2));

    // The kill came before Slack got it: not in the channel, so it is posted now, once.
    expect((await killedWhileSending('C-lost', 'killed-3')).posted).toBe('digest');
    const lost = publisher.messages.filter((m) => m.channel === 'C-lost');
    expect(lost).toHaveLength(1);
    expect(lost[0]?.metadata).toEqual({ eventType: 'lumen_digest', payload: { channel: 'C-lost', week } });

    // Without a readable history (no channels:history scope) it cannot tell: at most once.
    publisher.historyReadable = false;
    expect((await killedWhileSending('C-blind', 'killed-4')).posted).toBe('none');
    expect(publisher.messages.filter((m) => m.channel === 'C-blind')).toHaveLength(0);
    publisher.historyReadable = true;

    // Killed after the message, while its files went into its thread: the state markPosted leaves
    // (the week posted with the message's ts, and the week as the channel's baseline, naming the run
    // it was built from). Meanwhile OUT/latest moved to another run. The recovered job uploads the
    // missing files of the posted run into the same thread and posts no second message.
    const channel2 = 'C-killed-files';
    const thread = '1782000000.000200';
    await redis.set(
      onceKey(prefix, channel2, isoWeek('2026-06-29')),
      JSON.stringify({
        state: 'posted',
        owner: 'killed-2',
        stage: 'files',
        uploaded: 'weekly-engagement-2026-06-28.png',
        ts: thread,
        at,
      }),
    );
    await redis.set(
      lastDigestKey(prefix, channel2),
      JSON.stringify({
        week: isoWeek('2026-06-29'),
        asOf: WEEK2.asOf,
        atRisk: [...atRiskIds(WEEK2)],
        postedAt: at,
        runDir: runDir(WEEK2),
      }),
    );
    switchLatest(outDir, WEEK1.runId);
    const filesBefore = publisher.files.length;
    const resumed = await processWeeklyDigest(
      digestJob({ outDir, channel: channel2 }, at, 'killed-2', 1),
      context(publisher),
    );
    switchLatest(outDir, WEEK2.runId);
    expect(resumed.posted).toBe('none');
    expect(publisher.messages.filter((m) => m.channel === channel2)).toHaveLength(0);
    expect(publisher.files.slice(filesBefore).map((f) => [f.filename, f.threadTs])).toEqual([
      ['risk-distribution-2026-06-28.png', thread],
      ['at-risk-2026-06-28.csv', thread],
    ]);
    expect(
      JSON.parse((await redis.get(onceKey(prefix, channel2, isoWeek('2026-06-29')))) ?? '{}').stage,
    ).toBe('done');
    // Another job (a rerun) finds the week posted and uploads nothing.
    await processWeeklyDigest(digestJob({ outDir, channel: channel2 }, at, 'rerun', 0), context(publisher));
    expect(publisher.files.length).toBe(filesBefore + 2);
  });

  test('a postMessage that fails after Slack posted the digest is not posted again by the retry', async () => {
    const publisher = new FakePublisher();
    switchLatest(outDir, WEEK2.runId);
    const at = '2026-06-29T08:00:00Z';
    publisher.lostResponses = 1;
    const result = await processWeeklyDigest(
      digestJob({ outDir, channel: 'C-lost-reply' }, at),
      context(publisher),
    );
    expect(result.posted).toBe('digest');
    // A retry of the job (BullMQ would retry a throw) finds the week posted.
    await processWeeklyDigest(
      digestJob({ outDir, channel: 'C-lost-reply' }, at, `digest-${jobCounter}`, 1),
      context(publisher),
    );
    expect(publisher.messages.filter((m) => m.channel === 'C-lost-reply')).toHaveLength(1);

    // A clean Slack error (nothing posted) releases the week: the retry posts it, once.
    const failing = new FakePublisher();
    const id = 'digest-clean-error';
    const job = digestJob({ outDir, channel: 'C-503' }, at, id);
    // Uploads succeed (3 calls), then the message fails like a Slack 503.
    const realPost = failing.postMessage.bind(failing);
    let postCalls = 0;
    failing.postMessage = async (...args) => {
      postCalls += 1;
      if (postCalls === 1) throw new Error('slack_webapi_platform_error: 503 service unavailable');
      return realPost(...args);
    };
    await expect(processWeeklyDigest(job, context(failing))).rejects.toThrow(/503/);
    await processWeeklyDigest(digestJob(job.data, at, id, 1), context(failing));
    expect(failing.messages.filter((m) => m.channel === 'C-503')).toHaveLength(1);
    expect(failing.files.filter((f) => f.channel === 'C-503')).toHaveLength(3);
  });
});

describe('through the queue', () => {
  let workers: RunningWorker[] = [];
  let queues: JobQueues;
  const publisher = new FakePublisher();

  beforeAll(async () => {
    switchLatest(outDir, WEEK2.runId);
    workers = await Promise.all(
      [1, 2].map(() =>
        startWorker(testConfig(), jobsConfig, publisher, { upsertSchedules: false, log: quietLog }),
      ),
    );
    queues = await JobQueues.open(jobsConfig);
  });

  afterAll(async () => {
    await queues?.close();
    await Promise.all(workers.map((w) => w.close()));
  });

  test('a Slack 503 retried, and two workers racing: exactly one digest per channel and week', async () => {
    publisher.failures = 2;
    const retried = await enqueue(
      queues,
      'weekly-digest',
      { outDir, channel: 'C-retry', scope: null },
      { attempts: 4, backoffMs: 100 },
    );
    await waitForJob(queues, 'weekly-digest', retried.id, { timeoutMs: 30_000 });
    expect(publisher.messages.filter((m) => m.channel === 'C-retry')).toHaveLength(1);
    const files = publisher.files.filter((f) => f.channel === 'C-retry').map((f) => f.filename);
    expect(new Set(files).size).toBe(files.length);
    expect(files).toHaveLength(3);

    const jobs = await Promise.all(
      [1, 2, 3, 4].map(() =>
        enqueue(queues, 'weekly-digest', { outDir, channel: 'C-race', scope: null }, { attempts: 2 }),
      ),
    );
    const results = await Promise.all(
      jobs.map((job) => waitForJob(queues, 'weekly-digest', job.id, { timeoutMs: 30_000 })),
    );
    expect(publisher.messages.filter((m) => m.channel === 'C-race')).toHaveLength(1);
    expect(results.filter((r) => r.posted === 'digest')).toHaveLength(1);
  }, 60_000);
});

describe('a worker killed while posting the digest', () => {
  const WORKER_SCRIPT = new URL('./digest-worker-process.mjs', import.meta.url).pathname;
  const children: ChildProcess[] = [];
  const rescuers: RunningWorker[] = [];
  const opened: JobQueues[] = [];
  const prefixes: string[] = [];

  afterAll(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const rescuer of rescuers) await rescuer.close();
    for (const queues of opened) await queues.close();
    for (const killPrefix of prefixes) await deleteKeys(killPrefix);
  });

  interface LoggedCall {
    readonly kind: 'message' | 'file';
    readonly channel: string;
    readonly text?: string;
    readonly metadata?: PostedMessage['metadata'];
    readonly at: number;
  }

  /**
   * Starts a worker process whose "Slack" hangs at `hang`, enqueues a digest, SIGKILLs the worker
   * there, and lets an in-process worker recover the stalled job. The rescuer's Slack history holds
   * what the killed worker's Slack received.
   */
  async function killAndRecover(hang: 'after-post' | 'before-post', channel: string) {
    // A prefix of its own: an earlier worker's stalled-check marker (30 s) would delay the recovery.
    const killPrefix = uniquePrefix('digest-kill');
    prefixes.push(killPrefix);
    const killConfig = testJobsConfig(killPrefix, { dataDir, outDir });
    const slackLog = join(tempDir('lumen-digest-slack-'), 'slack.jsonl');
    writeFileSync(slackLog, '');
    const proc = spawn(process.execPath, [WORKER_SCRIPT], {
      env: {
        ...process.env,
        REDIS_URL,
        LUMEN_QUEUE_PREFIX: killPrefix,
        LUMEN_DATA_DIR: dataDir,
        LUMEN_OUT_DIR: outDir,
        LUMEN_DUCKDB_THREADS: '1',
        LUMEN_DUCKDB_MEMORY: '1GB',
        DIGEST_SLACK_LOG: slackLog,
        DIGEST_HANG: hang,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(proc);
    let stderr = '';
    proc.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const seen = (word: string) =>
      new Promise<void>((resolve, reject) => {
        proc.stdout?.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes(word)) resolve();
        });
        proc.on('exit', (code) => reject(new Error(`worker exited (${code}) before "${word}": ${stderr}`)));
      });
    await seen('ready');
    const queues = await JobQueues.open(killConfig);
    opened.push(queues);
    const hung = seen(hang === 'after-post' ? 'posted' : 'posting');
    const job = await enqueue(queues, 'weekly-digest', { outDir, channel, scope: null }, { attempts: 3 });
    await hung;
    proc.kill('SIGKILL');
    await new Promise((resolve) => proc.once('exit', resolve));

    const killedCalls = readFileSync(slackLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as LoggedCall);
    // The channel as Slack holds it: what the killed worker got through.
    const publisher = new FakePublisher();
    for (const call of killedCalls.filter((c) => c.kind === 'message'))
      publisher.messages.push({
        channel: call.channel,
        blocks: [],
        text: call.text ?? '',
        ts: String(call.at / 1000),
        at: call.at,
        ...(call.metadata ? { metadata: call.metadata } : {}),
      });
    const alreadyInChannel = publisher.messages.length;
    // Another worker recovers the stalled job once its lock expires.
    const rescuer = await startWorker(testConfig(), killConfig, publisher, {
      upsertSchedules: false,
      lockDurationMs: 2000,
      stalledIntervalMs: 500,
      log: quietLog,
    });
    rescuers.push(rescuer);
    const result = await waitForJob(queues, 'weekly-digest', job.id, { timeoutMs: 30_000 });
    return {
      result,
      killedCalls,
      newMessages: publisher.messages.slice(alreadyInChannel),
      newFiles: publisher.files,
      killPrefix,
    };
  }

  test('killed after Slack got the message: found in the channel, recorded, not posted again', async () => {
    switchLatest(outDir, WEEK2.runId);
    const run = await killAndRecover('after-post', 'C-kill');
    expect(run.result.posted).toBe('none');
    expect(run.killedCalls.filter((c) => c.kind === 'message')).toHaveLength(1);
    // The message goes first: nothing was uploaded before the kill.
    expect(run.killedCalls.filter((c) => c.kind === 'file')).toHaveLength(0);
    expect(run.newMessages).toHaveLength(0);
    // The rescuer puts the three files into the thread of the message it found, once each.
    const thread = String((run.killedCalls[0]?.at ?? 0) / 1000);
    expect(run.newFiles.map((f) => f.threadTs)).toEqual([thread, thread, thread]);
    // The recovered week is the next digest's baseline, as if the job had completed.
    const baseline = JSON.parse((await redis.get(lastDigestKey(run.killPrefix, 'C-kill'))) ?? '{}');
    expect(new Set(baseline.atRisk)).toEqual(atRiskIds(WEEK2));
  }, 60_000);

  test('killed after marking "sending" but before Slack got the message: posted by the rescuer, once', async () => {
    switchLatest(outDir, WEEK2.runId);
    const run = await killAndRecover('before-post', 'C-kill-early');
    expect(run.result.posted).toBe('digest');
    expect(run.killedCalls).toHaveLength(0);
    expect(run.newMessages).toHaveLength(1);
    // One message, its three files in its thread.
    expect(run.newFiles.map((f) => f.threadTs)).toEqual(Array(3).fill(run.newMessages[0]?.ts));
  }, 60_000);
});

describe('digest settings and previews', () => {
  test('LUMEN_MODEL_MAX_AGE_DAYS defaults to 30 and LUMEN_DIGEST_SKIP_EMPTY to false', () => {
    expect(readJobsConfig({}).modelMaxAgeDays).toBe(30);
    expect(readJobsConfig({}).digestSkipEmpty).toBe(false);
    expect(readJobsConfig({ LUMEN_DIGEST_SKIP_EMPTY: 'true', LUMEN_MODEL_MAX_AGE_DAYS: '7' })).toMatchObject({
      digestSkipEmpty: true,
      modelMaxAgeDays: 7,
    });
    expect(() => readJobsConfig({ LUMEN_DIGEST_SKIP_EMPTY: 'maybe' })).toThrow(/LUMEN_DIGEST_SKIP_EMPTY/);
    expect(() => readJobsConfig({ LUMEN_MODEL_MAX_AGE_DAYS: '0' })).toThrow(/LUMEN_MODEL_MAX_AGE_DAYS/);
  });

  test('a preview posts every time and records neither the week nor a baseline', async () => {
    const publisher = new FakePublisher();
    const channel = 'D-preview';
    switchLatest(outDir, WEEK2.runId);
    for (const hour of ['08', '09']) {
      const result = await processWeeklyDigest(
        digestJob({ outDir, channel, preview: true }, `2026-06-29T${hour}:00:00Z`),
        context(publisher),
      );
      expect(result.posted).toBe('digest');
    }
    expect(publisher.messages).toHaveLength(2);
    expect(await redis.get(onceKey(prefix, channel, '2026-W27'))).toBeNull();
    expect(await redis.get(lastDigestKey(prefix, channel))).toBeNull();
  });
});

describe('dry run', () => {
  test('writes digest.json, the charts and the CSV, and calls no Slack endpoint', async () => {
    switchLatest(outDir, WEEK2.runId);
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const out = join(tempDir('lumen-digest-dry-'), 'preview');
    const result = await runDigestDryRun({
      outDir,
      out,
      now: new Date('2026-06-29T08:00:00Z'),
      modelMaxAgeDays: 30,
    });
    expect(fetchSpy).not.toHaveBeenCalled();
    fetchSpy.mockRestore();
    expect(result.files.map((f) => f.slice(out.length + 1))).toEqual([
      'digest.json',
      'weekly-engagement-2026-06-28.png',
      'risk-distribution-2026-06-28.png',
      'at-risk-2026-06-28.csv',
    ]);
    for (const file of result.files) expect(existsSync(file)).toBe(true);
    const json = JSON.parse(readFileSync(join(out, 'digest.json'), 'utf8'));
    expect(json.blocks).toEqual(result.blocks);
    // Compared with the previous run folder (no Redis): the split has a baseline.
    expect(JSON.stringify(result.blocks)).not.toContain('No previous digest');
  });
});
