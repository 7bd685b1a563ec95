/**
 * The headline numbers every surface shows (dashboard, CLI summary, weekly digest), each with one
 * definition and one name. Before this module the dashboard's "Completion rate" was completed /
 * (completed + dropped) learners (42.2% on the demo) and the digest's was completed / all enrolments,
 * open ones included (28.5%), under the same name.
 */

/**
 * Completion rate: of the enrolments whose outcome is known, the share completed. Open enrolments
 * are left out (they have not finished either way), so the rate does not sink as a cohort starts.
 */
export const COMPLETION_RATE = {
  name: 'Completion rate',
  definition: 'completed / (completed + dropped) enrolments',
} as const;

/** completed / (completed + dropped), as a fraction; null when no enrolment has finished either way. */
export function completionRate(completed: number, dropped: number): number | null {
  return completed + dropped > 0 ? completed / (completed + dropped) : null;
}
