/**
 * The real `lumen bot` process (HTTP mode) against hostile input and a Redis that goes away: it
 * stays up and answering, its replies never carry raw internals, and /healthz and /readyz tell
 * its state. Redis is reached through a TCP proxy the test can cut, so "Redis unreachable" is real
 * (the shared Redis itself is never touched beyond this test's key prefix).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { removeTempDirs, tempDir } from '../helpers/fs.ts';
import { type RedisProxy, startRedisProxy } from '../helpers/redis-proxy.ts';
import { deleteKeys, REDIS_URL, uniquePrefix } from '../jobs/redis-kit.ts';
import { type FakeSlack, startFakeSlack, textOf } from './fake-slack.ts';
import { postToSlackEvents, slashCommandBody } from './signed-request.ts';

const BIN = fileURLToPath(new URL('../../bin/lumen.mjs', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url));
const GUARD = fileURLToPath(new URL('../../src/bot/process-guard.ts', import.meta.url));
const SECRET = 'hardening-test-signing-secret-7';
const CHANNEL = 'CPUBLIC';
const USER = 'UMEMBER';

const prefix = uniquePrefix('bot-hard');
let fake: FakeSlack;
let proxy: RedisProxy;
let bot: { proc: ChildProcess; output: string; exited: boolean };
let port = 0;
let responseCounter = 0;

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

async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000) {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out waiting for ${what}; bot output:\n${bot.output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function get(path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, body: await response.text() };
}

async function slash(text: string) {
  responseCounter += 1;
  const responseId = `h${responseCounter}`;
  const body = slashCommandBody({
    text,
    channelId: CHANNEL,
    userId: USER,
    responseUrl: fake.responseUrl(responseId),
  });
  const response = await postToSlackEvents(port, body, { secret: SECRET });
  return { ...response, responseId };
}

/** The bot answers a signed `/lumen help` with its usage, through the response_url. */
async function expectAnswering(): Promise<void> {
  expect(bot.exited).toBe(false);
  expect((await get('/healthz')).status).toBe(200);
  const help = await slash('help');
  expect(help.status).toBe(200);
  const usage = await fake.waitFor((c) => c.method === 'response' && c.params.responseId === help.responseId);
  expect(textOf(usage)).toContain('/lumen at-risk');
}

