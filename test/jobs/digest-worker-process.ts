/**
 * A worker process for the digest kill test: its "Slack" appends every call to DIGEST_SLACK_LOG;
 * after a message is appended it prints "posted" and never returns, so the test can SIGKILL it
 * between the post and the job's completion.
 */
import { appendFileSync } from 'node:fs';
import { readConfig } from '../../src/config.ts';
import { readJobsConfig } from '../../src/jobs/config.ts';
import { startWorker } from '../../src/jobs/job-worker.ts';
import type { Publisher } from '../../src/jobs/publisher.ts';

const log = process.env.DIGEST_SLACK_LOG ?? '';

const publisher: Publisher = {
  async postMessage(channel, _blocks, text) {
    appendFileSync(log, `${JSON.stringify({ kind: 'message', channel, text })}\n`);
    process.stdout.write('posted\n');
    await new Promise(() => {});
  },
  async uploadFile(channel, filename) {
    appendFileSync(log, `${JSON.stringify({ kind: 'file', channel, filename })}\n`);
  },
  async openDm(userId) {
    return `D-${userId}`;
  },
};

await startWorker(readConfig(process.env), readJobsConfig(process.env), publisher, {
  lockDurationMs: 2000,
  stalledIntervalMs: 1000,
  upsertSchedules: false,
});
process.stdout.write('ready\n');
