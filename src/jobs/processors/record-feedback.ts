/**
 * record-feedback: appends a reviewer's verdict on a flagged learner to OUT/feedback/feedback.jsonl,
 * when the learner is one the reviewer may see (course staff: a learner of one of their courses in
 * the latest run). A refused verdict writes nothing: it can hide no learner from anyone's list.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { JobContext, RecordFeedbackResult } from '../contracts.ts';
import { latestFolderOrFail, readPredictions } from '../latest-outputs.ts';
import { coursesOf, inScope } from '../learner-scope.ts';
import type { ProcessorContext } from '../processor-context.ts';

export async function processRecordFeedback(
  job: JobContext<'record-feedback'>,
  _context: ProcessorContext,
): Promise<RecordFeedbackResult> {
  const { outDir, learnerId, slackUserId, verdict, modelVersion, scope } = job.data;
  if (scope !== null) {
    const row = readPredictions(latestFolderOrFail(outDir))?.find((r) => r.user_id === learnerId);
    if (!row || !inScope(coursesOf(row.courses), scope)) {
      await job.log(`feedback from ${slackUserId} on ${learnerId} refused: not a learner of their courses`);
      return { path: null, recorded: false };
    }
  }
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
  return { path, recorded: true };
}
