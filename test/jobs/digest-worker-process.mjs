/**
 * A worker process for the digest kill tests: its "Slack" appends every call to DIGEST_SLACK_LOG
 * and reads that log as the channel history. With DIGEST_HANG=after-post (default) a message is
 * appended, "posted" printed, and the call never returns; with DIGEST_HANG=before-post the call
 * prints "posting" and never returns without appending (the worker dies before Slack got it). Either
 * way the test SIGKILLs it there.
 *
 * Plain JavaScript run by node (Lumen's modules through lumenModule in scripts/build.mjs: the current
 * dist/ build), so the process does not pay for tsx.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { lumenModule } from '../../scripts/build.mjs';

const [{ readConfig }, { readJobsConfig }, { startWorker }, { carriesMetadata }] = await Promise.all(
  ['config', 'jobs/config', 'jobs/job-worker', 'jobs/publisher'].map(lumenModule),
);

const log = process.env.DIGEST_SLACK_LOG ?? '';
const hang = process.env.DIGEST_HANG ?? 'after-post';

/** A Publisher (src/jobs/publisher.ts); its log lines: { kind: 'message' | 'file', channel, metadata?, at }. */
const publisher = {
  async postMessage(channel, _blocks, text, options = {}) {
    if (hang === 'before-post') {
      process.stdout.write('posting\n');
      await new Promise(() => {});
    }
    appendFileSync(
      log,
      `${JSON.stringify({ kind: 'message', channel, text, metadata: options.metadata, at: Date.now() })}\n`,
    );
    process.stdout.write('posted\n');
    // Slack has the message; this worker never hears back (it is killed here).
    return new Promise(() => {});
  },
  async findPosted(channel, metadata, sinceMs) {
    const calls = readFileSync(log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    const found = calls.find(
      (c) =>
        c.kind === 'message' &&
        c.channel === channel &&
        c.at >= sinceMs &&
        carriesMetadata(c.metadata, metadata),
    );
    return found ? { found: true, ts: String(found.at / 1000) } : { found: false };
  },
  async uploadFile(channel, filename, _bytes, _title, options) {
    appendFileSync(
      log,
      `${JSON.stringify({ kind: 'file', channel, filename, threadTs: options.threadTs ?? null, at: Date.now() })}\n`,
    );
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
