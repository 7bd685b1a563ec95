/**
 * The weekly digest through the real scheduler path, the way the issue owner will check it: a
 * worker process started like `lumen worker` (schedules upserted with the default Monday 08:00
 * cron in Europe/Berlin, the Slack Web API publisher pointed at a fake Slack over HTTP), its clock
 * moved to just before two consecutive Mondays. Week 1: the worker is SIGKILLed after Slack got the
 * digest and before the job completed; a second worker recovers the job. Week 2: a refresh with a
 * week more data, then the scheduler fires again. One digest per ISO week arrives, and week 2's
 * trend and new / still / recovered split match values recomputed here from the two runs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { enrolmentKey } from '../../src/analytics/enrolment-key.ts';
import { generateLmsData } from '../../src/analytics/generate.ts';
import { createSlackPublisher } from '../../src/bot/publish.ts';
import { addDays, isoWeek, mondayOf } from '../../src/jobs/digest/iso-week.ts';
import { lastDigestKey, onceKey } from '../../src/jobs/digest/once.ts';
import { JobQueues } from '../../src/jobs/job-queues.ts';
import { enqueueRefresh, waitForJob } from '../../src/jobs/producer.ts';
import { type FakeSlack, type RecordedCall, startFakeSlack } from '../bot/fake-slack.ts';
import { localDay, nextWeekly } from '../helpers/clock.ts';
import { removeTempDirs, tempDir } from '../helpers/fs.ts';
import { atRiskEnrolments } from '../helpers/run-folder.ts';
import { deleteKeys, REDIS_URL, testJobsConfig, uniquePrefix } from './redis-kit.ts';

type Row = Record<string, string>;

const WORKER_SCRIPT = new URL('./worker-process.mjs', import.meta.url).pathname;
const CHANNEL = 'CDIGEST';
const TZ = 'Europe/Berlin';
/**
 * The default digest cron (Monday 08:00 in LUMEN_TZ) on two consecutive weeks, from the clock this
 * test runs on: the next fire after the first worker upserted its schedules, and the one after it
 * (7 days apart, or an hour less / more across a clock change). Their ISO weeks are the labels.
 */
let FIRE: readonly [number, number];
let WEEKS: readonly [string, string];
/** The export's as-of day for each week's refresh. */
const AS_OF = ['2026-06-21', '2026-06-28'] as const;

const prefix = uniquePrefix('digest-schedule');
const children: ChildProcess[] = [];
let fake: FakeSlack;
let queues: JobQueues;
let redis: Redis;
let dataDir: string;
let outDir: string;

function csv(path: string): Row[] {
  return parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true }) as Row[];
}

interface WorkerProcess {
  readonly proc: ChildProcess;
  /** Moves the process's clock to `at` (ms since the epoch) from now on; returns the offset used. */
  setClock(at: number): Promise<number>;
  setOffset(offset: number): Promise<void>;
  stderr(): string;
}

async function startWorkerProcess(offset = 0): Promise<WorkerProcess> {
  const proc = spawn(process.execPath, [WORKER_SCRIPT], {
    env: {
      ...process.env,
      REDIS_URL,
      LUMEN_QUEUE_PREFIX: prefix,
      LUMEN_DATA_DIR: dataDir,
      LUMEN_OUT_DIR: outDir,
      LUMEN_TZ: TZ,
      LUMEN_DIGEST_CHANNEL: CHANNEL,
      LUMEN_STAFF_CHANNELS: `CSTAFF ${CHANNEL}`,
      LUMEN_DUCKDB_THREADS: '1',
      LUMEN_DUCKDB_MEMORY: '1GB',
      SLACK_BOT_TOKEN: 'xoxb-digest-schedule',
      SLACK_API_URL: fake.apiUrl,
      TEST_CLOCK_OFFSET_MS: String(offset),
      TEST_LOCK_MS: '2000',
      TEST_STALLED_MS: '1000',
      TEST_UPSERT_SCHEDULES: 'true',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(proc);
  let stdout = '';
  let stderr = '';
  proc.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  proc.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const seen = (word: string, from: number) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (stdout.slice(from).includes(word)) {
          clearInterval(timer);
          resolve();
        }
      };
      const timer = setInterval(check, 20);
      proc.once('exit', (code) => {
        clearInterval(timer);
        reject(new Error(`worker exited (${code}) before "${word}": ${stderr}`));
      });
      check();
    });
  await seen('ready', 0);
  const setOffset = async (next: number) => {
    const from = stdout.length;
    proc.stdin?.write(`offset ${next}\n`);
    await seen('clock', from);
  };
  return {
    proc,
    async setClock(at) {
      const next = at - Date.now();
      await setOffset(next);
      return next;
    },
    setOffset,
    stderr: () => stderr,
  };
}

