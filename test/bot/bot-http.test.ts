/**
 * The bot end to end without a Slack workspace: signed requests to the real Bolt HTTP receiver, a
 * real Redis queue (unique prefix), a real worker posting through the Slack publisher, and a fake
 * Slack Web API recording what arrives where.
 */
import { createHash, createHmac } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseEnrolmentKey } from '../../src/analytics/enrolment-key.ts';
import { type RunningBot, startBot } from '../../src/bot/app.ts';
import { type BotConfig, readBotConfig } from '../../src/bot/config.ts';
import type { JobsConfig } from '../../src/jobs/config.ts';
import type { RunningWorker } from '../../src/jobs/job-worker.ts';
import { FEEDBACK_ACTIONS } from '../../src/slack/index.ts';
import { removeTempDirs } from '../helpers/fs.ts';
import { deleteKeys, testJobsConfig, uniquePrefix } from '../jobs/redis-kit.ts';
import { type FakeSlack, startFakeSlack, textOf } from './fake-slack.ts';
import {
  expectAtRiskFiles,
  expectTopPerCourse,
  listedEnrolments,
  PNG,
  PREVIOUS_AS_OF,
  publishedRun,
  startTestWorker,
} from './published-run.ts';
import { buttonClickBody, postToSlackEvents, slashCommandBody } from './signed-request.ts';

const SECRET = 'test-signing-secret-0123456789';
const BOT_TOKEN = 'xoxb-test-token-must-not-be-logged';
const STAFF = 'CSTAFF';
const PUBLIC = 'CPUBLIC';
const ADMIN = 'UADMIN';
const MEMBER = 'UMEMBER';

const prefix = uniquePrefix('bot');
const logLines: string[] = [];
let fake: FakeSlack;
let botConfig: BotConfig;
let jobsConfig: JobsConfig;
let worker: RunningWorker;
let bot: RunningBot;
/** The second at-risk learner's first name: a real name that must arrive unescaped. */
let plainName = '';
let responseCounter = 0;
/** The latest run's at-risk count, and the previous run's (2026-06-21), 12 fewer. */
let atRiskNow = 0;
/** An at-risk learner looked up by email; the rendered profile chart in OUT/latest is theirs. */
let emailLearner = { id: '', email: '' };
/** The LMS export the published run read (its lms_users.csv is where the worker resolves an email). */
let dataDir = '';

async function slash(text: string, channelId: string, userId = MEMBER) {
  responseCounter += 1;
  const responseId = `r${responseCounter}`;
  const body = slashCommandBody({ text, channelId, userId, responseUrl: fake.responseUrl(responseId) });
  const response = await postToSlackEvents(bot.port ?? 0, body, { secret: SECRET });
  return { ...response, responseId };
}

