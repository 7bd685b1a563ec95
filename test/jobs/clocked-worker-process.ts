/**
 * `lumen worker` as a test process whose clock can be moved forward: the same start-up as the CLI
 * command (config from the environment, the Slack publisher from SLACK_BOT_TOKEN / SLACK_API_URL,
 * schedules upserted), with short job locks so a killed worker's job is recovered in seconds.
 * Writing "offset <ms>" to its stdin sets the clock to real time + ms (TEST_CLOCK_OFFSET_MS at
 * start), so a weekly schedule can fire in a test. Compute jobs run in child processes on the real
 * clock; only this process (the scheduler and the publish jobs) sees the shifted one.
 */
import { createInterface } from 'node:readline';
import { slackPublisherFromEnv } from '../../src/bot/publish.ts';
import { readConfig } from '../../src/config.ts';
import { readJobsConfig } from '../../src/jobs/config.ts';
import { closeOnSignals, startWorker } from '../../src/jobs/job-worker.ts';

const RealDate = Date;
let offset = Number(process.env.TEST_CLOCK_OFFSET_MS ?? 0);

class ShiftedDate extends RealDate {
  constructor(...args: unknown[]) {
    if (args.length === 0) super(RealDate.now() + offset);
    else super(...(args as [number]));
  }

  static override now(): number {
    return RealDate.now() + offset;
  }
}
globalThis.Date = ShiftedDate as DateConstructor;

createInterface({ input: process.stdin }).on('line', (line) => {
  const match = /^offset (-?\d+)$/.exec(line.trim());
  if (!match) return;
  offset = Number(match[1]);
  process.stdout.write(`clock ${new Date().toISOString()}\n`);
});

const worker = await startWorker(
  readConfig(process.env),
  readJobsConfig(process.env),
  slackPublisherFromEnv() ?? undefined,
  {
    lockDurationMs: 2000,
    stalledIntervalMs: 1000,
    log: (line) => process.stderr.write(`${line}\n`),
  },
);
closeOnSignals(worker, (line) => process.stderr.write(`${line}\n`));
process.stdout.write(`ready ${new Date().toISOString()}\n`);
