/**
 * Who may see which learners, the way the issue owner checks it: signed requests to the real bot,
 * a real worker and Redis, a fake Slack recording every call. Programme staff by user id, one
 * course's staff by user id and another's by Slack user group (LUMEN_CONFIG), and an ordinary
 * member. Only what reaches the fake Slack is asserted.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { enrolmentKey, parseEnrolmentKey } from '../../src/analytics/enrolment-key.ts';
import { type RunningBot, startBot } from '../../src/bot/app.ts';
import { type BotConfig, readBotConfig } from '../../src/bot/config.ts';
import {
  NOT_STAFF_FEEDBACK_TEXT,
  OLD_LIST_FEEDBACK_TEXT,
  OUTSIDE_SCOPE_FEEDBACK_TEXT,
} from '../../src/bot/listeners/actions/feedback.ts';
import { NOT_STAFF_TEXT } from '../../src/bot/privacy.ts';
import type { JobsConfig } from '../../src/jobs/config.ts';
import type { RunningWorker } from '../../src/jobs/job-worker.ts';
import { readOutcomes, readPredictions } from '../../src/run-folder/index.ts';
import { FEEDBACK_ACTIONS } from '../../src/slack/index.ts';
import { removeTempDirs, tempDir } from '../helpers/fs.ts';
import { deleteKeys, testJobsConfig, uniquePrefix } from '../jobs/redis-kit.ts';
import { completedFile, type FakeSlack, type RecordedCall, startFakeSlack, textOf } from './fake-slack.ts';
import { listedEnrolments, publishedRun, startTestWorker } from './published-run.ts';
import { buttonClickBody, postToSlackEvents, slashCommandBody } from './signed-request.ts';

type Row = Record<string, string>;

const SECRET = 'access-signing-secret-0123456789';
const PROGRAMME_CHANNEL = 'CSTAFF';
const PUBLIC = 'CPUBLIC';
const CHANNEL_A = 'CCOURSEA';
const CHANNEL_B = 'CCOURSEB';
const PROGRAMME_STAFF = 'UPROG';
const STAFF_A = 'USTAFFA';
const GROUP_B = 'SGROUPB';
const STAFF_B = 'USTAFFB';
const OUTSIDER = 'UOUTSIDER';

const prefix = uniquePrefix('bot-access');
const logLines: string[] = [];
let fake: FakeSlack;
let botConfig: BotConfig;
let jobsConfig: JobsConfig;
let worker: RunningWorker;
let bot: RunningBot;
/** ML_Prediction.csv and learner_outcomes.csv as the worker reads them: one row per enrolment. */
let predictions: Row[];
let outcomes: Row[];
let neverActive: Row[];
let emailOf: Map<string, string>;
let courseA = '';
let courseB = '';
let responses = 0;

async function slash(text: string, channelId: string, userId: string) {
  responses += 1;
  const responseId = `access-${responses}`;
  const body = slashCommandBody({ text, channelId, userId, responseUrl: fake.responseUrl(responseId) });
  const response = await postToSlackEvents(bot.port ?? 0, body, { secret: SECRET });
  expect(response.status).toBe(200);
  return responseId;
}

/** A Snooze click on the button whose value is `value` (an enrolment key, or a learner id on old lists). */
async function click(userId: string, value: string, channelId: string) {
  responses += 1;
  const responseId = `access-click-${responses}`;
  const body = buttonClickBody({
    actionId: FEEDBACK_ACTIONS.snoozed,
    value,
    userId,
    channelId,
    messageTs: '1700000000.000100',
    blocks: [{ type: 'section', block_id: 'x', text: { type: 'mrkdwn', text: 'Learners at risk' } }],
    responseUrl: fake.responseUrl(responseId),
  });
  const response = await postToSlackEvents(bot.port ?? 0, body, { secret: SECRET });
  expect(response.status).toBe(200);
  return responseId;
}

/**
 * A learner lookup by course staff rebuilds the export's tables in the worker (validate, features,
 * outcomes, the enrolment weeks) before it posts: on a loaded 2-core machine that took over 20 s.
 */
const PROFILE_WAIT_MS = 90_000;

/** The answer posted to `responseId`'s response_url containing `text`. */
function answered(responseId: string, text: string): Promise<RecordedCall> {
  return fake.waitFor(
    (c) => c.method === 'response' && c.params.responseId === responseId && textOf(c).includes(text),
  );
}

