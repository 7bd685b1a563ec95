/**
 * The bot end to end in Socket Mode without a Slack workspace: `lumen bot` with SLACK_APP_TOKEN asks
 * the (fake) Web API at SLACK_API_URL for a WebSocket URL, connects to a fake Socket Mode server,
 * acks every envelope it gets there, and a real worker on a real Redis (unique prefix) posts the
 * answers to the fake Web API.
 */
import { readFileSync } from 'node:fs';
import { Socket } from 'node:net';
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
import { type FakeSocketMode, startFakeSocketMode } from './fake-socket-mode.ts';
import {
  expectAtRiskFiles,
  expectTopPerCourse,
  listedEnrolments,
  PREVIOUS_AS_OF,
  type PublishedRun,
  publishedRun,
  startTestWorker,
} from './published-run.ts';

const BOT_TOKEN = 'xoxb-socket-test-token-must-not-be-logged';
const APP_TOKEN = 'xapp-1-A1-socket-test-token-must-not-be-logged';
const STAFF = 'CSTAFF';
const PUBLIC = 'CPUBLIC';
const ADMIN = 'UADMIN';
const MEMBER = 'UMEMBER';

const prefix = uniquePrefix('bot-socket');
const logLines: string[] = [];
let fake: FakeSlack;
let socket: FakeSocketMode;
let run: PublishedRun;
let botConfig: BotConfig;
let jobsConfig: JobsConfig;
let worker: RunningWorker;
let bot: RunningBot | null = null;
/** What kept the process alive before the bot started (the worker's Redis connections, vitest). */
let resourcesBefore = new Map<string, number>();

