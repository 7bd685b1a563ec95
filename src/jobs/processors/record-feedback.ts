/** record-feedback: appends a reviewer's verdict on a flagged learner to OUT/feedback/feedback.jsonl. */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { JobContext, RecordFeedbackResult } from '../contracts.ts';
import type { ProcessorContext } from '../processor-context.ts';

export async function processRecordFeedback(
  job: JobContext<'record-feedback'>,
  _context: ProcessorContext,
): Promise<RecordFeedbackResult> {
  const { outDir, learnerId, slackUserId, verdict, modelVersion } = job.data;
  const dir = join(outDir, 'feedback');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'feedback.jsonl');
  // One short append per line: concurrent workers' lines do not interleave (O_APPEND).
  const line = {
    at: new Date().toISOString(),
    jobId: job.id,
    learnerId,
    slackUserId,
    verdict,
    modelVersion: modelVersion ?? null,
  };
  appendFileSync(path, `${JSON.stringify(line)}\n`);
  return { path };
}
