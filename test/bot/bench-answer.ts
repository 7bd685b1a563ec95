/**
 * `npm run bench:bot:answer`: time from a signed `/lumen at-risk` to the posted list at a fake Slack,
 * through the real bot, a real Redis queue and a real worker, on a scored run of the 100k-learner
 * benchmark (run `npm run bench -- --learners 100000` first). Target: under 3 s. Not a timed test.
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startBot } from '../../src/bot/app.ts';
import { readBotConfig } from '../../src/bot/config.ts';
import { createSlackPublisher } from '../../src/bot/publish.ts';
import { readConfig } from '../../src/config.ts';
import { readJobsConfig } from '../../src/jobs/config.ts';
import { startWorker } from '../../src/jobs/job-worker.ts';
import { deleteKeys, REDIS_URL, uniquePrefix } from '../jobs/redis-kit.ts';
import { startFakeSlack, textOf } from './fake-slack.ts';
import { postToSlackEvents, slashCommandBody } from './signed-request.ts';

const RUN = resolve(process.env.BENCH_RUN ?? '.lumen/bench/learners-100000-seed-7/out');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECRET = 'bench-signing-secret';
const STAFF = 'CSTAFF';

const prefix = uniquePrefix('bench-answer');
const outDir = mkdtempSync(join(tmpdir(), 'lumen-bench-answer-'));
symlinkSync(RUN, join(outDir, 'latest'));
const fake = await startFakeSlack();
const jobsConfig = readJobsConfig({
  REDIS_URL,
  LUMEN_QUEUE_PREFIX: prefix,
  LUMEN_OUT_DIR: outDir,
  LUMEN_DATA_DIR: outDir,
  LUMEN_STAFF_CHANNELS: STAFF,
  LUMEN_STAFF_USERS: 'UBENCH',
});
const botConfig = readBotConfig({
  SLACK_BOT_TOKEN: 'xoxb-bench',
  SLACK_SIGNING_SECRET: SECRET,
  SLACK_API_URL: fake.apiUrl,
  PORT: '0',
});
const worker = await startWorker(readConfig({}), jobsConfig, createSlackPublisher(botConfig), {
  log: () => {},
});
const bot = await startBot({ botConfig, jobsConfig, log: () => {} });
try {
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const before = fake.calls.length;
    const started = performance.now();
    const response = await postToSlackEvents(
      bot.port ?? 0,
      slashCommandBody({
        text: 'at-risk top 10',
        channelId: STAFF,
        userId: 'UBENCH',
        responseUrl: fake.responseUrl(`r${round}`),
      }),
      { secret: SECRET },
    );
    if (response.status !== 200) throw new Error(`not acknowledged: ${response.status}`);
    await fake.waitFor(
      (c) =>
        fake.calls.indexOf(c) >= before &&
        c.method === 'chat.postMessage' &&
        c.params.channel === STAFF &&
        textOf(c).includes('Learners at risk'),
      60_000,
    );
    times.push(performance.now() - started);
  }
  const sorted = [...times].sort((a, b) => a - b);
  process.stdout.write(
    `/lumen at-risk -> posted list on ${RUN}: median ${(sorted[Math.floor(sorted.length / 2)] ?? 0).toFixed(0)} ms, ` +
      `min ${(sorted[0] ?? 0).toFixed(0)} ms, max ${(sorted.at(-1) ?? 0).toFixed(0)} ms over ${ROUNDS} requests\n`,
  );
} finally {
  await bot.stop();
  await worker.close();
  await fake.close();
  await deleteKeys(prefix);
  rmSync(outDir, { recursive: true, force: true });
}
