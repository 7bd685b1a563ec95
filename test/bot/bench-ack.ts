/**
 * `npm run bench:bot`: 50 concurrent signed `/lumen at-risk` requests against the real HTTP receiver
 * (fake Slack Web API, real Redis under a throwaway prefix, no worker) -> ack latency p50 / p99.
 * Target: p99 < 200 ms. Not a timed test; record results in docs/BENCHMARKS.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBot } from '../../src/bot/app.ts';
import { readBotConfig } from '../../src/bot/config.ts';
import { readJobsConfig } from '../../src/jobs/config.ts';
import { deleteKeys, REDIS_URL, uniquePrefix } from '../jobs/redis-kit.ts';
import { startFakeSlack } from './fake-slack.ts';
import { postToSlackEvents, slashCommandBody } from './signed-request.ts';

const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECRET = 'bench-signing-secret';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const prefix = uniquePrefix('bench-bot');
const outDir = mkdtempSync(join(tmpdir(), 'lumen-bench-bot-'));
const fake = await startFakeSlack();
const bot = await startBot({
  botConfig: readBotConfig({
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl,
    PORT: '0',
    LUMEN_STAFF_CHANNELS: 'CSTAFF',
  }),
  jobsConfig: readJobsConfig({
    REDIS_URL,
    LUMEN_QUEUE_PREFIX: prefix,
    LUMEN_OUT_DIR: outDir,
    LUMEN_DATA_DIR: outDir,
  }),
  log: () => {},
});
try {
  const latencies: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const results = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) =>
        postToSlackEvents(
          bot.port ?? 0,
          slashCommandBody({
            text: 'at-risk top 5',
            channelId: 'CSTAFF',
            userId: `U${i}`,
            responseUrl: fake.responseUrl(`bench-${round}-${i}`),
          }),
          { secret: SECRET },
        ),
      ),
    );
    const failed = results.filter((r) => r.status !== 200).length;
    if (failed > 0) throw new Error(`${failed} of ${CONCURRENT} requests were not acknowledged with 200`);
    latencies.push(...results.map((r) => r.ms));
  }
  latencies.sort((a, b) => a - b);
  const line = (p: number) => `p${p} ${percentile(latencies, p).toFixed(1)} ms`;
  process.stdout.write(
    `bot ack latency, ${ROUNDS} x ${CONCURRENT} concurrent signed /lumen at-risk: ${line(50)}, ${line(99)}, max ${(latencies.at(-1) ?? 0).toFixed(1)} ms\n`,
  );
} finally {
  await bot.stop();
  await fake.close();
  await deleteKeys(prefix);
  rmSync(outDir, { recursive: true, force: true });
}