function digestPosts(): RecordedCall[] {
  return fake
    .callsTo('chat.postMessage')
    .filter((c) => (c.params.metadata as { event_type?: string } | undefined)?.event_type === 'lumen_digest');
}

function weekOf(call: RecordedCall | undefined): string {
  return String(
    (call?.params.metadata as { event_payload?: { week?: string } } | undefined)?.event_payload?.week,
  );
}

async function refresh(asOf: string): Promise<string> {
  const job = await enqueueRefresh(queues, { trigger: 'test', asOf });
  const result = await waitForJob(queues, 'refresh', job.id, { timeoutMs: 90_000 });
  return result.runDir;
}

function atRisk(runDir: string): { ids: Set<string>; rows: Row[] } {
  const { keys, rows } = atRiskEnrolments(runDir);
  return { ids: keys, rows };
}

beforeAll(async () => {
  dataDir = tempDir('lumen-digest-schedule-data-');
  outDir = tempDir('lumen-digest-schedule-out-');
  await generateLmsData({ learners: 800, seed: 21, outDir: dataDir });
  fake = await startFakeSlack();
  queues = await JobQueues.open(testJobsConfig(prefix, { dataDir, outDir }, { LUMEN_TZ: TZ }));
  redis = new Redis(REDIS_URL);
}, 60_000);

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await queues?.close();
  redis?.disconnect();
  await fake?.close();
  await deleteKeys(prefix);
  removeTempDirs();
});

