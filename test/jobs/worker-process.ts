/**
 * A `lumen worker` stand-in the stalled-recovery test runs as a separate process (so it can be
 * SIGKILLed): settings come from the environment, "ready" is printed once it takes jobs.
 */
import { readConfig } from '../../src/config.ts';
import { readJobsConfig } from '../../src/jobs/config.ts';
import { closeOnSignals, startWorker } from '../../src/jobs/job-worker.ts';

const worker = await startWorker(readConfig(process.env), readJobsConfig(process.env), null, {
  lockDurationMs: Number(process.env.TEST_LOCK_MS ?? 30_000),
  stalledIntervalMs: Number(process.env.TEST_STALLED_MS ?? 30_000),
  upsertSchedules: false,
});
closeOnSignals(worker);
process.stdout.write('ready\n');