function totalJobs(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

beforeAll(async () => {
  fake = await startFakeSlack();
  const paths = await publishedRun();
  ({ plainName, atRiskNow, emailLearner, dataDir } = paths);
  // MEMBER and ADMIN are programme staff; access for others is tested in bot-access.test.ts.
  jobsConfig = testJobsConfig(prefix, paths, {
    LUMEN_STAFF_CHANNELS: STAFF,
    LUMEN_STAFF_USERS: `${MEMBER} ${ADMIN}`,
  });
  botConfig = readBotConfig({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl,
    PORT: '0',
    LUMEN_ADMIN_USERS: ADMIN,
  });
  worker = await startTestWorker(botConfig, jobsConfig);
  bot = await startBot({ botConfig, jobsConfig, log: (line) => logLines.push(line) });
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  await worker?.close();
  await fake?.close();
  await deleteKeys(prefix);
  removeTempDirs();
});

describe('/lumen over signed HTTP with a real worker', () => {
  test('at-risk in a staff channel: acked fast, list with escaped names, buttons, chart and CSV in the channel', async () => {
    const response = await slash('at-risk top 5', STAFF);
    expect(response.status).toBe(200);
    expect(response.ms).toBeLessThan(3000);

    const list = await fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.params.channel === STAFF &&
        textOf(c).includes('Learners at risk'),
    );
    const posted = textOf(list);
    expect(posted).toContain('&lt;!channel&gt;');
    expect(posted).not.toContain('<!channel>');
    expect(posted).toContain(plainName);
    expect(posted).toContain(FEEDBACK_ACTIONS.contacted);
    // One list per course, its top 5 at most; 20 rows at most in all.
    expectTopPerCourse(listedEnrolments(list), 5);

    // The chart and the CSV arrive through the three-step upload, completed into the staff channel.
    await expectAtRiskFiles(fake, STAFF);

    // Counts by band and the change since the previous run, in the list itself.
    expect(posted).toContain(`at risk: ${atRiskNow} (+12 since ${PREVIOUS_AS_OF})`);
    expect(posted).toMatch(/high: \d+/);

    // The requester got the "working on it" note with the job id through response_url, then the
    // same note replaced (replace_original) with each stage the worker reported, then the answer.
    await fake.waitFor(
      (c) =>
        c.method === 'response' && c.params.responseId === response.responseId && textOf(c).includes('Done'),
    );
    const notes = fake.responsesTo(response.responseId);
    const first = notes[0];
    const jobId = /\(job `(post-at-risk-[^`]+)`\)/.exec(String(first?.params.text))?.[1] ?? '';
    expect(String(first?.params.text)).toMatch(
      /^:hourglass_flowing_sand: Working on the at-risk list \(job `/,
    );
    expect(jobId).not.toBe('');
    expect(first?.params.replace_original).toBeUndefined();
    const updates = notes.slice(1);
    // Slack takes five posts per response_url: the note, two stages, the answer (one spare).
    expect(updates).toHaveLength(3);
    for (const update of updates) {
      expect(update.params.replace_original).toBe(true);
      expect(update.params.response_type).toBe('ephemeral');
      expect(String(update.params.text)).toContain(jobId);
    }
    const stages = updates.slice(0, -1).map((u) => String(u.params.text));
    expect(stages[0]).toContain('reading the latest scores and the previous run (20%)');
    expect(stages.some((t) => t.includes('posting the list (70%)'))).toBe(true);
    const answer = String(updates.at(-1)?.params.text);
    expect(answer).toMatch(/^:white_check_mark: Done: posted the at-risk list/);
    expect(answer).toContain(`at risk: ${atRiskNow} (+12 since ${PREVIOUS_AS_OF})`);
    expect(answer).not.toContain(plainName);
    expect(fake.callsTo('conversations.open')).toHaveLength(0);
  });

  test('at-risk in a non-staff channel goes to the DM, with only a note in the channel', async () => {
    const response = await slash('at-risk', PUBLIC);
    expect(response.status).toBe(200);
    const dm = `D-${MEMBER}`;
    const list = await fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' && c.params.channel === dm && textOf(c).includes('Learners at risk'),
    );
    expect(textOf(list)).toContain(plainName);
    expect(fake.callsTo('conversations.open').some((c) => c.params.users === MEMBER)).toBe(true);
    const notes = fake.responsesTo(response.responseId).map(textOf).join(' ');
    expect(notes).toMatch(/direct message/);
    expect(notes).not.toContain(plainName);
    // Nothing was posted into the public channel itself.
    await fake.waitFor((c) => c.method === 'files.completeUploadExternal' && c.params.channel_id === dm);
    expect(fake.calls.some((c) => c.params.channel === PUBLIC || c.params.channel_id === PUBLIC)).toBe(false);
  });

  test('a feedback click is acked, recorded by the worker, and shown on the message', async () => {
    const list = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.params.channel === STAFF);
    const blocks = list.params.blocks as { type: string; elements?: { value?: string }[] }[];
    const value = listedEnrolments(list)[0] ?? '';
    const { userId: learnerId, courseId } = parseEnrolmentKey(value);
    expect(courseId).not.toBe('');
    const body = buttonClickBody({
      actionId: FEEDBACK_ACTIONS.contacted,
      value,
      userId: ADMIN,
      channelId: STAFF,
      messageTs: '1700000000.000100',
      blocks,
      responseUrl: fake.responseUrl('click'),
    });
    const response = await postToSlackEvents(bot.port ?? 0, body, { secret: SECRET });
    expect(response.status).toBe(200);
    const update = await fake.waitFor((c) => c.method === 'chat.update');
    expect(textOf(update)).toContain(`Contacted - <@${ADMIN}>`);
    const feedbackFile = join(jobsConfig.outDir, 'feedback', 'feedback.jsonl');
    await expect
      .poll(
        () => {
          try {
            return readFileSync(feedbackFile, 'utf8');
          } catch {
            return '';
          }
        },
        { timeout: 10_000 },
      )
      .toContain(`"learnerId":"${learnerId}","courseId":"${courseId}"`);
  });

  test('the same command redelivered with Slack retry headers enqueues once', async () => {
    const before = await bot.deps.queues.publish.getJobCounts('waiting', 'active', 'completed', 'failed');
    const body = slashCommandBody({
      text: 'eda risk-distribution',
      channelId: STAFF,
      userId: MEMBER,
      responseUrl: fake.responseUrl('redelivered'),
      triggerId: 'trigger-redelivered',
    });
    const first = await postToSlackEvents(bot.port ?? 0, body, { secret: SECRET });
    const again = await postToSlackEvents(bot.port ?? 0, body, { secret: SECRET, retryNum: 1 });
    expect([first.status, again.status]).toEqual([200, 200]);
    await fake.waitFor((c) => c.method === 'response' && c.params.responseId === 'redelivered');
    const after = await bot.deps.queues.publish.getJobCounts('waiting', 'active', 'completed', 'failed');
    expect(totalJobs(after) - totalJobs(before)).toBe(1);
    expect(fake.responsesTo('redelivered')).toHaveLength(1);
  });

  test('later lists mark contacted learners and leave snoozed ones out', async () => {
    const first = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.params.channel === STAFF);
    const blocks = first.params.blocks as { type: string; elements?: { value?: string }[] }[];
    const [contacted = '', snoozed = ''] = listedEnrolments(first);
    const snoozedEnrolment = parseEnrolmentKey(snoozed);
    const click = buttonClickBody({
      actionId: FEEDBACK_ACTIONS.snoozed,
      value: snoozed,
      userId: ADMIN,
      channelId: STAFF,
      messageTs: '1700000000.000200',
      blocks,
      responseUrl: fake.responseUrl('snooze'),
    });
    expect((await postToSlackEvents(bot.port ?? 0, click, { secret: SECRET })).status).toBe(200);
    const feedbackFile = join(jobsConfig.outDir, 'feedback', 'feedback.jsonl');
    await expect
      .poll(() => readFileSync(feedbackFile, 'utf8'), { timeout: 10_000 })
      .toContain(
        `"learnerId":"${snoozedEnrolment.userId}","courseId":"${snoozedEnrolment.courseId}","slackUserId":"${ADMIN}","verdict":"snoozed"`,
      );

    const posted = fake.callsTo('chat.postMessage').length;
    await slash('at-risk top 5', STAFF);
    const later = await fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.params.channel === STAFF &&
        fake.callsTo('chat.postMessage').indexOf(c) >= posted &&
        textOf(c).includes('Learners at risk'),
    );
    const text = textOf(later);
    expect(text).toContain(`(${parseEnrolmentKey(contacted).userId}) :white_check_mark: contacted`);
    // Snoozed in that course only: the enrolment is left out, the learner's other courses are not.
    expect(listedEnrolments(later)).not.toContain(snoozed);
    expect(text).toContain('1 snoozed not shown');
  });

  test('forged, unsigned and stale requests are rejected with 401 and enqueue nothing', async () => {
    const before = await bot.deps.queues.publish.getJobCounts('waiting', 'active', 'completed', 'failed');
    const body = slashCommandBody({
      text: 'at-risk',
      channelId: STAFF,
      userId: MEMBER,
      responseUrl: fake.responseUrl('forged'),
    });
    const forged = await postToSlackEvents(bot.port ?? 0, body, { secret: 'not-the-secret' });
    const unsigned = await postToSlackEvents(bot.port ?? 0, body, { secret: SECRET, unsigned: true });
    const stale = await postToSlackEvents(bot.port ?? 0, body, {
      secret: SECRET,
      timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
    });
    expect([forged.status, unsigned.status, stale.status]).toEqual([401, 401, 401]);
    const after = await bot.deps.queues.publish.getJobCounts('waiting', 'active', 'completed', 'failed');
    // Jobs of earlier tests may still move from active to completed: compare totals.
    expect(totalJobs(after)).toBe(totalJobs(before));
    expect(fake.responsesTo('forged')).toHaveLength(0);
  });

  test('a non-admin /lumen train is refused politely and nothing is queued', async () => {
    const response = await slash('train', STAFF, MEMBER);
    expect(response.status).toBe(200);
    const reply = await fake.waitFor(
      (c) => c.method === 'response' && c.params.responseId === response.responseId,
    );
    expect(textOf(reply)).toMatch(/only Lumen admins can retrain/);
    expect(reply.params.response_type).toBe('ephemeral');
    const computeJobs = await bot.deps.queues.compute.getJobCounts(
      'waiting',
      'active',
      'completed',
      'failed',
      'delayed',
    );
    expect(Object.values(computeJobs).reduce((a, b) => a + b, 0)).toBe(0);
  });

  test('an unknown subcommand gets the usage; /lumen eda ../../etc/passwd gets the catalogue', async () => {
    const unknown = await slash('frobnicate <!here>', PUBLIC);
    const usage = await fake.waitFor(
      (c) => c.method === 'response' && c.params.responseId === unknown.responseId,
    );
    expect(textOf(usage)).toContain('/lumen at-risk [course_id] [top N]');
    expect(textOf(usage)).toContain('frobnicate');

    const publishBefore = await bot.deps.queues.publish.getJobCounts(
      'waiting',
      'active',
      'completed',
      'failed',
    );
    const traversal = await slash('eda ../../etc/passwd', PUBLIC);
    const catalogue = await fake.waitFor(
      (c) => c.method === 'response' && c.params.responseId === traversal.responseId,
    );
    expect(textOf(catalogue)).toContain('There is no chart called');
    expect(textOf(catalogue)).toContain('weekly-engagement');
    const publishAfter = await bot.deps.queues.publish.getJobCounts(
      'waiting',
      'active',
      'completed',
      'failed',
    );
    expect(totalJobs(publishAfter)).toBe(totalJobs(publishBefore));
  });

  test('model and status answer from the latest run and the queue', async () => {
    const model = await slash('model', PUBLIC);
    const card = await fake.waitFor(
      (c) => c.method === 'response' && c.params.responseId === model.responseId,
    );
    expect(textOf(card)).toMatch(/Data as of/);
    const status = await slash('status', PUBLIC);
    const queue = await fake.waitFor(
      (c) => c.method === 'response' && c.params.responseId === status.responseId,
    );
    expect(textOf(queue)).toMatch(/publish queue/);
  });

  test('a 429 from Slack is waited out (Retry-After) and the chart still arrives', async () => {
    fake.failNext('files.getUploadURLExternal', 429);
    const started = fake.calls.length;
    const response = await slash('eda risk-distribution', PUBLIC);
    expect(response.status).toBe(200);
    await fake.waitFor((c) => c.method === 'files.completeUploadExternal' && c.params.channel_id === PUBLIC);
    const tries = fake.calls.slice(started).filter((c) => c.method === 'files.getUploadURLExternal');
    expect(tries.length).toBeGreaterThanOrEqual(2);
    expect((tries[1]?.at ?? 0) - (tries[0]?.at ?? 0)).toBeGreaterThanOrEqual(900);
  });

  test('two 500s from Slack are retried by the publisher and the list is posted once', async () => {
    fake.failNext('chat.postMessage', 500);
    fake.failNext('chat.postMessage', 500);
    const started = fake.calls.length;
    const response = await slash('at-risk top 3', STAFF);
    expect(response.status).toBe(200);
    const done = await fake.waitFor(
      (c) =>
        c.method === 'response' &&
        c.params.responseId === response.responseId &&
        /Done|:x:/.test(String(c.params.text)),
    );
    expect(String(done.params.text)).toMatch(/^:white_check_mark: Done: posted the at-risk list/);
    const tries = fake.calls
      .slice(started)
      .filter((c) => c.method === 'chat.postMessage' && textOf(c).includes('Learners at risk'));
    // Two answered 500, the third went through; nothing was posted twice.
    expect(tries).toHaveLength(3);
    expect(tries.every((c) => c.params.channel === STAFF)).toBe(true);
    expect((tries[2]?.at ?? 0) - (tries[0]?.at ?? 0)).toBeGreaterThanOrEqual(100);
  });

  test('learner in a staff channel: the worker looks it up, the profile is posted there', async () => {
    const list = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.params.channel === STAFF);
    const { userId: learnerId } = parseEnrolmentKey(listedEnrolments(list)[1] ?? '');
    const response = await slash(`learner ${learnerId}`, STAFF);
    expect(response.status).toBe(200);
    const profile = await fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.params.channel === STAFF &&
        textOf(c).includes(`Learner ${learnerId}`),
      30_000,
    );
    expect(textOf(profile)).toMatch(/At risk\* yes/);
    // OUT/latest's profile chart is another learner's, so the worker drew this one's on demand.
    const request = await fake.waitFor(
      (c) => c.method === 'files.getUploadURLExternal' && textOf(c).includes(`learner-${learnerId}.png`),
      30_000,
    );
    // A real rendered PNG, not the 12-byte stand-in the run was published with.
    const upload = await fake.waitFor(
      (c) =>
        c.method === 'upload' &&
        fake.calls.indexOf(c) > fake.calls.indexOf(request) &&
        c.bytes > 1000 &&
        c.body?.includes(Buffer.from('PNG')) === true,
    );
    expect(upload.bytes).toBeGreaterThan(1000);
    const drawn = join(jobsConfig.outDir, 'learner-charts', `r1-${learnerId}.png`);
    expect(readFileSync(drawn).subarray(1, 4).toString()).toBe('PNG');
    // The answer travelled through a file in OUT, not Redis, and the bot removed it once posted.
    expect(readdirSync(join(jobsConfig.outDir, 'learner-answers'))).toEqual([]);
    // The requester's note followed the job: its stages, then the answer, each replacing the last.
    await fake.waitFor(
      (c) =>
        c.method === 'response' && c.params.responseId === response.responseId && textOf(c).includes('Done'),
    );
    const notes = fake.responsesTo(response.responseId).map((c) => String(c.params.text));
    expect(notes[0]).toMatch(
      new RegExp(`^:hourglass_flowing_sand: Working on the profile of learner ${learnerId}`),
    );
    expect(notes.some((t) => t.includes('drawing the profile chart (40%)'))).toBe(true);
    expect(notes.at(-1)).toMatch(/^:white_check_mark: Done: posted the profile of learner/);
    expect(
      fake
        .responsesTo(response.responseId)
        .slice(1)
        .every((c) => c.params.replace_original === true),
    ).toBe(true);
    // OUT/latest still carries the chart it was published with.
    expect(readFileSync(join(jobsConfig.outDir, 'latest', 'charts', 'learner-profile.png'))).toEqual(PNG);
  }, 60_000);

  test('learner by email: only its keyed hash is queued, the worker resolves it (capitalised headers), profile and chart are posted', async () => {
    // Real exports capitalise and pad header names; the worker compares them as the pipeline does.
    const usersCsv = join(dataDir, 'lms_users.csv');
    const [header = '', ...rest] = readFileSync(usersCsv, 'utf8').split('\n');
    const capitalised = header
      .split(',')
      .map((name) => (name.trim() === 'email' ? ' EMAIL ' : name.trim() === 'user_id' ? 'User_ID' : name))
      .join(',');
    expect(capitalised).toContain(' EMAIL ');
    writeFileSync(usersCsv, [capitalised, ...rest].join('\n'));
    const typed = `  ${emailLearner.email.toUpperCase()} `;
    const response = await slash(`learner ${typed}`, STAFF);
    expect(response.status).toBe(200);
    const profile = await fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.params.channel === STAFF &&
        textOf(c).includes(`Learner ${emailLearner.id}`),
      30_000,
    );
    const text = textOf(profile);
    expect(text).toMatch(/At risk\* yes/);
    // The outcome of each of the learner's enrolments: at risk somewhere, so open there.
    expect(text).toMatch(/Outcome\* [^"]*open/);
    expect(text).toMatch(/Drivers\* \S/);
    // The profile chart in OUT/latest is this learner's, so it is uploaded with the profile.
    const chartRequest = await fake.waitFor(
      (c) =>
        c.method === 'files.getUploadURLExternal' && textOf(c).includes(`learner-${emailLearner.id}.png`),
    );
    await fake.waitFor(
      (c) =>
        c.method === 'files.completeUploadExternal' &&
        fake.calls.indexOf(c) > fake.calls.indexOf(chartRequest) &&
        c.params.channel_id === STAFF &&
        textOf(c).includes('Learner profile'),
    );
    // The chart published in OUT/latest was this learner's: nothing was drawn on demand.
    expect(existsSync(join(jobsConfig.outDir, 'learner-charts', `r1-${emailLearner.id}.png`))).toBe(false);
    // The email never went into Redis (job data) nor back into Slack.
    const note = await fake.waitFor(
      (c) => c.method === 'response' && c.params.responseId === response.responseId,
    );
    const jobId = /\(job `([^`]+)`\)/.exec(String(note.params.text))?.[1] ?? '';
    const job = await bot.deps.queues.compute.getJob(jobId);
    expect(job?.data).toMatchObject({ learnerId: '' });
    // The key is HMAC-SHA256 under the secret bot and worker share in Redis, not the bare sha256.
    const normalised = emailLearner.email.trim().toLowerCase();
    const secret = (await bot.deps.queues.redis.get(`${prefix}:lookup-secret`)) ?? '';
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const data = job?.data as { emailKey?: string; emailSha256?: string } | undefined;
    expect(data?.emailKey).toBe(createHmac('sha256', secret).update(normalised).digest('hex'));
    expect(data?.emailSha256).toBeUndefined();
    const bareSha256 = createHash('sha256').update(normalised).digest('hex');
    expect(JSON.stringify(job?.data)).not.toContain(bareSha256);
    const lower = emailLearner.email.toLowerCase();
    expect(JSON.stringify(job?.data).toLowerCase()).not.toContain(lower);
    expect(JSON.stringify(job?.returnvalue ?? {}).toLowerCase()).not.toContain(lower);
    expect(fake.calls.some((c) => textOf(c).toLowerCase().includes(lower))).toBe(false);
  });

  test('learner by an unknown email: a clear answer, and no chart', async () => {
    const uploads = fake.callsTo('files.getUploadURLExternal').length;
    await slash('learner nobody@example.invalid', STAFF);
    const answer = await fake.waitFor(
      (c) => c.method === 'chat.postMessage' && textOf(c).includes('No learner with that email'),
      30_000,
    );
    expect(answer.params.channel).toBe(STAFF);
    expect(textOf(answer)).not.toContain('nobody@');
    expect(fake.callsTo('files.getUploadURLExternal')).toHaveLength(uploads);
  });

  test('digest previews go to the requester only', async () => {
    const response = await slash('digest', PUBLIC, ADMIN);
    expect(response.status).toBe(200);
    const digest = await fake.waitFor(
      (c) => c.method === 'chat.postMessage' && textOf(c).includes('Weekly learning digest'),
    );
    expect(digest.params.channel).toBe(`D-${ADMIN}`);
  });

  test('a job failure reaches the requester as one sentence with an error id; the reason is in the log', async () => {
    // Charts other than risk-distribution were not rendered in this run.
    const response = await slash('eda quiz-scores', PUBLIC);
    const failure = await fake.waitFor(
      (c) =>
        c.method === 'response' && c.params.responseId === response.responseId && textOf(c).includes(':x:'),
    );
    const text = String(failure.params.text);
    expect(text).toMatch(
      /^:x: I could not post the quiz-scores chart: something went wrong \(error [0-9a-f]{8}\); staff can find it in the bot's log\.$/,
    );
    expect(text).not.toContain('has not been rendered');
    const errorId = /\(error ([0-9a-f]{8})\)/.exec(text)?.[1] ?? '';
    const logged = logLines.find((line) => line.startsWith(`error ${errorId}: `)) ?? '';
    expect(logged).toMatch(/post-chart \S+ for UMEMBER failed: .*chart quiz-scores has not been rendered/);
  });

  test('no secret reached the logs', () => {
    const logged = logLines.join('\n');
    expect(logged).toContain('lumen bot running');
    expect(logged).not.toContain(BOT_TOKEN);
    expect(logged).not.toContain(SECRET);
  });
});