describe('weekly digest through the real scheduler', () => {
  test('two Mondays, a worker killed between the post and completion: one digest per week, trend and split right', async () => {
    // Week 1. The worker starts on the real clock (the scheduler's next run: the coming Monday),
    // refreshes the export as of the first week, then its clock moves to just before Monday 08:00.
    const first = await startWorkerProcess();
    const firstFire = nextWeekly(Date.now(), TZ, 1, 8);
    FIRE = [firstFire, nextWeekly(firstFire, TZ, 1, 8)];
    WEEKS = [isoWeek(localDay(FIRE[0], TZ)), isoWeek(localDay(FIRE[1], TZ))];
    const run1 = await refresh(AS_OF[0]);
    const scheduler = await queues.publish.getJobScheduler('weekly-digest');
    expect(scheduler?.next).toBe(FIRE[0]);
    // Slack gets the week-1 message but the worker never hears back: it is killed right there.
    fake.holdNext('chat.postMessage');
    const offset = await first.setClock(FIRE[0] - 2000);
    await fake.waitFor((c) => c.method === 'chat.postMessage' && weekOf(c) === WEEKS[0], 30_000);
    first.proc.kill('SIGKILL');
    await new Promise((resolve) => first.proc.once('exit', resolve));
    fake.releaseHeld();
    const week1Job = `repeat:weekly-digest:${FIRE[0]}`;
    expect(await (await queues.publish.getJob(week1Job))?.getState()).toBe('active');

    // A second worker on the same (shifted) clock recovers the job: the message is in the channel's
    // history, so the week is recorded as posted, with its at-risk list as next week's baseline.
    const second = await startWorkerProcess(offset);
    const recovered = await waitForJob(queues, 'weekly-digest', week1Job, { timeoutMs: 30_000 });
    expect(recovered).toMatchObject({ channel: CHANNEL, posted: 'none' });
    expect(fake.callsTo('conversations.history').length).toBeGreaterThan(0);
    const baseline1 = JSON.parse((await redis.get(lastDigestKey(prefix, CHANNEL))) ?? '{}');
    expect(baseline1.week).toBe(WEEKS[0]);
    expect(new Set(baseline1.atRisk)).toEqual(atRisk(run1).ids);

    // Week 2: a week more data, then the clock moves to the next Monday.
    const run2 = await refresh(AS_OF[1]);
    expect((await queues.publish.getJobScheduler('weekly-digest'))?.next).toBe(FIRE[1]);
    await second.setClock(FIRE[1] - 2000);
    const week2Job = `repeat:weekly-digest:${FIRE[1]}`;
    const posted = await waitForJob(queues, 'weekly-digest', week2Job, { timeoutMs: 30_000 });
    expect(posted).toMatchObject({ channel: CHANNEL, posted: 'digest' });

    // One digest per ISO week of the Monday it ran, each with its two charts and CSV, once.
    const digests = digestPosts();
    expect(digests.map(weekOf)).toEqual([...WEEKS]);
    expect(digests.every((c) => c.params.channel === CHANNEL)).toBe(true);
    const uploads = fake.callsTo('files.completeUploadExternal');
    expect(uploads).toHaveLength(6);
    // Each week is one message: its three files are replies in that message's thread.
    const threads = uploads.map((c) => String(c.params.thread_ts ?? ''));
    expect(threads.every((ts) => /^\d+\.\d+$/.test(ts))).toBe(true);
    expect(new Set(threads).size).toBe(2);
    for (const week of WEEKS)
      expect(JSON.parse((await redis.get(onceKey(prefix, CHANNEL, week))) ?? '{}').state).toBe('posted');

    // Week 2's split against week 1's digest, recomputed from the two runs' prediction files.
    const before = atRisk(run1).ids;
    const now = atRisk(run2);
    const stillOpen = new Map(now.rows.map((r) => [enrolmentKey(r.user_id ?? '', r.course_id ?? ''), r]));
    const newCount = [...now.ids].filter((id) => !before.has(id)).length;
    const stillCount = [...now.ids].filter((id) => before.has(id)).length;
    const recoveredCount = [...before].filter((id) => stillOpen.get(id)?.at_risk === 'false').length;
    const body = JSON.stringify(digests[1]?.params.blocks);
    expect(body).toContain(`*At risk: ${now.ids.size}* of ${now.rows.length} open enrolments`);
    expect(body).toContain(`New this week: ${newCount}`);
    expect(body).toContain(`Still at risk: ${stillCount}`);
    expect(body).toContain(`Recovered since last week: ${recoveredCount}`);
    expect(newCount + stillCount).toBe(now.ids.size);
    expect(stillCount).toBeGreaterThan(0);

    // The trend: active learners in the as-of week against the week before, from the features.
    const weekly = csv(join(run2, 'weekly_behavioral_features.csv'));
    const active = (weekStart: string) =>
      new Set(
        weekly.filter((r) => r.week_start === weekStart && Number(r.active_days) > 0).map((r) => r.user_id),
      ).size;
    const thisWeek = mondayOf(AS_OF[1]);
    const [a, b] = [active(thisWeek), active(addDays(thisWeek, -7))];
    const arrow = a > b ? '↑' : a < b ? '↓' : '→';
    const sign = a > b ? '+' : a < b ? '−' : '±';
    expect(body).toContain(`*Week of ${thisWeek}* vs week of ${addDays(thisWeek, -7)}`);
    expect(body).toContain(`Active learners: ${a} ${arrow} ${sign}${Math.abs(a - b)}`);
    expect(second.stderr()).not.toMatch(/xoxb-/);
  }, 180_000);

  test('the Web API publisher finds a posted message by its metadata, and says when it cannot read the history', async () => {
    const publisher = createSlackPublisher({ botToken: 'xoxb-history', apiUrl: fake.apiUrl });
    const since = Date.now() - 1000;
    const metadata = { eventType: 'lumen_digest', payload: { channel: 'CHIST', week: '2026-W01' } };
    expect(await publisher.findPosted('CHIST', metadata, since)).toEqual({ found: false });
    const posted = await publisher.postMessage('CHIST', [], 'the digest', { metadata });
    expect(posted.ts).toMatch(/^\d+\.\d{6}$/);
    expect(await publisher.findPosted('CHIST', metadata, since)).toEqual({ found: true, ts: posted.ts });
    expect(
      await publisher.findPosted(
        'CHIST',
        { ...metadata, payload: { ...metadata.payload, week: '2026-W02' } },
        since,
      ),
    ).toEqual({ found: false });
    expect(await publisher.findPosted('CHIST', metadata, Date.now() + 60_000)).toEqual({ found: false });
    fake.setHistoryError('missing_scope');
    expect(await publisher.findPosted('CHIST', metadata, since)).toEqual({
      unknown: 'conversations.history failed: missing_scope',
    });
    fake.setHistoryError(null);
  });
});
