/**
 * Which learners a job may show: the bot works out the requester's scope (programme staff: every
 * learner; course staff: their courses) and every job that reads learner rows applies it here, so a
 * course's staff never receive another course's learners, whichever channel the answer goes to.
 */
import type { LearnerScope } from './contracts.ts';

/** The course ids of a predictions or outcomes row's `courses` cell ("C101;C102"). */
export function coursesOf(cell: string | undefined): string[] {
  return (cell ?? '').split(/[;,\s]+/).filter(Boolean);
}

/** Whether a learner enrolled in `courses` may be shown under `scope`. */
export function inScope(courses: readonly string[], scope: LearnerScope): boolean {
  if (scope === null) return true;
  return courses.some((course) => scope.includes(course));
}

/** The rows (with a `courses` cell) that `scope` may see. */
export function rowsInScope<R extends { readonly courses?: string | undefined }>(
  rows: readonly R[],
  scope: LearnerScope,
): R[] {
  return scope === null ? [...rows] : rows.filter((row) => inScope(coursesOf(row.courses), scope));
}