beforeAll(async () => {
  fake = await startFakeSlack();
  proxy = await startRedisProxy(REDIS_URL);
  port = await freePort();
  const inherited = Object.entries(process.env).filter(
    (entry): entry is [string, string] =>
      entry[1] !== undefined && !/^(LUMEN_|SLACK_)/.test(entry[0]) && entry[0] !== 'PORT',
  );
  const out = tempDir('lumen-hardening-');
  const env = {
    ...Object.fromEntries(inherited),
    SLACK_BOT_TOKEN: 'xoxb-hardening-test',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl,
    PORT: String(port),
    REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
    LUMEN_QUEUE_PREFIX: prefix,
    LUMEN_DATA_DIR: out,
    LUMEN_OUT_DIR: out,
  };
  const proc = spawn(process.execPath, [BIN, 'bot'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  bot = { proc, output: '', exited: false };
  proc.stdout?.on('data', (chunk: Buffer) => {
    bot.output += chunk.toString('utf8');
  });
  proc.stderr?.on('data', (chunk: Buffer) => {
    bot.output += chunk.toString('utf8');
  });
  proc.on('exit', () => {
    bot.exited = true;
  });
  await waitUntil(() => bot.output.includes('lumen bot running') || bot.exited, 'the bot to start', 30_000);
  expect(bot.exited).toBe(false);
}, 60_000);

afterAll(async () => {
  if (bot && !bot.exited) {
    bot.proc.kill('SIGTERM');
    await waitUntil(() => bot.exited, 'the bot to stop', 10_000).catch(() => bot.proc.kill('SIGKILL'));
  }
  await proxy?.up().catch(() => {});
  await proxy?.close();
  await fake?.close();
  await deleteKeys(prefix);
  removeTempDirs();
});

describe('lumen bot never falls over', () => {
  test('a signed interactivity request with payload=null gets 400 and one logged line; the bot keeps answering', async () => {
    const response = await postToSlackEvents(port, 'payload=null', { secret: SECRET });
    expect(response.status).toBe(400);
    await waitUntil(
      () => /error [0-9a-f]{8}: rejected a signed request .*payload is null/.test(bot.output),
      'the log line',
    );
    await expectAnswering();
  });

  test('hostile bodies, signed or not, never take the bot down', async () => {
    const hostile: { body: string; contentType?: string; signed: boolean; status: number }[] = [
      { body: 'payload=null', signed: false, status: 401 },
      { body: 'payload=1', signed: true, status: 400 },
      { body: 'payload=%22text%22', signed: true, status: 400 },
      { body: 'payload=%5B%5D', signed: true, status: 400 },
      { body: 'payload=%7B', signed: true, status: 400 },
      { body: 'payload=%7B%7D&payload=%7B%7D', signed: true, status: 400 },
      { body: 'null', contentType: 'application/json', signed: true, status: 400 },
      { body: '[1,2]', contentType: 'application/json', signed: true, status: 400 },
      // Objects of the wrong shape reach Bolt, which acknowledges or fails them without crashing.
      { body: `payload=${encodeURIComponent('{}')}`, signed: true, status: -1 },
      { body: `payload=${encodeURIComponent('{"type":"block_actions"}')}`, signed: true, status: -1 },
      {
        body: `payload=${encodeURIComponent('{"type":"block_actions","actions":[{"action_id":"lumen-feedback-contacted","value":null}],"user":null}')}`,
        signed: true,
        status: -1,
      },
      { body: 'command=%2Flumen&text=', signed: true, status: -1 },
      { body: 'command=%2Flumen', signed: true, status: -1 },
    ];
    for (const request of hostile) {
      const response = await postToSlackEvents(port, request.body, {
        secret: request.signed ? SECRET : 'not-the-secret',
        ...(request.contentType ? { contentType: request.contentType } : {}),
      });
      if (request.status !== -1) expect(response.status, request.body).toBe(request.status);
      expect(response.status, request.body).toBeLessThan(600);
      expect(response.text, request.body).not.toMatch(/\/work\/|node_modules|TypeError|\n\s+at /);
    }
    // A body over the size limit (2 MB) is refused without being read into the app.
    const huge = `payload=${'x'.repeat(2 * 1024 * 1024)}`;
    expect((await postToSlackEvents(port, huge, { secret: SECRET })).status).toBe(413);
    await expectAnswering();
  }, 60_000);

  test('/readyz follows Redis: 200 while reachable, 503 while not, 200 again after', async () => {
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({ ready: true, redis: 'reachable' });
    await proxy.down();
    try {
      await waitUntil(async () => (await get('/readyz')).status === 503, '/readyz to fail');
      expect(JSON.parse((await get('/readyz')).body)).toEqual({ ready: false, redis: 'unreachable' });
      // The process itself is still up.
      expect((await get('/healthz')).status).toBe(200);

      // A command that needs Redis: one plain sentence with an error id, never the ioredis message.
      const status = await slash('status');
      expect(status.status).toBe(200);
      const failure = await fake.waitFor(
        (c) => c.method === 'response' && c.params.responseId === status.responseId,
      );
      const text = String(failure.params.text);
      expect(text).toMatch(
        /^:x: I could not read the queue status: something went wrong \(error [0-9a-f]{8}\); staff can find it in the bot's log\.$/,
      );
      expect(textOf(failure)).not.toMatch(/Stream|enableOfflineQueue|writeable|\/work\/|\.ts/);
      const errorId = /\(error ([0-9a-f]{8})\)/.exec(text)?.[1] ?? '';
      // The log has the id with the full reason.
      expect(bot.output).toMatch(
        new RegExp(`error ${errorId}: /lumen status from ${USER} in ${CHANNEL} failed: \\S`),
      );
    } finally {
      await proxy.up();
    }
    await waitUntil(async () => (await get('/readyz')).status === 200, '/readyz to recover');
    expect(bot.exited).toBe(false);
  }, 60_000);
});

describe('the process guard of lumen bot', () => {
  test('an unhandled rejection and an uncaught exception are logged with an id and the process goes on', async () => {
    const script = `
      import { keepServingOnErrors } from ${JSON.stringify(GUARD)};
      keepServingOnErrors((line) => console.error(line));
      Promise.reject(new Error('rejected on purpose'));
      setTimeout(() => { throw new Error('thrown on purpose'); }, 10);
      setTimeout(() => console.log('still serving'), 300);
    `;
    const child = spawn(process.execPath, [TSX, '--eval', script, '--input-type=module'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(output).toMatch(
      /error [0-9a-f]{8}: unhandled promise rejection \(the bot keeps serving\): rejected on purpose/,
    );
    expect(output).toMatch(
      /error [0-9a-f]{8}: uncaught exception \(the bot keeps serving\): thrown on purpose/,
    );
    expect(output).toContain('still serving');
    expect(code).toBe(0);
  });
});
