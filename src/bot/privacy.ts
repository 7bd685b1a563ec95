/**
 * Who may see which learners, and where their answer may go. Learner-level content (lists, names,
 * profiles, CSVs, feedback, digest previews) is for staff identities only: programme staff
 * (LUMEN_STAFF_USERS, members of LUMEN_STAFF_USERGROUPS) see every learner, a course's staff (the
 * LUMEN_CONFIG file) that course's. It is posted in a staff channel whose audience may see it (a
 * programme channel: anything the requester may see; a course channel: that course only), otherwise
 * in the requester's own DM. Everyone else gets one polite line and nothing else.
 */
import type { LearnerScope } from '../jobs/index.ts';
import type { BotDeps } from './deps.ts';

export type StaffScope = { readonly staff: false } | { readonly staff: true; readonly scope: LearnerScope };

export const NOT_STAFF_TEXT =
  'Learner-level answers (names, lists, profiles, feedback) are for programme staff only, and you are not on the staff list. Ask a Lumen admin if you should be. Aggregate charts (`/lumen eda`) are open to everyone.';

/** Resolves user-group memberships (usergroups.users.list), cached for a few minutes. */
export interface UsergroupMembers {
  has(usergroup: string, userId: string): Promise<boolean>;
}

/** What a user may see: every learner, some courses, or nothing (not staff). */
export async function staffScopeOf(deps: BotDeps, userId: string): Promise<StaffScope> {
  const { access } = deps.jobsConfig;
  const member = async (groups: ReadonlySet<string>) => {
    for (const group of groups) if (await deps.usergroups.has(group, userId)) return true;
    return false;
  };
  if (access.programme.users.has(userId) || (await member(access.programme.usergroups)))
    return { staff: true, scope: null };
  const courses: string[] = [];
  for (const course of access.courses.values())
    if (course.users.has(userId) || (await member(course.usergroups))) courses.push(course.courseId);
  return courses.length > 0 ? { staff: true, scope: courses } : { staff: false };
}

/** Narrows `scope` to `courses` (null: no narrowing). */
function intersect(scope: LearnerScope, courses: readonly string[] | null): LearnerScope {
  if (courses === null) return scope;
  if (scope === null) return courses;
  return scope.filter((course) => courses.includes(course));
}

export type LearnerLevelDestination =
  | {
      readonly allowed: true;
      readonly channel: string;
      /** True when the content goes to the requester's DM instead of the channel it was asked in. */
      readonly viaDm: boolean;
      /** The learners the answer may show. */
      readonly scope: LearnerScope;
      /** The course the request is about: the one asked for, or the course channel's. */
      readonly courseId: string | null;
    }
  | { readonly allowed: false; readonly reason: string };

/**
 * Where a staff member's learner-level answer goes and which learners it may show. `courseId` is
 * the course the request names, if any. In a course channel the request means that course; an
 * answer about anything the channel's audience may not see goes to the requester's DM instead.
 */
export async function learnerLevelDestination(
  deps: BotDeps,
  channelId: string,
  userId: string,
  courseId: string | null = null,
): Promise<LearnerLevelDestination> {
  const who = await staffScopeOf(deps, userId);
  if (!who.staff) return { allowed: false, reason: NOT_STAFF_TEXT };
  const { access } = deps.jobsConfig;
  const channelCourse = access.courseOfChannel.get(channelId) ?? null;
  const asked = courseId ?? channelCourse;
  if (asked !== null && who.scope !== null && !who.scope.includes(asked)) {
    return {
      allowed: false,
      reason: `You are staff for ${who.scope.join(', ')}, not for ${asked}, so I cannot show its learners.`,
    };
  }
  const scope = intersect(who.scope, asked === null ? null : [asked]);
  // The channel's audience: a programme channel may see everything, a course channel its course.
  const audience: LearnerScope | undefined = access.programme.channels.has(channelId)
    ? null
    : channelCourse !== null
      ? [channelCourse]
      : undefined;
  // Programme staff (scope null) fit a course channel only through the course they asked for.
  const fitsChannel =
    audience === null ||
    (audience !== undefined && scope?.every((course) => audience.includes(course)) === true);
  if (fitsChannel) return { allowed: true, channel: channelId, viaDm: false, scope, courseId: asked };
  return { allowed: true, channel: await deps.publisher.openDm(userId), viaDm: true, scope, courseId: asked };
}

export function isAdmin(deps: BotDeps, userId: string): boolean {
  return deps.botConfig.adminUsers.has(userId);
}
