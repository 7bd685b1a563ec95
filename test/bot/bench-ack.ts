/**
 * `npm run bench:bot`: ack latency of the Slack HTTP receiver as Slack sees it. The bot runs as its
 * own process (`node bin/lumen.mjs bot`, real Redis under a throwaway prefix, no worker), the fake
 * Slack Web API in a third (fake-slack-process.ts), and this process only sends rounds of 50 concurrent correctly signed `/lumen at-risk`
 * requests, each on a new TCP connection (no keep-alive, like Slack), and times each from the
 * request to the end of the 200 response. One warm-up round is sent first and not counted. Between
 * rounds it waits until the bot has sent every "working on it" reply of the round, so each round is
 * a fresh burst. Target: p99 < 200 ms. Not a timed test; record results in docs/BENCHMARKS.md.
 *
 * BENCH_CONCURRENT (50), BENCH_ROUNDS (5), BENCH_CPU_PROF=<dir>: run the bot with `node --cpu-prof`
 * and write its profile there when it stops.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { deleteKeys, REDIS_URL, uniquePrefix } from '../jobs/redis-kit.ts';
import { startFakeSlackProcess } from './fake-slack-process.ts';
import { slackSignature, slashCommandBody } from './signed-request.ts';

const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CPU_PROF = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : null;
const SECRET = 'bench-signing-secret';
const STAFF = 'CSTAFF';
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;
const CLI = resolve(import.meta.dirname, '../../bin/lumen.mjs');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function summary(latencies: number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (p: number) => `p${p} ${percentile(sorted, p).toFixed(1)} ms`;
  return `${at(50)}, ${at(95)}, ${at(99)}, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms (n=${sorted.length})`;
}

/** One signed POST on its own TCP connection (agent: false, Connection: close), as Slack sends them. */
function postOnNewConnection(port: number, body: string): Promise<{ status: number; ms: number }> {
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = {
    'content-type': 'application/x-www-form-urlencoded',
    'content-length': String(Buffer.byteLength(body)),
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': slackSignature(SECRET, timestamp, body),
  };
  return new Promise((resolvePost, reject) => {
    const started = performance.now();
    const req = request(
      { host: '127.0.0.1', port, path: '/slack/events', method: 'POST', headers, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolvePost({ status: res.statusCode ?? 0, ms: performance.now() - started }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Starts the bot CLI and resolves with its port once it prints its readiness line on stderr. */
function startBotProcess(env: NodeJS.ProcessEnv): { child: ChildProcess; ready: Promise<number> } {
  const nodeArgs = CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...nodeArgs, CLI, 'bot'], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const recent: string[] = [];
  const ready = new Promise<number>((resolveReady, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`bot not ready after ${READY_TIMEOUT_MS} ms:\n${recent.join('\n')}`)),
      READY_TIMEOUT_MS,
    );
    // Read stderr to the end so the bot's per-request log lines never fill the pipe.
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => {
      recent.push(line);
      if (recent.length > 20) recent.shift();
      const match = /^lumen bot running: HTTP on port (\d+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolveReady(Number(match[1]));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`bot exited before it was ready (${signal ?? code}):\n${recent.join('\n')}`));
    });
  });
  return { child, ready };
}

/** SIGTERM (the bot stops cleanly and writes its CPU profile), SIGKILL if it hangs. */
async function stopBotProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

const prefix = uniquePrefix('bench-bot');
const workDir = mkdtempSync(join(tmpdir(), 'lumen-bench-bot-'));
const fake = await startFakeSlackProcess();
const { child, ready } = startBotProcess({
  ...process.env,
  SLACK_BOT_TOKEN: 'xoxb-bench',
  SLACK_SIGNING_SECRET: SECRET,
  SLACK_APP_TOKEN: '',
  SLACK_API_URL: fake.apiUrl,
  PORT: '0',
  LUMEN_STAFF_CHANNELS: STAFF,
  // Every bench requester (U0, U1, ...) is staff, as in a real staff channel.
  LUMEN_STAFF_USERS: Array.from({ length: CONCURRENT }, (_, i) => `U${i}`).join(','),
  LUMEN_ADMIN_USERS: '',
  REDIS_URL,
  LUMEN_QUEUE_PREFIX: prefix,
  LUMEN_OUT_DIR: workDir,
  LUMEN_DATA_DIR: workDir,
});
// Whatever happens to this process, the bot does not outlive it.
const killChild = () => {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
};
process.once('exit', killChild);
// Ctrl-C: stop the bot now and end the rounds, so the cleanup below still runs; a second one exits.
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    child.kill('SIGTERM');
  });
}

try {
  const port = await ready;
  const latencies: number[] = [];
  let replies = 0;
  for (let round = 0; round <= ROUNDS; round += 1) {
    if (interrupted) throw new Error('interrupted');
    const label = round === 0 ? 'warm-up' : `round ${round}`;
    // Signed bodies are built before the clock starts.
    const bodies = Array.from({ length: CONCURRENT }, (_, i) =>
      slashCommandBody({
        text: 'at-risk top 5',
        channelId: STAFF,
        userId: `U${i}`,
        responseUrl: fake.responseUrl(`bench-${round}-${i}`),
      }),
    );
    const results = await Promise.all(bodies.map((body) => postOnNewConnection(port, body)));
    if (interrupted) throw new Error('interrupted');
    const failed = results.filter((r) => r.status !== 200).length;
    if (failed > 0)
      throw new Error(`${label}: ${failed} of ${CONCURRENT} requests were not acknowledged with 200`);
    // Let the round's work after the ack (enqueue, "working on it" reply) finish before the next burst.
    replies += CONCURRENT;
    await fake.waitForCalls('response', replies);
    await new Promise((r) => setTimeout(r, 250));
    const ms = results.map((r) => r.ms);
    process.stdout.write(`${label}${round === 0 ? ' (not counted)' : ''}: ${summary(ms)}\n`);
    if (round > 0) latencies.push(...ms);
  }
  process.stdout.write(
    `bot ack latency, ${ROUNDS} rounds x ${CONCURRENT} concurrent signed /lumen at-risk, bot in its own process, ` +
      `new connection per request: ${summary(latencies)}\n`,
  );
} finally {
  await stopBotProcess(child);
  await fake.close();
  await deleteKeys(prefix);
  rmSync(workDir, { recursive: true, force: true });
}
