/**
 * Scoring open enrolments with a fitted model: the calibrated risk of the model's concern (not
 * completing; going quiet), its band, the per-course list staff can work through (sized to what they
 * can do), and up to three reasons a person would accept: only a feature that raises this risk and on
 * which the learner is behind their peers (same course, same week, same stage) is worded, in the
 * concerning direction, with the peers' median beside it. Tenure is never a reason.
 */
import { groupBy } from '../group-by.ts';
import type { SnapshotColumns } from './features.ts';
import { allRows, buildMatrix, specOf } from './features.ts';
import type { Calibration, FittedModel } from './train.ts';
import { calibrate, predictRows } from './train.ts';

export type RiskBand = 'high' | 'medium' | 'low';

export interface Driver {
  /** The reason's key: inactive, recent, so_far, modules, quiz, no_quiz, never_active. */
  readonly feature: string;
  /** Push on the risk logit: -coef x standardised deviation from the training mean, summed over the reason's features. */
  readonly push: number;
  readonly value: number;
  /** The peers' median (or the training mean when there are too few peers). */
  readonly typical: number;
  readonly text: string;
}

/** Which enrolment a scored row is, and what its reasons are worded from. */
export interface ScoredEnrolment {
  readonly userId: string;
  readonly courseId: string;
  /** Weeks since enrolment (1 = the week of enrolment). */
  readonly weekIndex: number;
  /** YYYY-MM-DD, or null when unknown. */
  readonly enrolledOn: string | null;
  /** No event in the course up to the scored week: enrolled, never started. */
  readonly neverActive: boolean;
  /** Days since the last activity in the course (or since enrolment, when never active). */
  readonly inactivityDays: number;
  readonly activeDays14: number;
  readonly cumActiveDays: number;
  readonly modulesDone: number;
  readonly requiredModules: number;
  readonly quizScore: number | null;
  /**
   * Lesson progress per step as a ratio to the typical step on the same modules (1 = typical; null
   * before the first step that moved progress).
   */
  readonly progressPerStep: number | null;
  /** The peers' medians (null with fewer than 5 peers). */
  readonly peer: {
    readonly inactivityDays: number | null;
    readonly activeDays14: number | null;
    readonly cumActiveDays: number | null;
    readonly modulesDone: number | null;
    readonly quizScore: number | null;
    readonly progressPerStep: number | null;
  };
}

/** One open enrolment's score and its place on its course's list. */
export interface LearnerScore {
  readonly userId: string;
  readonly courseId: string;
  readonly enrolledOn: string | null;
  readonly neverActive: boolean;
  readonly weekIndex: number;
  /** Calibrated probability of the good outcome (completing; staying active). */
  readonly completionProbability: number;
  /** 1 - completionProbability: the calibrated risk of the model's concern. */
  readonly riskScore: number;
  readonly riskBand: RiskBand;
  /** On the course's list (listReason says why). */
  readonly atRisk: boolean;
  /** 1 = highest risk among the course's open enrolments. */
  readonly rankInCourse: number;
  /** Why on the list: 'not started', 'top N of M in C101'; '' when not listed. */
  readonly listReason: string;
  readonly drivers: Driver[];
}

/** How many of a course's open enrolments staff can work through: a number, or a share of them. */
export type ListSize =
  | { readonly kind: 'count'; readonly value: number }
  | { readonly kind: 'share'; readonly value: number };

export interface ScoringPolicy {
  readonly high: number;
  readonly medium: number;
  readonly listSize: ListSize;
  /** Lists hold at least this many (when enough are above the minimum risk). */
  readonly minListed: number;
  /** Nobody below this risk is listed just to fill the list. */
  readonly minRisk: number;
}

export function riskBand(risk: number, policy: Pick<ScoringPolicy, 'high' | 'medium'>): RiskBand {
  if (risk >= policy.high) return 'high';
  if (risk >= policy.medium) return 'medium';
  return 'low';
}

