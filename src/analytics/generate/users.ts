/**
 * Who a synthetic user is: the visible lms_users row and the hidden traits (engagement, start day,
 * habits) that drive their simulated activity.
 */
import {
  DEPARTMENTS,
  type DepartmentSpec,
  EMAIL_DOMAINS,
  FIRST_NAMES,
  LAST_NAMES,
  LEARNER_ROLE_WEIGHTS,
  LEARNER_ROLES,
  QUIRKY_FIRST_NAMES,
  QUIRKY_LAST_NAMES,
  STAFF_ROLES,
} from './catalog.ts';
import { csvField, offsetStyle, type TimestampStyle, UTC_STYLE, usDate } from './format.ts';
import type { Rng } from './random.ts';

const STAFF_SHARE = 0.03;
const NEVER_ACTIVE_SHARE = 0.05;
/** Learners start over the 26 weeks before the export's last day. */
export const START_WINDOW_DAYS = 26 * 7;
const QUIRKY_NAME_SHARE = 0.004;
const REVERSED_UPDATE_SHARE = 0.03;

/** Early users whose names always need CSV quoting, so even a tiny export exercises it. */
const FORCED_NAMES: ReadonlyMap<number, readonly [string, string]> = new Map([
  [7, ['Robert "Bob"', "O'Neil, Jr."]],
  [27, ['Anne, Marie', 'García-López']],
]);

const DEPARTMENT_WEIGHTS = DEPARTMENTS.map((d) => d.share);
const OFFSET_STYLES: readonly TimestampStyle[] = [180, 60, -300, 330].map(offsetStyle);
const NAIVE_STYLE: TimestampStyle = { kind: 'naive' };

export interface Learner {
  /** 0-based position; the user id is U + (index + 1). */
  readonly index: number;
  readonly id: string;
  readonly staff: boolean;
  readonly department: DepartmentSpec;
  /** Hidden trait in (0, 1) behind session frequency, progress speed, scores and dropout. */
  readonly engagement: number;
  /** Registered but never opens a module. */
  readonly neverActive: boolean;
  readonly startDay: number;
  /** Local hour of day the learner's sessions cluster around. */
  readonly preferredHour: number;
  readonly timestampStyle: TimestampStyle;
  /** The learner's time zone; only learners whose times are written with an offset are not on UTC. */
  readonly utcOffsetMinutes: number;
}

/**
 * Staff are spread evenly (every ~33rd user, shifted by `phase` in [0, 1) from the seed) so that
 * even a 50-user export has one; independent coin flips would often give none.
 */
export function isStaffIndex(index: number, phase: number): boolean {
  return Math.floor((index + 1) * STAFF_SHARE + phase) > Math.floor(index * STAFF_SHARE + phase);
}

export function drawLearner(
  rng: Rng,
  index: number,
  id: string,
  endDay: number,
  staffPhase: number,
): Learner {
  const staff = isStaffIndex(index, staffPhase);
  const department = DEPARTMENTS[rng.weightedIndex(DEPARTMENT_WEIGHTS)] ?? DEPARTMENTS[0];
  if (department === undefined) throw new Error('no departments');
  const timestampStyle = drawTimestampStyle(rng);
  const base = rng.beta(2, 2.2) + department.engagementShift + (staff ? 0.1 : 0);
  return {
    index,
    id,
    staff,
    department,
    engagement: Math.min(0.97, Math.max(0.03, base)),
    neverActive: !staff && rng.chance(NEVER_ACTIVE_SHARE),
    startDay: endDay - Math.floor(rng.next() * START_WINDOW_DAYS),
    preferredHour: rng.uniform(7, 21),
    timestampStyle,
    utcOffsetMinutes: timestampStyle.kind === 'offset' ? timestampStyle.minutes : 0,
  };
}

function drawTimestampStyle(rng: Rng): TimestampStyle {
  const u = rng.next();
  if (u < 0.85) return UTC_STYLE;
  if (u < 0.93) return rng.pick(OFFSET_STYLES);
  return NAIVE_STYLE;
}

/** The lms_users line, newline included. */
export function userLine(rng: Rng, learner: Learner, endDay: number): string {
  const [first, last] = FORCED_NAMES.get(learner.index) ?? drawName(rng);
  const email = `${emailLocalPart(first, last)}${learner.index}@${rng.pick(EMAIL_DOMAINS)}`;
  const role = learner.staff
    ? rng.pick(STAFF_ROLES)
    : (LEARNER_ROLES[rng.weightedIndex(LEARNER_ROLE_WEIGHTS)] ?? '');
  const created = learner.startDay - rng.int(0, 30);
  const updated = rng.chance(REVERSED_UPDATE_SHARE)
    ? created - rng.int(1, 20)
    : Math.min(endDay, created + rng.int(0, 45));
  return `${learner.id},${csvField(first)},${csvField(last)},${email},${learner.department.name},${role},${usDate(created)},${usDate(updated)}\n`;
}

function drawName(rng: Rng): readonly [string, string] {
  const quirky = rng.chance(QUIRKY_NAME_SHARE);
  const first = rng.pick(quirky && rng.chance(0.5) ? QUIRKY_FIRST_NAMES : FIRST_NAMES);
  return [first, rng.pick(quirky ? QUIRKY_LAST_NAMES : LAST_NAMES)];
}

function emailLocalPart(first: string, last: string): string {
  const ascii = (text: string) =>
    text
      .normalize('NFD')
      .toLowerCase()
      .replace(/[^a-z]/g, '');
  return `${ascii(first).slice(0, 1)}${ascii(last)}`;
}
