/**
 * What the issue owner runs by hand, as a test: `lumen generate`, then `lumen worker` and `lumen bot`
 * as child processes (HTTP mode, SLACK_API_URL at the fake Slack Web API), `lumen refresh`, and
 * requests signed the way Slack signs them. Every assertion is on what arrives at the fake Slack
 * server (or on what the `lumen` command prints), never on the processes' internal state.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { enrolmentKey, parseEnrolmentKey } from '../../src/analytics/enrolment-key.ts';
import { byRiskDescending, readPredictions } from '../../src/run-folder/index.ts';
import { runCli } from '../helpers/cli.ts';
import { removeTempDirs, tempDir } from '../helpers/fs.ts';
import { deleteKeys, REDIS_URL, uniquePrefix } from '../jobs/redis-kit.ts';
import { completedFile, type FakeSlack, type RecordedCall, startFakeSlack, textOf } from './fake-slack.ts';
import { listedEnrolments } from './published-run.ts';
import { buttonClickBody, postToSlackEvents, slashCommandBody } from './signed-request.ts';

const BIN = fileURLToPath(new URL('../../bin/lumen.mjs', import.meta.url));
const SECRET = 'process-test-signing-secret-42';
const BOT_TOKEN = 'xoxb-process-test-token-never-logged';
/** Staff channels: learner-level content may be posted there. RETRY is used by the redelivery case only. */
const STAFF = 'CSTAFF';
const RETRY = 'CRETRY';
/** Not staff channels: PUBLIC must never receive learner-level content; the other two one case each. */
const PUBLIC = 'CPUBLIC';
const CHARTS = 'CCHARTS';
const TRAVERSAL = 'CTRAVERSAL';
const ADMIN = 'UADMIN';
const MEMBER = 'UMEMBER';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const prefix = uniquePrefix('bot-proc');
let fake: FakeSlack;
let port = 0;
let env: Record<string, string> = {};
const children: Child[] = [];
/**
 * The at-risk enrolments of the first refresh (ML_Prediction.csv read as the worker reads it, not
 * started ones aside), highest risk first over all courses.
 */
let atRisk: Record<string, string>[] = [];
/** Learners registered with no activity in the published run (their CSV goes with a programme-wide list). */
let neverActiveCount = 0;
let firstModelVersion = '';
/** An at-risk learner's email from the export (looked up by email from a non-staff channel). */
let emailLearner = { id: '', email: '' };
let responseCounter = 0;
/** The response_url id of the request that is delivered three times. */
let redeliveredResponseId = '';

interface Child {
  readonly name: string;
  readonly proc: ChildProcess;
  output: string;
  exited: boolean;
}

function startChild(name: string, args: string[]): Child {
  const proc = spawn(process.execPath, [BIN, ...args], {
    env,
    // Its own process group, so the sandboxed compute children can be ended with it if need be.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const child: Child = { name, proc, output: '', exited: false };
  proc.stdout?.on('data', (chunk: Buffer) => {
    child.output += chunk.toString('utf8');
  });
  proc.stderr?.on('data', (chunk: Buffer) => {
    child.output += chunk.toString('utf8');
  });
  proc.on('exit', () => {
    child.exited = true;
  });
  children.push(child);
  return child;
}

function waitForOutput(child: Child, pattern: RegExp, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      if (pattern.test(child.output)) return resolve();
      if (child.exited || Date.now() - started > timeoutMs) {
        return reject(
          new Error(`lumen ${child.name} did not print ${pattern}; its output:\n${child.output}`),
        );
      }
      setTimeout(check, 100);
    };
    check();
  });
}

function exited(child: Child, ms: number): Promise<boolean> {
  if (child.exited) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.proc.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** SIGTERM (finish current jobs), a second SIGTERM (hand them back), then SIGKILL to its group. */
async function stopChild(child: Child): Promise<void> {
  const pid = child.proc.pid;
  if (pid === undefined || child.exited) return;
  child.proc.kill('SIGTERM');
  if (await exited(child, 8000)) return;
  child.proc.kill('SIGTERM');
  if (await exited(child, 3000)) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    child.proc.kill('SIGKILL');
  }
  await exited(child, 3000);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const found = address && typeof address === 'object' ? address.port : 0;
      server.close(() => resolve(found));
    });
  });
}