/** The list's length for a course with `open` open enrolments. */
export function listLength(open: number, policy: Pick<ScoringPolicy, 'listSize' | 'minListed'>): number {
  const wanted =
    policy.listSize.kind === 'count' ? policy.listSize.value : Math.ceil(open * policy.listSize.value);
  return Math.min(open, Math.max(wanted, policy.minListed));
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const shown = (v: number) => (Number.isInteger(v) ? String(v) : (Math.round(v * 10) / 10).toString());

/** The reason a never-active enrolment is listed, in the words staff use. */
export function neverActiveDriver(enrolment: Pick<ScoredEnrolment, 'enrolledOn' | 'inactivityDays'>): Driver {
  const days = Math.max(0, Math.round(enrolment.inactivityDays));
  const since = enrolment.enrolledOn ? `enrolled ${enrolment.enrolledOn}, ` : '';
  return {
    feature: 'never_active',
    push: Number.POSITIVE_INFINITY,
    value: days,
    typical: 0,
    text: `${since}no activity in ${plural(days, 'day')}`,
  };
}

/** Which reason each model feature speaks to; features absent here (tenure) are never worded. */
const REASON_OF: Record<string, string> = {
  days_inactive_log: 'inactive',
  pct_days_inactive: 'inactive',
  pct_active_days_14: 'recent',
  pct_cum_active_days: 'so_far',
  share_required_completed: 'modules',
  pct_modules_done: 'modules',
  cum_avg_quiz_score: 'quiz',
  cum_avg_quiz_score_missing: 'no_quiz',
  progress_per_step: 'pace',
};

/**
 * The reason in words when the learner is behind on it (the concerning side of the peers' median),
 * else null: a reason never reads as good news.
 */
export function describeReason(reason: string, e: ScoredEnrolment): Omit<Driver, 'push'> | null {
  const others = (v: number | null, where = '') => (v === null ? '' : ` (others${where}: ${shown(v)})`);
  switch (reason) {
    case 'inactive': {
      const peer = e.peer.inactivityDays;
      if (e.neverActive || e.inactivityDays < 7 || (peer !== null && e.inactivityDays <= peer)) return null;
      return {
        feature: reason,
        value: e.inactivityDays,
        typical: peer ?? Number.NaN,
        text: `no activity in the course for ${plural(e.inactivityDays, 'day')}${others(peer)}`,
      };
    }
    case 'recent': {
      const peer = e.peer.activeDays14;
      if (e.neverActive || peer === null || e.activeDays14 >= peer) return null;
      return {
        feature: reason,
        value: e.activeDays14,
        typical: peer,
        text: `${plural(e.activeDays14, 'active day')} in the last 14${others(peer, ` in ${e.courseId}`)}`,
      };
    }
    case 'so_far': {
      const peer = e.peer.cumActiveDays;
      if (e.neverActive || peer === null || e.cumActiveDays >= peer) return null;
      return {
        feature: reason,
        value: e.cumActiveDays,
        typical: peer,
        text: `${plural(e.cumActiveDays, 'active day')} in ${e.courseId} so far${others(peer)}`,
      };
    }
    case 'modules': {
      const peer = e.peer.modulesDone;
      if (peer === null || e.modulesDone >= peer) return null;
      return {
        feature: reason,
        value: e.modulesDone,
        typical: peer,
        text: `${e.modulesDone} of ${plural(e.requiredModules, 'required module')} done${others(peer)}`,
      };
    }
    case 'quiz': {
      const peer = e.peer.quizScore;
      // Compared as shown: "58 (others: 58)" would not be a reason.
      if (e.quizScore === null || peer === null || Math.round(e.quizScore) >= Math.round(peer)) return null;
      return {
        feature: reason,
        value: e.quizScore,
        typical: peer,
        text: `average quiz score ${Math.round(e.quizScore)}${others(Math.round(peer))}`,
      };
    }
    case 'pace': {
      const peer = e.peer.progressPerStep;
      if (e.neverActive || e.progressPerStep === null || peer === null) return null;
      // Compared as shown, in whole percent of the typical step.
      const own = Math.round(e.progressPerStep * 100);
      const typical = Math.round(peer * 100);
      if (own >= typical) return null;
      return {
        feature: reason,
        value: e.progressPerStep,
        typical: peer,
        text: `slow progress: ${own}% of the usual progress per lesson step on the same modules (others in ${e.courseId}: ${typical}%)`,
      };
    }
    case 'no_quiz': {
      if (e.neverActive || e.quizScore !== null || e.peer.quizScore === null) return null;
      return {
        feature: reason,
        value: 0,
        typical: e.peer.quizScore,
        text: 'no quiz attempted yet (most others have)',
      };
    }
    default:
      return null;
  }
}

/** The up-to-`limit` reasons that raise this enrolment's risk the most and on which it is behind. */
export function topDrivers(
  model: FittedModel,
  x: ArrayLike<number>,
  enrolment: ScoredEnrolment,
  limit = 3,
): Driver[] {
  const pushes = new Map<string, number>();
  model.features.forEach((feature, j) => {
    const reason = REASON_OF[feature];
    if (!reason) return;
    const push =
      -(model.coef[j] as number) *
      (((x[j] as number) - (model.scaler.mean[j] as number)) / (model.scaler.std[j] as number));
    if (push > 1e-9) pushes.set(reason, (pushes.get(reason) ?? 0) + push);
  });
  const drivers: Driver[] = [];
  for (const [reason, push] of pushes) {
    const words = describeReason(reason, enrolment);
    if (words) drivers.push({ ...words, push });
  }
  drivers.sort((a, b) => b.push - a.push);
  if (enrolment.neverActive) return [neverActiveDriver(enrolment), ...drivers].slice(0, limit);
  return drivers.slice(0, limit);
}

/**
 * Scores the open enrolments (one row of `columns` per entry of `enrolments`) with the calibrated
 * model and builds each course's list: never-active enrolments not in the low band in their own section, then the top
 * `listLength` by risk whose risk is at least `minRisk`, not in the low band, and with at least one
 * reason (a feature on which the enrolment is behind its peers at the same week). Highest risk first.
 */
export function scoreSnapshots(
  model: FittedModel & {
    readonly calibration?: Calibration | null;
    readonly neverActiveRisk?: number | null;
  },
  enrolments: readonly ScoredEnrolment[],
  columns: SnapshotColumns,
  policy: ScoringPolicy,
): LearnerScore[] {
  const rows = allRows(enrolments.length);
  const probabilities = predictRows(model, columns, rows).map((p) => calibrate(model.calibration, p));
  const matrix = buildMatrix(columns, rows, model.imputation, specOf(model.features));
  const scored = enrolments.map((enrolment, i) => {
    // Not started: the observed risk of not-started enrolments when the model learnt without them.
    const notStarted = enrolment.neverActive ? model.neverActiveRisk : null;
    const p = notStarted === null || notStarted === undefined ? (probabilities[i] as number) : 1 - notStarted;
    return { enrolment, p, risk: 1 - p, drivers: topDrivers(model, matrix[i] as Float64Array, enrolment) };
  });
  const byCourse = groupBy(scored, (s) => s.enrolment.courseId);
  const out: LearnerScore[] = [];
  for (const [courseId, rowsOfCourse] of byCourse) {
    rowsOfCourse.sort((a, b) => b.risk - a.risk || a.enrolment.userId.localeCompare(b.enrolment.userId));
    const length = listLength(rowsOfCourse.length, policy);
    let listed = 0;
    rowsOfCourse.forEach((s, k) => {
      // A risk above the list's floor (the concern's base rate) is never "low".
      const band = riskBand(s.risk, { high: policy.high, medium: Math.min(policy.medium, policy.minRisk) });
      let listReason = '';
      // Not started: listed in their own section unless their risk is low (in a cohort's first weeks,
      // not having started yet can be what most learners do).
      if (s.enrolment.neverActive) listReason = band === 'low' ? '' : 'not started';
      // Listed only with a reason staff can act on: a high risk on which the learner is behind none
      // of the peers at the same week (drivers) comes from where they are, not what they do.
      else if (listed < length && s.risk >= policy.minRisk && band !== 'low' && s.drivers.length > 0) {
        listed++;
        listReason = `top ${length} of ${rowsOfCourse.length} in ${courseId}`;
      }
      out.push({
        userId: s.enrolment.userId,
        courseId,
        enrolledOn: s.enrolment.enrolledOn,
        neverActive: s.enrolment.neverActive,
        weekIndex: s.enrolment.weekIndex,
        completionProbability: s.p,
        riskScore: s.risk,
        riskBand: band,
        atRisk: listReason !== '',
        rankInCourse: k + 1,
        listReason,
        drivers: s.drivers,
      });
    });
  }
  return out.sort(
    (a, b) =>
      b.riskScore - a.riskScore || a.userId.localeCompare(b.userId) || a.courseId.localeCompare(b.courseId),
  );
}