/** The at-risk list posted to `channel` after call number `mark`. */
function listIn(channel: string, mark: number): Promise<RecordedCall> {
  return fake.waitFor(
    (c) =>
      fake.calls.indexOf(c) >= mark &&
      c.method === 'chat.postMessage' &&
      c.params.channel === channel &&
      textOf(c).includes('Learners at risk'),
    30_000,
  );
}

/** Every course the learner has an enrolment in (open or closed). */
function coursesOfLearner(id: string): string[] {
  return [
    ...new Set([...predictions, ...outcomes].filter((r) => r.user_id === id).map((r) => r.course_id ?? '')),
  ];
}

/** Each listed row is an open enrolment of `course`. */
function expectAllOf(course: string, values: readonly string[]): void {
  expect(values.length).toBeGreaterThan(0);
  for (const value of values) {
    const { userId, courseId } = parseEnrolmentKey(value);
    expect(courseId).toBe(course);
    expect(predictions.some((r) => r.user_id === userId && r.course_id === course)).toBe(true);
  }
}

/** The rows of the at-risk CSV uploaded into `channel` after call number `mark`. */
async function csvIn(channel: string, mark: number): Promise<Row[]> {
  const complete = await fake.waitFor(
    (c) =>
      fake.calls.indexOf(c) >= mark &&
      c.method === 'files.completeUploadExternal' &&
      c.params.channel_id === channel &&
      textOf(c).includes('At-risk learners'),
    30_000,
  );
  return parse(completedFile(fake, complete, /At-risk learners/), { columns: true }) as Row[];
}

/** Every learner name and email of the export, for "nothing learner-level reached Slack". */
function learnerStrings(): string[] {
  return predictions.flatMap((r) => [`${r.first_name} ${r.last_name}`, emailOf.get(r.user_id ?? '') ?? '']);
}