/** The environment the owner gives both processes; inherited LUMEN_* and SLACK_* settings are dropped. */
function processEnv(paths: { dataDir: string; outDir: string }): Record<string, string> {
  const inherited = Object.entries(process.env).filter(
    (entry): entry is [string, string] =>
      entry[1] !== undefined && !/^(LUMEN_|SLACK_)/.test(entry[0]) && entry[0] !== 'PORT',
  );
  return {
    ...Object.fromEntries(inherited),
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl,
    PORT: String(port),
    LUMEN_STAFF_CHANNELS: `${STAFF},${RETRY}`,
    LUMEN_STAFF_USERS: `${MEMBER},${ADMIN}`,
    // The worker refuses to schedule the digest into a channel that is not a staff channel.
    LUMEN_DIGEST_CHANNEL: STAFF,
    LUMEN_ADMIN_USERS: ADMIN,
    REDIS_URL,
    LUMEN_QUEUE_PREFIX: prefix,
    LUMEN_DATA_DIR: paths.dataDir,
    LUMEN_OUT_DIR: paths.outDir,
  };
}

async function slash(text: string, channelId: string, userId = MEMBER, triggerId?: string) {
  responseCounter += 1;
  const responseId = `p${responseCounter}`;
  const body = slashCommandBody({
    text,
    channelId,
    userId,
    responseUrl: fake.responseUrl(responseId),
    ...(triggerId ? { triggerId } : {}),
  });
  const response = await postToSlackEvents(port, body, { secret: SECRET });
  return { ...response, responseId, body };
}

function responseTo(responseId: string, pattern: RegExp = /./, timeoutMs?: number): Promise<RecordedCall> {
  return fake.waitFor(
    (c) => c.method === 'response' && c.params.responseId === responseId && pattern.test(textOf(c)),
    timeoutMs,
  );
}

/** Calls recorded after `mark` (an index into fake.calls). */
function isSince(mark: number, call: RecordedCall): boolean {
  return fake.calls.indexOf(call) >= mark;
}

/** The at-risk list posted to `channel` (after call number `mark`, when given). */
function listIn(channel: string, mark = 0): Promise<RecordedCall> {
  return fake.waitFor(
    (c) =>
      c.method === 'chat.postMessage' &&
      c.params.channel === channel &&
      isSince(mark, c) &&
      textOf(c).includes('Learners at risk'),
  );
}

/** Waits for a file completed into `channel` whose title matches, and returns its uploaded bytes. */
async function fileIn(channel: string, title: RegExp, mark: number, timeoutMs = 30_000): Promise<Buffer> {
  const complete = await fake.waitFor(
    (c) =>
      c.method === 'files.completeUploadExternal' &&
      c.params.channel_id === channel &&
      isSince(mark, c) &&
      ((c.params.files as { title?: string }[] | undefined) ?? []).some((f) => title.test(f.title ?? '')),
    timeoutMs,
  );
  const bytes = completedFile(fake, complete, title);
  expect(bytes.length).toBeGreaterThan(0);
  return bytes;
}

function expectPng(bytes: Buffer): void {
  expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  // A real rendered chart, not a stand-in.
  expect(bytes.byteLength).toBeGreaterThan(2000);
}

/** `course`'s at-risk enrolments, highest risk first, as enrolment keys. */
function atRiskOf(course: string): string[] {
  return atRisk.filter((r) => r.course_id === course).map((r) => enrolmentKey(r.user_id ?? '', course));
}

function fullName(row: Record<string, string> | undefined): string {
  return `${row?.first_name ?? ''} ${row?.last_name ?? ''}`.trim();
}

function readCsv(path: string): Record<string, string>[] {
  return parse(readFileSync(path, 'utf8'), {
    columns: (header: string[]) => header.map((h) => h.trim()),
  }) as Record<string, string>[];
}

