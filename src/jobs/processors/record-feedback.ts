/**
 * record-feedback: records a reviewer's verdict on a flagged enrolment (a learner in a course) in the
 * feedback record (Redis, exported to OUT/feedback/feedback.jsonl: feedback-log.ts), when the reviewer may see that enrolment: programme staff any; course
 * staff one of their own courses' enrolments in the latest run, checked for the course the button
 * names, whatever else the learner is enrolled in. A refused verdict writes nothing: it can hide no
 * learner from anyone's list.
 */

import { latestRunFolderOrFail, readPredictions } from '../../run-folder/index.ts';
import type { JobContext, RecordFeedbackResult } from '../contracts.ts';
import { appendFeedback } from '../feedback-log.ts';
import { inScope } from '../learner-scope.ts';
import type { ProcessorContext } from '../processor-context.ts';

export async function processRecordFeedback(
  job: JobContext<'record-feedback'>,
  context: ProcessorContext,
): Promise<RecordFeedbackResult> {
  const { outDir, learnerId, courseId, slackUserId, verdict, modelVersion, scope } = job.data;
  if (scope !== null) {
    // A learner-wide verdict ('' course, an old button) would reach courses they are not staff for.
    const enrolled =
      inScope(courseId, scope) &&
      (readPredictions(latestRunFolderOrFail(outDir)) ?? []).some(
        (row) => row.user_id === learnerId && row.course_id === courseId,
      );
    if (!enrolled) {
      await job.log(
        `feedback from ${slackUserId} on ${learnerId} in ${courseId || 'no course'} refused: not an enrolment of their courses`,
      );
      return { path: null, recorded: false };
    }
  }
  const entry = {
    at: new Date().toISOString(),
    jobId: job.id,
    learnerId,
    courseId,
    slackUserId,
    verdict,
    modelVersion: modelVersion ?? null,
  };
  const path = context.feedback
    ? await context.feedback.record(outDir, entry)
    : appendFeedback(outDir, entry);
  return { path, recorded: true };
}
