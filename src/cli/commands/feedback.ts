/** `lumen feedback`: exports the feedback-button log as CSV. */
import { renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readJobsConfig } from '../../jobs/config.ts';
import { feedbackCsv } from '../../jobs/feedback-log.ts';

export interface FeedbackOptions {
  readonly out: string;
  readonly from?: string;
}

export function feedbackCommand(opts: FeedbackOptions): void {
  const outDir = opts.from ? resolve(opts.from) : readJobsConfig(process.env).outDir;
  const target = resolve(opts.out);
  // Written beside the target and renamed: a reader never sees half a file.
  const partial = `${target}.partial`;
  writeFileSync(partial, feedbackCsv(outDir));
  renameSync(partial, target);
  process.stdout.write(`${target}\n`);
}
