/**
 * A Slack call that hangs: the real Slack publisher over HTTP to a fake Slack that never answers one
 * chat.postMessage, in a real worker on Redis. The stuck post fails at the client's request timeout
 * (not when Slack finally answers), an EDA chart asked for meanwhile is posted while the stuck call
 * is still hanging (one stuck call holds one publish slot, never the others), and the retry does not
 * post the list twice.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readBotConfig } from '../../src/bot/config.ts';
import { createSlackPublisher } from '../../src/bot/publish.ts';
import type { JobsConfig } from '../../src/jobs/config.ts';
import { JobQueues } from '../../src/jobs/job-queues.ts';
import { type RunningWorker, startWorker } from '../../src/jobs/job-worker.ts';
import { enqueue, waitForJob } from '../../src/jobs/producer.ts';
import { removeTempDirs } from '../helpers/fs.ts';
import { deleteKeys, quietLog, testConfig, testJobsConfig, uniquePrefix } from '../jobs/redis-kit.ts';
import { type FakeSlack, startFakeSlack } from './fake-slack.ts';
import { publishedRun } from './published-run.ts';

const prefix = uniquePrefix('slack-timeout');
let fake: FakeSlack;
let jobsConfig: JobsConfig;
let worker: RunningWorker;
let queues: JobQueues;

beforeAll(async () => {
  fake = await startFakeSlack();
  jobsConfig = testJobsConfig(prefix, await publishedRun());
  const botConfig = readBotConfig({
    SLACK_BOT_TOKEN: 'xoxb-timeout',
    SLACK_SIGNING_SECRET: 'secret',
    SLACK_API_URL: fake.apiUrl,
  });
  // A short request timeout and no client retries keep the test short; production: 30 s, 3 retries.
  const publisher = createSlackPublisher(botConfig, { timeoutMs: 6000, retryConfig: { retries: 0 } });
  worker = await startWorker(testConfig(), jobsConfig, publisher, { upsertSchedules: false, log: quietLog });
  queues = await JobQueues.open(jobsConfig);
}, 60_000);

afterAll(async () => {
  fake?.releaseHeld();
  await queues?.close();
  await worker?.close();
  await fake?.close();
  await deleteKeys(prefix);
  removeTempDirs();
});

test('a hanging chat.postMessage fails at the request timeout and does not hold up an EDA chart', async () => {
  fake.holdNext('chat.postMessage');
  const list = await enqueue(queues, 'post-at-risk', {
    outDir: jobsConfig.outDir,
    channel: 'CSTUCK',
    scope: null,
  });
  await fake.waitFor((c) => c.method === 'chat.postMessage' && c.params.channel === 'CSTUCK');
  const chart = await enqueue(queues, 'post-chart', {
    outDir: jobsConfig.outDir,
    channel: 'CEDA',
    chart: 'risk-distribution',
  });
  await waitForJob(queues, 'post-chart', chart.id, { timeoutMs: 20_000 });
  // Done while the list's first attempt is still waiting on Slack: it held one slot, not all.
  const stuck = await queues.publish.getJob(list.id);
  expect(await stuck?.getState()).toBe('active');
  expect(stuck?.attemptsMade).toBe(0);
  // The chart went up while the list's post was still hanging (its answer is held until the end).
  const upload = fake.calls.findIndex(
    (c) => c.method === 'files.completeUploadExternal' && c.params.channel_id === 'CEDA',
  );
  expect(upload).toBeGreaterThan(-1);
  // With alt text saying what it shows (sent with the upload URL request of the three-step upload).
  const requested = fake
    .callsTo('files.getUploadURLExternal')
    .find((c) => c.params.filename === 'risk-distribution.png');
  expect(String(requested?.params.alt_text)).toMatch(/^Chart: risk distribution/);
  // The stuck post fails by itself at the client's timeout, while Slack still has not answered (the
  // answer is held until the end of the test); the job's retry finds the message, which Slack did
  // receive, in the channel's history by its metadata, and does not post the list a second time.
  const result = await waitForJob(queues, 'post-at-risk', list.id, { timeoutMs: 20_000 });
  expect(result).toMatchObject({ channel: 'CSTUCK', posted: 'list' });
  expect((await queues.publish.getJob(list.id))?.attemptsMade).toBeGreaterThanOrEqual(2);
  expect(fake.callsTo('chat.postMessage').filter((c) => c.params.channel === 'CSTUCK')).toHaveLength(1);
  expect(fake.callsTo('conversations.history').some((c) => c.params.channel === 'CSTUCK')).toBe(true);
});