beforeAll(async () => {
  fake = await startFakeSlack();
  const dataDir = tempDir('lumen-proc-data-');
  const outDir = tempDir('lumen-proc-out-');
  // 800 learners: about 500 with a known outcome, a model that passes its gate in seconds.
  const generated = await runCli(['generate', '--learners', '800', '--seed', '3', '--out', dataDir]);
  expect(generated.code, generated.stderr).toBe(0);
  port = await freePort();
  env = processEnv({ dataDir, outDir });
  const worker = startChild('worker', ['worker']);
  const bot = startChild('bot', ['bot']);
  // The worker must be connected before `lumen refresh` looks for one (on a loaded machine a worker
  // started at the same moment can miss the refresh's grace period; operations.test.ts covers that).
  await Promise.all([
    waitForOutput(worker, /waiting for jobs/),
    waitForOutput(bot, /lumen bot running: HTTP on port \d+/),
  ]);
  const refresh = await runCli(['refresh'], env);
  expect(refresh.code, `${refresh.stderr}\nworker:\n${worker.output}`).toBe(0);
  expect(refresh.stdout).toMatch(/refresh \S+ done/);

  const latest = join(outDir, 'latest');
  atRisk = (readPredictions(latest) ?? [])
    .filter((r) => r.at_risk === 'true' && r.never_active !== 'true')
    .sort(byRiskDescending);
  neverActiveCount = readCsv(join(latest, 'never_active.csv')).length;
  expect(atRisk.length).toBeGreaterThan(5);
  firstModelVersion = (
    JSON.parse(readFileSync(join(latest, 'model_card.json'), 'utf8')) as { modelVersion: string }
  ).modelVersion;
  const users = readCsv(join(dataDir, 'lms_users.csv'));
  const third = atRisk[2];
  emailLearner = {
    id: third?.user_id ?? '',
    email: users.find((u) => u.user_id === third?.user_id)?.email ?? '',
  };
  expect(emailLearner.email).toContain('@');
}, 90_000);

afterAll(async () => {
  const stopped = await Promise.allSettled([
    ...children.map((child) => stopChild(child)),
    fake?.close() ?? Promise.resolve(),
  ]);
  // Only this file's keys, after both processes are gone (they would write them again).
  const cleaned = await Promise.allSettled([deleteKeys(prefix)]);
  removeTempDirs();
  const failed = [...stopped, ...cleaned].find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}, 30_000);

