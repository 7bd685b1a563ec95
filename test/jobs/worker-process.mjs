/**
 * `lumen worker` as a test process (so it can be SIGKILLed): the CLI command's start-up (config
 * from the environment, the Slack publisher when SLACK_BOT_TOKEN is set) with test knobs:
 * TEST_LOCK_MS / TEST_STALLED_MS (job locks; BullMQ's 30 s by default), TEST_UPSERT_SCHEDULES=true
 * (the schedules, as `lumen worker` does), and a clock that can be moved forward: TEST_CLOCK_OFFSET_MS
 * at start, then "offset <ms>" lines on stdin set it to real time + ms (answered "clock <iso>"), so a
 * weekly schedule can fire in a test. Compute jobs run in child processes on the real clock; only
 * this process (the scheduler and the publish jobs) sees the shifted one. Prints "ready" once it
 * takes jobs.
 *
 * Plain JavaScript run by node (Lumen's modules through lumenModule in scripts/build.mjs: the current
 * dist/ build, as `lumen worker` runs it), so the process does not pay for tsx.
 */
import { createInterface } from 'node:readline';
import { lumenModule } from '../../scripts/build.mjs';

const [{ slackPublisherFromEnv }, { readConfig }, { readJobsConfig }, { closeOnSignals, startWorker }] =
  await Promise.all(['bot/publish', 'config', 'jobs/config', 'jobs/job-worker'].map(lumenModule));

const RealDate = Date;
let offset = Number(process.env.TEST_CLOCK_OFFSET_MS ?? 0);

class ShiftedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + offset);
    else super(...args);
  }

  static now() {
    return RealDate.now() + offset;
  }
}
globalThis.Date = ShiftedDate;

createInterface({ input: process.stdin }).on('line', (line) => {
  const match = /^offset (-?\d+)$/.exec(line.trim());
  if (!match) return;
  offset = Number(match[1]);
  process.stdout.write(`clock ${new Date().toISOString()}\n`);
});

const log = (line) => process.stderr.write(`${line}\n`);
const worker = await startWorker(
  readConfig(process.env),
  readJobsConfig(process.env),
  slackPublisherFromEnv(),
  {
    lockDurationMs: Number(process.env.TEST_LOCK_MS ?? 30_000),
    stalledIntervalMs: Number(process.env.TEST_STALLED_MS ?? 30_000),
    upsertSchedules: process.env.TEST_UPSERT_SCHEDULES === 'true',
    log,
  },
);
closeOnSignals(worker, log);
process.stdout.write(`ready ${new Date().toISOString()}\n`);
