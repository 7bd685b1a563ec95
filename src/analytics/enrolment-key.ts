/**
 * One enrolment = one learner in one course. Outcomes, predictions and staff feedback are kept per
 * enrolment; this is the one key every side (analytics, jobs, bot) uses for it. Ids are trimmed of
 * all surrounding whitespace when read (lumen_trim), so a tab never occurs inside one.
 */
export interface EnrolmentRef {
  readonly userId: string;
  readonly courseId: string;
}

export function enrolmentKey(userId: string, courseId: string): string {
  return `${userId}\t${courseId}`;
}

export function parseEnrolmentKey(key: string): EnrolmentRef {
  const tab = key.indexOf('\t');
  return tab < 0
    ? { userId: key, courseId: '' }
    : { userId: key.slice(0, tab), courseId: key.slice(tab + 1) };
}