/** Sends `/lumen <text>` as a slash_commands envelope; resolves once the bot has acked it. */
async function slash(text: string, channelId: string, responseId: string, userId = MEMBER) {
  const started = performance.now();
  const envelopeId = socket.sendSlashCommand({
    text,
    channelId,
    userId,
    responseUrl: fake.responseUrl(responseId),
  });
  const ack = await socket.waitForAck(envelopeId);
  return { envelopeId, ack, ms: performance.now() - started };
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

/**
 * What keeps the process alive: its TCP sockets by remote port (leaving out the fakes' own ends of
 * the connections they accepted, which their close() ends) and its timers.
 */
function liveResources(): Map<string, number> {
  const fakePorts = new Set([portOf(fake.apiUrl), portOf(socket.url)]);
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  const live = handles
    .filter((h): h is Socket => h instanceof Socket && h.remotePort !== undefined)
    .filter((h) => !fakePorts.has(h.localPort ?? -1))
    .map((h) => `socket to port ${h.remotePort}`);
  live.push(...process.getActiveResourcesInfo().filter((r) => r === 'Timeout'));
  const counts = new Map<string, number>();
  for (const r of live) counts.set(r, (counts.get(r) ?? 0) + 1);
  return counts;
}

beforeAll(async () => {
  fake = await startFakeSlack();
  socket = await startFakeSocketMode();
  fake.setSocketModeUrl(socket.url);
  run = await publishedRun();
  jobsConfig = testJobsConfig(prefix, run, {
    LUMEN_STAFF_CHANNELS: STAFF,
    LUMEN_STAFF_USERS: `${MEMBER} ${ADMIN}`,
  });
  botConfig = readBotConfig({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_APP_TOKEN: APP_TOKEN,
    SLACK_API_URL: fake.apiUrl,
    LUMEN_ADMIN_USERS: ADMIN,
  });
  worker = await startTestWorker(botConfig, jobsConfig);
  resourcesBefore = liveResources();
  bot = await startBot({ botConfig, jobsConfig, log: (line) => logLines.push(line) });
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  await worker?.close();
  await fake?.close();
  await socket?.close();
  await deleteKeys(prefix);
  removeTempDirs();
});

describe('/lumen over Socket Mode with a real worker', () => {
  test('start: the WebSocket URL comes from apps.connections.open at SLACK_API_URL, no port is opened', async () => {
    expect(bot?.port).toBeNull();
    expect(fake.callsTo('apps.connections.open')).toHaveLength(1);
    const connection = await socket.connected();
    expect(connection.path).toMatch(/^\/link\/\?ticket=/);
    expect(socket.connections).toHaveLength(1);
    expect(logLines.join('\n')).toContain('lumen bot running: Socket Mode, Web API at');
    // The socket-mode client's 100-retry policy for apps.connections.open stays its own: the
    // listeners' Web API client keeps the default, as in HTTP mode.
    const app = bot?.app as unknown as { clientOptions: { retryConfig?: unknown } };
    expect(app.clientOptions.retryConfig).toBeUndefined();
  });

  test('/lumen help is acked on the socket and the usage reaches only the requester', async () => {
    const { ack, ms } = await slash('help', PUBLIC, 'help');
    expect(ms).toBeLessThan(3000);
    // Nothing to show in the ack itself: the usage goes through response_url.
    expect(ack.payload ?? {}).toEqual({});
    const usage = await fake.waitFor((c) => c.method === 'response' && c.params.responseId === 'help');
    expect(usage.params.response_type).toBe('ephemeral');
    expect(textOf(usage)).toContain('/lumen at-risk [course_id] [top N]');
    expect(fake.calls.some((c) => c.method === 'chat.postMessage' && c.params.channel === PUBLIC)).toBe(
      false,
    );
  });

  test('/lumen at-risk in a staff channel: the list with buttons, the chart and the CSV are posted', async () => {
    const { ms } = await slash('at-risk top 5', STAFF, 'at-risk');
    expect(ms).toBeLessThan(3000);
    const list = await fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.params.channel === STAFF &&
        textOf(c).includes('Learners at risk'),
    );
    const posted = textOf(list);
    expect(posted).toContain('&lt;!channel&gt;');
    expect(posted).not.toContain('<!channel>');
    expect(posted).toContain(run.plainName);
    expect(posted).toContain(`at risk: ${run.atRiskNow} (+12 since ${PREVIOUS_AS_OF})`);
    expectTopPerCourse(listedEnrolments(list), 5);

    // The chart and the CSV arrive through the three-step upload, completed into the staff channel.
    await expectAtRiskFiles(fake, STAFF);

    // The requester's note followed the job through response_url, ending with the answer.
    await fake.waitFor(
      (c) => c.method === 'response' && c.params.responseId === 'at-risk' && textOf(c).includes('Done'),
    );
    const notes = fake.responsesTo('at-risk').map((c) => String(c.params.text));
    expect(notes[0]).toMatch(/^:hourglass_flowing_sand: Working on the at-risk list \(job `/);
    expect(notes.at(-1)).toMatch(/^:white_check_mark: Done: posted the at-risk list/);
  });

  test('a feedback button click arrives as an interactive envelope, is acked and recorded', async () => {
    const list = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.params.channel === STAFF);
    const blocks = list.params.blocks as { type: string; elements?: { value?: string }[] }[];
    const value = listedEnrolments(list)[0] ?? '';
    const { userId: learnerId, courseId } = parseEnrolmentKey(value);
    expect(courseId).not.toBe('');
    const envelopeId = socket.sendButtonClick({
      actionId: FEEDBACK_ACTIONS.contacted,
      value,
      userId: ADMIN,
      channelId: STAFF,
      messageTs: '1700000000.000100',
      blocks,
      responseUrl: fake.responseUrl('click'),
    });
    await socket.waitForAck(envelopeId);
    const update = await fake.waitFor((c) => c.method === 'chat.update');
    expect(update.params.channel).toBe(STAFF);
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
      .toContain(
        `"learnerId":"${learnerId}","courseId":"${courseId}","slackUserId":"${ADMIN}","verdict":"contacted"`,
      );
  });

  test('a connection refresh from Slack: the client reconnects with a fresh URL and commands still work', async () => {
    socket.requestRefresh();
    // The client closes the old socket and, after its reconnect delay (5 s), asks for a new URL.
    await expect.poll(() => socket.connections.length, { timeout: 15_000 }).toBe(2);
    await socket.connected();
    expect(socket.connections[0]?.closeCode).toBe(1000);
    expect(fake.callsTo('apps.connections.open')).toHaveLength(2);
    await slash('help', PUBLIC, 'after-refresh');
    const usage = await fake.waitFor(
      (c) => c.method === 'response' && c.params.responseId === 'after-refresh',
    );
    expect(textOf(usage)).toContain('/lumen at-risk [course_id] [top N]');
  }, 20_000);

  test('every envelope was acked once, with its own envelope_id', () => {
    expect(socket.sent.map((e) => e.type)).toEqual([
      'slash_commands',
      'slash_commands',
      'interactive',
      'slash_commands',
    ]);
    for (const envelope of socket.sent) {
      expect(socket.acks.filter((a) => a.envelope_id === envelope.envelope_id)).toHaveLength(1);
    }
    expect(socket.acks).toHaveLength(socket.sent.length);
  });

  test('stop closes the socket (normal closure), does not reconnect and leaves nothing running', async () => {
    const running = bot;
    bot = null;
    await running?.stop();
    // stop() resolved only once the WebSocket had closed, with a normal closure from the client.
    expect(socket.connections.map((c) => c.closeCode)).toEqual([1000, 1000]);
    // No reconnect: the client asked for no new URL and opened no new connection.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.callsTo('apps.connections.open')).toHaveLength(2);
    expect(socket.connections).toHaveLength(2);
    // Every socket and timer the bot opened is gone: what remains ran before it started.
    for (const [kind, n] of liveResources()) {
      expect({ kind, n: Math.min(n, resourcesBefore.get(kind) ?? 0) }).toEqual({ kind, n });
    }
  });

  test('no token reached the logs', () => {
    const logged = logLines.join('\n');
    expect(logged).not.toContain(BOT_TOKEN);
    expect(logged).not.toContain(APP_TOKEN);
  });
});
