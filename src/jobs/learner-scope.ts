/**
 * Which enrolments a job may show: the bot works out the requester's scope (programme staff: every
 * enrolment; course staff: those of their courses) and every job that reads learner rows applies it
 * here, so a course's staff never receive another course's learners, whichever channel the answer
 * goes to. Rows are per enrolment (learner x course, `course_id`; src/run-folder/read.ts turns a run
 * written before that grain into such rows), so a learner in C1 and C2 shows C2's staff only the C2 row.
 */
import type { LearnerScope } from './contracts.ts';

/** Whether an enrolment in `courseId` may be shown under `scope`. */
export function inScope(courseId: string | undefined, scope: LearnerScope): boolean {
  if (scope === null) return true;
  return courseId !== undefined && courseId !== '' && scope.includes(courseId);
}

/** The enrolment rows (with a `course_id` cell) that `scope` may see, in their order. */
export function rowsInScope<R extends { readonly course_id?: string | undefined }>(
  rows: readonly R[],
  scope: LearnerScope,
): R[] {
  return scope === null ? [...rows] : rows.filter((row) => inScope(row.course_id, scope));
}
