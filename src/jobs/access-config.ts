/**
 * Who may see which learners, read once at start with the other job settings (the bot decides who
 * asks; the worker posts each course's digest to its channel). Programme-wide staff come from the
 * environment; per-course staff and channels from the JSON file named by LUMEN_CONFIG:
 *
 *   { "courses": { "C101": { "staff_users": ["U012AB"], "staff_usergroups": ["S0ABC"],
 *                            "channels": ["C0C101"], "digest": true } } }
 *
 * Every mistake in the file stops the start with one line naming the file and the key.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { JobsError } from './jobs-error.ts';

/** Slack ids of people and places: users (U/W...), user groups (S...), channels (C/G...). */
export interface StaffSet {
  readonly users: ReadonlySet<string>;
  readonly usergroups: ReadonlySet<string>;
  /** Channels where this staff's learner-level content may be posted. */
  readonly channels: ReadonlySet<string>;
}

export interface CourseAccess extends StaffSet {
  readonly courseId: string;
  /** Where the course's weekly digest goes (its first channel); null: no course digest. */
  readonly digestChannel: string | null;
}

export interface AccessConfig {
  /** LUMEN_STAFF_USERS / LUMEN_STAFF_USERGROUPS / LUMEN_STAFF_CHANNELS: they see every learner. */
  readonly programme: StaffSet;
  readonly courses: ReadonlyMap<string, CourseAccess>;
  /** The course a channel belongs to (each course channel belongs to exactly one course). */
  readonly courseOfChannel: ReadonlyMap<string, string>;
  /** The LUMEN_CONFIG file read, or null. */
  readonly configPath: string | null;
}

type Env = Record<string, string | undefined>;

const SLACK_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const COURSE_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const COURSE_KEYS = new Set(['staff_users', 'staff_usergroups', 'channels', 'digest']);

function idList(env: Env, name: string): ReadonlySet<string> {
  const ids = (env[name] ?? '').split(/[\s,]+/).filter(Boolean);
  for (const id of ids)
    if (!SLACK_ID.test(id)) throw new JobsError('BAD_CONFIG', `${name}: "${id}" is not a Slack id`);
  return new Set(ids);
}

function fileError(path: string, message: string): JobsError {
  return new JobsError('BAD_CONFIG', `LUMEN_CONFIG ${path}: ${message}`);
}

function idArray(path: string, where: string, value: unknown): ReadonlySet<string> {
  if (value === undefined) return new Set();
  if (!Array.isArray(value)) throw fileError(path, `${where} must be a list of Slack ids`);
  for (const id of value)
    if (typeof id !== 'string' || !SLACK_ID.test(id))
      throw fileError(path, `${where} holds ${JSON.stringify(id)}, which is not a Slack id`);
  return new Set(value as string[]);
}

function readCourses(path: string): Map<string, CourseAccess> {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new JobsError('BAD_CONFIG', `LUMEN_CONFIG ${path} cannot be read (${code})`, { cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (cause) {
    throw fileError(path, `not valid JSON (${(cause as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw fileError(path, 'must be a JSON object with a "courses" object');
  for (const key of Object.keys(parsed))
    if (key !== 'courses') throw fileError(path, `unknown key "${key}" (expected "courses")`);
  const courses = (parsed as { courses?: unknown }).courses ?? {};
  if (typeof courses !== 'object' || courses === null || Array.isArray(courses))
    throw fileError(path, '"courses" must be an object keyed by course id');
  const result = new Map<string, CourseAccess>();
  for (const [courseId, entry] of Object.entries(courses)) {
    const where = `courses.${courseId}`;
    if (!COURSE_ID.test(courseId)) throw fileError(path, `${where}: not a course id of the export`);
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      throw fileError(path, `${where} must be an object`);
    for (const key of Object.keys(entry))
      if (!COURSE_KEYS.has(key))
        throw fileError(path, `${where}: unknown key "${key}" (expected ${[...COURSE_KEYS].join(', ')})`);
    const fields = entry as Record<string, unknown>;
    const channels = idArray(path, `${where}.channels`, fields.channels);
    const digest = fields.digest ?? true;
    if (typeof digest !== 'boolean') throw fileError(path, `${where}.digest must be true or false`);
    result.set(courseId, {
      courseId,
      users: idArray(path, `${where}.staff_users`, fields.staff_users),
      usergroups: idArray(path, `${where}.staff_usergroups`, fields.staff_usergroups),
      channels,
      digestChannel: digest ? ([...channels][0] ?? null) : null,
    });
  }
  return result;
}

export function readAccessConfig(env: Env): AccessConfig {
  const programme: StaffSet = {
    users: idList(env, 'LUMEN_STAFF_USERS'),
    usergroups: idList(env, 'LUMEN_STAFF_USERGROUPS'),
    channels: idList(env, 'LUMEN_STAFF_CHANNELS'),
  };
  const rawPath = env.LUMEN_CONFIG?.trim();
  const configPath = rawPath ? resolve(rawPath) : null;
  const courses = configPath ? readCourses(configPath) : new Map<string, CourseAccess>();
  const courseOfChannel = new Map<string, string>();
  for (const course of courses.values())
    for (const channel of course.channels) {
      // A course channel's audience is that course's staff: it cannot also be another course's,
      // nor a programme channel (where everyone's learners may be posted).
      const other = courseOfChannel.get(channel);
      if (other !== undefined)
        throw fileError(
          configPath ?? '',
          `channel ${channel} is listed for both ${other} and ${course.courseId}`,
        );
      if (programme.channels.has(channel))
        throw fileError(
          configPath ?? '',
          `channel ${channel} of ${course.courseId} is also in LUMEN_STAFF_CHANNELS (programme-wide); use one or the other`,
        );
      courseOfChannel.set(channel, course.courseId);
    }
  return { programme, courses, courseOfChannel, configPath };
}