describe('lumen bot and lumen worker as processes, driven like Slack', () => {
  test('help and an unknown subcommand get the usage, to the requester only', async () => {
    const help = await slash('help', PUBLIC);
    expect(help.status).toBe(200);
    const usage = await responseTo(help.responseId);
    expect(usage.params.response_type).toBe('ephemeral');
    expect(textOf(usage)).toContain('/lumen at-risk [course_id] [top N]');

    const unknown = await slash('frobnicate <!here>', PUBLIC);
    expect(unknown.status).toBe(200);
    const answer = await responseTo(unknown.responseId);
    expect(answer.params.response_type).toBe('ephemeral');
    expect(textOf(answer)).toContain("I don't know `frobnicate`");
    expect(textOf(answer)).toContain('/lumen eda <chart>');
  });

  test('at-risk in a staff channel: the list with names and buttons, the chart (PNG) and the CSV', async () => {
    const mark = fake.calls.length;
    const response = await slash('at-risk', STAFF);
    expect(response.status).toBe(200);
    expect(response.ms).toBeLessThan(3000);
    const list = await listIn(STAFF, mark);
    const posted = textOf(list);
    // One list per course: each course's riskiest enrolments, every course its riskiest first.
    const courses = [...new Set(atRisk.map((r) => r.course_id ?? ''))];
    expect(courses.length).toBeGreaterThan(1);
    const listed = listedEnrolments(list);
    expect(listed.length).toBeLessThanOrEqual(20);
    for (const course of courses) {
      const ofCourse = listed.filter((value) => value.endsWith(`\t${course}`));
      expect(ofCourse).toEqual(atRiskOf(course).slice(0, ofCourse.length));
      expect(ofCourse.length).toBeGreaterThan(0);
    }
    expect(posted).toContain(fullName(atRisk[0]));
    expectPng(await fileIn(STAFF, /risk distribution/i, mark));
    // The CSV holds every at-risk enrolment of the programme (one row per learner and course).
    const csv = parse(await fileIn(STAFF, /At-risk learners/, mark), { columns: true }) as Record<
      string,
      string
    >[];
    const inCsv = new Set(csv.map((r) => enrolmentKey(r.user_id ?? '', r.course_id ?? '')));
    for (const row of atRisk)
      expect(inCsv.has(enrolmentKey(row.user_id ?? '', row.course_id ?? ''))).toBe(true);
    await responseTo(response.responseId, /Done: posted the at-risk list/);
  });

  test("at-risk top 3 lists exactly each course's three riskiest enrolments", async () => {
    const mark = fake.calls.length;
    const response = await slash('at-risk top 3', STAFF);
    expect(response.status).toBe(200);
    const list = await listIn(STAFF, mark);
    const courses = [...new Set(atRisk.map((r) => r.course_id ?? ''))].sort();
    expect(listedEnrolments(list)).toEqual(courses.flatMap((course) => atRiskOf(course).slice(0, 3)));
    for (const row of atRisk.filter(
      (r) => atRiskOf(r.course_id ?? '').indexOf(enrolmentKey(r.user_id ?? '', r.course_id ?? '')) < 3,
    ))
      expect(textOf(list)).toContain(fullName(row));
  });

  test('at-risk in a non-staff channel: the list goes to the DM, the channel gets only a note', async () => {
    const mark = fake.calls.length;
    const response = await slash('at-risk', PUBLIC, MEMBER);
    expect(response.status).toBe(200);
    await fake.waitFor((c) => c.method === 'conversations.open' && c.params.users === MEMBER);
    const list = await listIn(`D-${MEMBER}`, mark);
    expect(textOf(list)).toContain(fullName(atRisk[0]));
    expectPng(await fileIn(`D-${MEMBER}`, /risk distribution/i, mark));
    const done = await responseTo(response.responseId, /Done/);
    const notes = fake.responsesTo(response.responseId);
    expect(notes.every((c) => c.params.response_type === 'ephemeral')).toBe(true);
    expect(textOf(notes[0] as RecordedCall)).toMatch(/direct message/);
    expect(textOf(done)).toMatch(/in your direct messages/);
    for (const note of notes) expect(textOf(note)).not.toContain(fullName(atRisk[0]));
    // The channel itself got nothing (checked again for every case at the end).
    expect(fake.calls.some((c) => c.params.channel === PUBLIC || c.params.channel_id === PUBLIC)).toBe(false);
  });

  test('eda: the catalogue; a real chart id: its PNG in the channel; ../../etc/passwd: the catalogue', async () => {
    const catalogue = await slash('eda', CHARTS);
    const list = await responseTo(catalogue.responseId);
    expect(list.params.response_type).toBe('ephemeral');
    expect(textOf(list)).toContain('Charts you can ask for');
    expect(textOf(list)).toContain('weekly-engagement');

    const mark = fake.calls.length;
    const chart = await slash('eda weekly-engagement', CHARTS);
    expect(chart.status).toBe(200);
    expectPng(await fileIn(CHARTS, /weekly engagement/, mark));
    const request = fake
      .callsTo('files.getUploadURLExternal')
      .find((c) => isSince(mark, c) && c.params.filename === 'weekly-engagement.png');
    expect(request).toBeTruthy();

    const traversal = await slash('eda ../../etc/passwd', TRAVERSAL);
    const answer = await responseTo(traversal.responseId);
    expect(textOf(answer)).toContain('There is no chart called');
    expect(textOf(answer)).toContain('weekly-engagement');
    // No file ever went to that channel (checked again at the end, after every other job).
    expect(fake.calls.some((c) => c.params.channel_id === TRAVERSAL)).toBe(false);
  });

  test('learner <id> in a staff channel: the profile and a freshly drawn profile chart', async () => {
    // The second riskiest: OUT/latest holds the riskiest's profile chart, so this one is drawn on demand.
    const learner = atRisk[1] as Record<string, string>;
    const mark = fake.calls.length;
    const response = await slash(`learner ${learner.user_id}`, STAFF);
    expect(response.status).toBe(200);
    const profile = await fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.params.channel === STAFF &&
        isSince(mark, c) &&
        textOf(c).includes(`Learner ${learner.user_id}`),
      40_000,
    );
    expect(textOf(profile)).toMatch(/At risk\* yes/);
    expectPng(await fileIn(STAFF, /Learner profile/, mark, 40_000));
    await responseTo(response.responseId, /Done: posted the profile/, 40_000);
  });

  test('learner by email from a non-staff channel: the profile goes to the DM, the email goes nowhere', async () => {
    const mark = fake.calls.length;
    const response = await slash(`learner ${emailLearner.email.toUpperCase()}`, PUBLIC, MEMBER);
    expect(response.status).toBe(200);
    const profile = await fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.params.channel === `D-${MEMBER}` &&
        isSince(mark, c) &&
        textOf(c).includes(`Learner ${emailLearner.id}`),
      40_000,
    );
    expect(textOf(profile)).toMatch(/At risk\* yes/);
    await responseTo(response.responseId, /Done/, 40_000);
    expect(textOf(fake.responsesTo(response.responseId)[0] as RecordedCall)).toMatch(/direct message/);
    const email = emailLearner.email.toLowerCase();
    expect(fake.calls.some((c) => textOf(c).toLowerCase().includes(email))).toBe(false);
  });

  test('train: refused politely for a non-admin; for an admin the model card and the coefficients chart arrive', async () => {
    const refused = await slash('train', STAFF, MEMBER);
    expect(refused.status).toBe(200);
    const refusal = await responseTo(refused.responseId);
    expect(refusal.params.response_type).toBe('ephemeral');
    expect(textOf(refusal)).toMatch(/only Lumen admins can retrain/);

    const mark = fake.calls.length;
    const train = await slash('train', STAFF, ADMIN);
    expect(train.status).toBe(200);
    // Slack delivers the same command again (retry headers): no second retrain, no second card.
    const again = await postToSlackEvents(port, train.body, { secret: SECRET, retryNum: 1 });
    expect(again.status).toBe(200);
    await responseTo(train.responseId, /Working on a new model/);
    // Whoever posts it (bot or worker), the channel gets the new model's card, then its chart.
    const card = await fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.params.channel === STAFF &&
        isSince(mark, c) &&
        textOf(c).includes('Completion-risk model'),
      60_000,
    );
    expect(textOf(card)).toMatch(/CV AUC 0\.\d{3}/);
    expect(textOf(card)).toContain('passed its quality gate');
    expect(String(card.params.text)).toMatch(/^Model \S+: reliable, data as of \d{4}-\d{2}-\d{2}/);
    expect(String(card.params.text)).not.toContain(firstModelVersion);
    expectPng(await fileIn(STAFF, /model coefficients/, mark, 60_000));
    await responseTo(train.responseId, /Done: retrained the model/, 30_000);
    const cards = fake.calls.filter(
      (c) =>
        isSince(mark, c) && c.method === 'chat.postMessage' && textOf(c).includes('Completion-risk model'),
    );
    expect(cards).toHaveLength(1);
    // One "working on it" note (stage updates carry a percentage), not one per delivery.
    const notes = fake
      .responsesTo(train.responseId)
      .filter((c) => /Working on a new model/.test(textOf(c)) && !/\d+%\)/.test(textOf(c)));
    expect(notes).toHaveLength(1);
    // Aggregates only: no learner of the list is named in what the retrain posted.
    const posted = fake.calls.filter((c) => isSince(mark, c) && c.method === 'chat.postMessage');
    for (const call of posted) expect(textOf(call)).not.toContain(fullName(atRisk[0]));
  }, 90_000);

  test('model and status answer the requester only', async () => {
    const model = await slash('model', PUBLIC);
    const card = await responseTo(model.responseId);
    expect(card.params.response_type).toBe('ephemeral');
    expect(textOf(card)).toMatch(/Data as of/);
    expect(textOf(card)).toMatch(/CV AUC/);
    const status = await slash('status', PUBLIC);
    const queue = await responseTo(status.responseId);
    expect(queue.params.response_type).toBe('ephemeral');
    expect(textOf(queue)).toMatch(/publish queue/);
  });

  test('digest: the preview goes to the requester DM only', async () => {
    const mark = fake.calls.length;
    const response = await slash('digest', PUBLIC, MEMBER);
    expect(response.status).toBe(200);
    const note = await responseTo(response.responseId);
    expect(note.params.response_type).toBe('ephemeral');
    expect(textOf(note)).toMatch(/direct messages/);
    const digest = await fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' && isSince(mark, c) && textOf(c).includes('Weekly learning digest'),
      30_000,
    );
    expect(digest.params.channel).toBe(`D-${MEMBER}`);
    expect(textOf(digest)).toContain(fullName(atRisk[0]));
  });

  test('a forged signature and a request older than five minutes get 401, and nothing happens', async () => {
    const body = slashCommandBody({
      text: 'at-risk',
      channelId: STAFF,
      userId: MEMBER,
      responseUrl: fake.responseUrl('forged'),
    });
    const forged = await postToSlackEvents(port, body, { secret: 'not-the-signing-secret' });
    const stale = await postToSlackEvents(port, body, {
      secret: SECRET,
      timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
    });
    expect([forged.status, stale.status]).toEqual([401, 401]);
    // Checked again at the end: no answer ever reached that response_url.
    expect(fake.responsesTo('forged')).toHaveLength(0);
  });

  test('the same at-risk request redelivered with Slack retry headers is answered once', async () => {
    const first = await slash('at-risk top 2', RETRY, MEMBER, 'trigger-process-redelivered');
    redeliveredResponseId = first.responseId;
    const again = await postToSlackEvents(port, first.body, { secret: SECRET, retryNum: 1 });
    const third = await postToSlackEvents(port, first.body, { secret: SECRET, retryNum: 2 });
    expect([first.status, again.status, third.status]).toEqual([200, 200, 200]);
    await listIn(RETRY);
    await responseTo(first.responseId, /Done/);
    // The counts are checked at the end too, after every later case has had time to run.
  });

  test('a feedback click is acknowledged, shown on the message, and exported by lumen feedback', async () => {
    const list = await listIn(STAFF);
    const blocks = list.params.blocks as { type: string; elements?: { value?: string }[] }[];
    // The first button: the first course's riskiest enrolment, learner and course.
    const value = listedEnrolments(list)[0] ?? '';
    const firstCourse = [...new Set(atRisk.map((r) => r.course_id ?? ''))].sort()[0] ?? '';
    expect(value).toBe(atRiskOf(firstCourse)[0]);
    const { userId: learnerId, courseId } = parseEnrolmentKey(value);
    const mark = fake.calls.length;
    const body = buttonClickBody({
      actionId: 'lumen-feedback-contacted',
      value,
      userId: ADMIN,
      channelId: STAFF,
      messageTs: '1700000000.000100',
      blocks,
      responseUrl: fake.responseUrl('click'),
    });
    const response = await postToSlackEvents(port, body, { secret: SECRET });
    expect(response.status).toBe(200);
    expect(response.ms).toBeLessThan(3000);
    const update = await fake.waitFor(
      (c) =>
        isSince(mark, c) &&
        (c.method === 'chat.update' || (c.method === 'response' && c.params.responseId === 'click')) &&
        textOf(c).includes(`Contacted - <@${ADMIN}>`),
    );
    if (update.method === 'chat.update') {
      expect(update.params.channel).toBe(STAFF);
      expect(update.params.ts).toBe('1700000000.000100');
    }

    const exported = join(tempDir('lumen-proc-feedback-'), 'feedback.csv');
    let csv = '';
    for (let tries = 0; tries < 20 && !csv.includes(learnerId); tries += 1) {
      const result = await runCli(['feedback', '--out', exported], env);
      expect(result.code, result.stderr).toBe(0);
      csv = readFileSync(exported, 'utf8');
      if (!csv.includes(learnerId)) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(rows).toContainEqual(
      expect.objectContaining({ learnerId, courseId, slackUserId: ADMIN, verdict: 'contacted' }),
    );
  });

  test('afterwards: nothing learner-level in the public channel, no file for the traversal, one answer per redelivered request', async () => {
    // By now the jobs of every earlier case have had seconds to post; one more answered command first.
    const status = await slash('status', PUBLIC);
    await responseTo(status.responseId);
    expect(fake.calls.some((c) => c.params.channel === PUBLIC || c.params.channel_id === PUBLIC)).toBe(false);
    expect(fake.calls.some((c) => c.params.channel_id === TRAVERSAL || c.params.channel === TRAVERSAL)).toBe(
      false,
    );
    expect(fake.responsesTo('forged')).toHaveLength(0);
    const lists = fake
      .callsTo('chat.postMessage')
      .filter((c) => c.params.channel === RETRY && textOf(c).includes('Learners at risk'));
    expect(lists).toHaveLength(1);
    const retried = fake.responsesTo(redeliveredResponseId);
    expect(
      retried.filter(
        (c) => /Working on the at-risk list/.test(String(c.params.text)) && !c.params.replace_original,
      ),
    ).toHaveLength(1);
    // The chart, the at-risk CSV and (programme staff, whole programme) the never-active CSV, once each.
    expect(
      fake.calls.filter((c) => c.method === 'files.completeUploadExternal' && c.params.channel_id === RETRY),
    ).toHaveLength(neverActiveCount > 0 ? 3 : 2);
    // Neither process logged a secret.
    for (const child of children) {
      expect(child.output).not.toContain(BOT_TOKEN);
      expect(child.output).not.toContain(SECRET);
    }
  });
});