beforeAll(async () => {
  fake = await startFakeSlack();
  const run = await publishedRun();
  predictions = readPredictions(join(run.outDir, 'latest')) ?? [];
  outcomes = readOutcomes(join(run.outDir, 'latest')) ?? [];
  neverActive = parse(readFileSync(join(run.outDir, 'latest', 'never_active.csv'), 'utf8'), {
    columns: true,
  }) as Row[];
  const users = parse(readFileSync(join(run.dataDir, 'lms_users.csv'), 'utf8'), {
    columns: (header: string[]) => header.map((h) => h.trim()),
  }) as Row[];
  emailOf = new Map(users.map((u) => [u.user_id ?? '', u.email ?? '']));
  // The two courses with the most at-risk enrolments.
  const counts = new Map<string, number>();
  for (const row of predictions.filter((r) => r.at_risk === 'true'))
    counts.set(row.course_id ?? '', (counts.get(row.course_id ?? '') ?? 0) + 1);
  [courseA = '', courseB = ''] = [...counts].sort((a, b) => b[1] - a[1]).map(([course]) => course);
  const configPath = join(tempDir('lumen-access-config-'), 'lumen.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      courses: {
        [courseA]: { staff_users: [STAFF_A], channels: [CHANNEL_A] },
        [courseB]: { staff_usergroups: [GROUP_B], channels: [CHANNEL_B] },
      },
    }),
  );
  fake.setUsergroup(GROUP_B, [STAFF_B]);
  jobsConfig = testJobsConfig(prefix, run, {
    LUMEN_STAFF_CHANNELS: PROGRAMME_CHANNEL,
    LUMEN_STAFF_USERS: PROGRAMME_STAFF,
    LUMEN_CONFIG: configPath,
  });
  botConfig = readBotConfig({
    SLACK_BOT_TOKEN: 'xoxb-access',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl,
    PORT: '0',
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

describe('learner-level content goes to staff only, per course', () => {
  test('a member who is not staff gets one polite line for every learner-level ask, anywhere, and nothing else', async () => {
    const mark = fake.calls.length;
    const someone = predictions[0]?.user_id ?? '';
    const asks: [string, string][] = [
      ['at-risk', PROGRAMME_CHANNEL],
      ['at-risk', PUBLIC],
      ['at-risk top 3', `D-${OUTSIDER}`],
      [`at-risk ${courseA}`, CHANNEL_A],
      [`learner ${someone}`, PROGRAMME_CHANNEL],
      [`learner ${emailOf.get(someone)}`, PUBLIC],
      ['digest', `D-${OUTSIDER}`],
    ];
    for (const [text, channel] of asks) {
      const responseId = await slash(text, channel, OUTSIDER);
      const reply = await answered(responseId, 'for programme staff only');
      expect(reply.params.response_type).toBe('ephemeral');
      expect(String(reply.params.text)).toBe(NOT_STAFF_TEXT);
      expect(fake.responsesTo(responseId)).toHaveLength(1);
    }
    // Aggregate charts stay open to everyone.
    const chart = await slash('eda risk-distribution', PUBLIC, OUTSIDER);
    await fake.waitFor(
      (c) => c.method === 'files.completeUploadExternal' && c.params.channel_id === PUBLIC,
      20_000,
    );
    const after = fake.calls.slice(mark);
    expect(after.filter((c) => ['chat.postMessage', 'conversations.open'].includes(c.method))).toEqual([]);
    expect(after.filter((c) => c.method === 'files.completeUploadExternal')).toHaveLength(1);
    const everything = after.map(textOf).join('\n');
    for (const text of learnerStrings()) expect(everything).not.toContain(text);
    expect(fake.responsesTo(chart).length).toBeGreaterThan(0);
  });

  test("a non-staff Snooze changes nothing: no record, no message update, the learner stays on staff's list", async () => {
    const flagged = predictions.find(
      (r) => r.at_risk === 'true' && r.never_active !== 'true' && r.course_id === courseA,
    );
    const learnerId = flagged?.user_id ?? '';
    const mark = fake.calls.length;
    const responseId = await click(OUTSIDER, enrolmentKey(learnerId, courseA), `D-${OUTSIDER}`);
    const reply = await answered(responseId, 'Only programme staff');
    expect(String(reply.params.text)).toBe(NOT_STAFF_FEEDBACK_TEXT);
    expect(fake.calls.slice(mark).filter((c) => c.method === 'chat.update')).toEqual([]);
    expect(logLines.some((line) => line.includes(`ignored feedback click from ${OUTSIDER}`))).toBe(true);
    expect(logLines.join('\n')).not.toContain(flagged?.last_name ?? 'no name');
    // The staff's full list still names the learner (nothing snoozed): top 20 of the course.
    const listMark = fake.calls.length;
    await slash(`at-risk ${courseA} top 20`, PROGRAMME_CHANNEL, PROGRAMME_STAFF);
    const list = await listIn(PROGRAMME_CHANNEL, listMark);
    expect(textOf(list)).not.toContain('snoozed not shown');
    // The programme-wide list has its own section for learners registered with no activity at all.
    const wholeMark = fake.calls.length;
    await slash('at-risk', PROGRAMME_CHANNEL, PROGRAMME_STAFF);
    const whole = textOf(await listIn(PROGRAMME_CHANNEL, wholeMark));
    expect(neverActive.length).toBeGreaterThan(0);
    expect(whole).toContain(`Registered, never active: ${neverActive.length}*`);
    expect(whole).toContain(`(${neverActive[0]?.user_id}): registered ${neverActive[0]?.registered_on}`);
  });

  test("a course's staff see only that course: in its channel, in their DM, and never another course", async () => {
    // In course A's channel: A's learners only, posted there.
    let mark = fake.calls.length;
    await slash('at-risk top 20', CHANNEL_A, STAFF_A);
    const courseList = await listIn(CHANNEL_A, mark);
    expectAllOf(courseA, listedEnrolments(courseList));
    // Each line names its course: course B's rows of the same learners never appear.
    expect(textOf(courseList)).not.toContain(`· ${courseB}`);
    // The CSV holds course A's enrolments only.
    const csv = await csvIn(CHANNEL_A, mark);
    expect(csv.length).toBeGreaterThan(0);
    expect(new Set(csv.map((r) => r.course_id))).toEqual(new Set([courseA]));
    // Learners registered with no activity belong to no course: not in a course's list.
    expect(textOf(courseList)).not.toContain('Registered, never active');

    // Outside a staff channel: to their DM, still only course A.
    mark = fake.calls.length;
    await slash('at-risk top 20', PUBLIC, STAFF_A);
    expectAllOf(courseA, listedEnrolments(await listIn(`D-${STAFF_A}`, mark)));

    // Course B, asked by name or in B's channel: refused, nothing posted.
    mark = fake.calls.length;
    const byName = await slash(`at-risk ${courseB}`, PUBLIC, STAFF_A);
    expect(String((await answered(byName, 'not for')).params.text)).toContain(`not for ${courseB}`);
    const inB = await slash('at-risk', CHANNEL_B, STAFF_A);
    await answered(inB, `not for ${courseB}`);
    expect(fake.calls.slice(mark).filter((c) => c.method === 'chat.postMessage')).toEqual([]);

    // A learner of course B only, looked up by course A's staff: answered like an unknown learner.
    const onlyB = predictions.find((r) => {
      const courses = coursesOfLearner(r.user_id ?? '');
      return courses.includes(courseB) && !courses.includes(courseA);
    });
    expect(onlyB).toBeDefined();
    mark = fake.calls.length;
    const lookup = await slash(`learner ${onlyB?.user_id}`, CHANNEL_A, STAFF_A);
    await answered(lookup, 'Done');
    const profile = await fake.waitFor(
      (c) =>
        fake.calls.indexOf(c) >= mark && c.method === 'chat.postMessage' && c.params.channel === CHANNEL_A,
      PROFILE_WAIT_MS,
    );
    expect(textOf(profile)).toContain('No open learner');
    expect(textOf(profile)).not.toMatch(/Risk\*|Drivers/);

    // A learner of both courses, looked up by course A's staff: the course A enrolment only.
    const both = predictions.find((r) => {
      const courses = coursesOfLearner(r.user_id ?? '');
      return r.course_id === courseA && courses.includes(courseB);
    });
    expect(both).toBeDefined();
    mark = fake.calls.length;
    await answered(await slash(`learner ${both?.user_id}`, CHANNEL_A, STAFF_A), 'Done');
    const bothProfile = await fake.waitFor(
      (c) =>
        fake.calls.indexOf(c) >= mark && c.method === 'chat.postMessage' && c.params.channel === CHANNEL_A,
      PROFILE_WAIT_MS,
    );
    expect(textOf(bothProfile)).toContain(`*${courseA}*`);
    expect(textOf(bothProfile)).not.toContain(courseB);

    // Course A's staff snoozing course B's enrolment of a learner of B only, or of one of both
    // courses: refused by the worker, nothing shown.
    for (const learner of [onlyB?.user_id ?? '', both?.user_id ?? '']) {
      mark = fake.calls.length;
      const snooze = await click(STAFF_A, enrolmentKey(learner, courseB), CHANNEL_A);
      expect(String((await answered(snooze, 'not in one of your courses')).params.text)).toBe(
        OUTSIDE_SCOPE_FEEDBACK_TEXT,
      );
      expect(fake.calls.slice(mark).filter((c) => c.method === 'chat.update')).toEqual([]);
    }
    // A button of a list posted before lists were per course (the learner id alone): course staff
    // cannot say which course they mean, so nothing is recorded.
    mark = fake.calls.length;
    const old = await click(STAFF_A, both?.user_id ?? '', CHANNEL_A);
    expect(String((await answered(old, 'before lists were per course')).params.text)).toBe(
      OLD_LIST_FEEDBACK_TEXT,
    );
    expect(fake.calls.slice(mark).filter((c) => c.method === 'chat.update')).toEqual([]);
  }, 240_000);

  test("staff named by a Slack user group see their course; programme staff in a course channel see that course's learners", async () => {
    let mark = fake.calls.length;
    await slash('at-risk top 20', CHANNEL_B, STAFF_B);
    const listB = await listIn(CHANNEL_B, mark);
    expectAllOf(courseB, listedEnrolments(listB));
    expect(textOf(listB)).not.toContain(`· ${courseA}`);
    expect(new Set((await csvIn(CHANNEL_B, mark)).map((r) => r.course_id))).toEqual(new Set([courseB]));
    expect(fake.callsTo('usergroups.users.list').some((c) => c.params.usergroup === GROUP_B)).toBe(true);

    // The course channel's audience is course A's staff: programme staff asking there get course A.
    mark = fake.calls.length;
    await slash('at-risk top 20', CHANNEL_A, PROGRAMME_STAFF);
    expectAllOf(courseA, listedEnrolments(await listIn(CHANNEL_A, mark)));
    // Programme staff asking about course B in course A's channel: the answer goes to their DM.
    mark = fake.calls.length;
    await slash(`at-risk ${courseB} top 5`, CHANNEL_A, PROGRAMME_STAFF);
    expectAllOf(courseB, listedEnrolments(await listIn(`D-${PROGRAMME_STAFF}`, mark)));
  });
});
