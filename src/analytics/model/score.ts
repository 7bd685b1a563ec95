/**
 * Scoring open learners with a fitted model: probability of completing, risk, band, at-risk flag and
 * the up-to-three features that push this learner's risk up the most, in plain words.
 */
import type { SnapshotColumns } from './features.ts';
import { allRows, buildMatrix } from './features.ts';
import type { FittedModel } from './train.ts';
import { predictRows } from './train.ts';

export type RiskBand = 'high' | 'medium' | 'low';

export interface Driver {
  readonly feature: string;
  /** Push on the risk logit: -coef x standardised deviation from the training mean (> 0 raises risk). */
  readonly push: number;
  readonly value: number;
  readonly typical: number;
  readonly text: string;
}

/** Which enrolment a scored row is, and what the model's features cannot word for staff. */
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
}

/** One open enrolment's score. */
export interface LearnerScore {
  readonly userId: string;
  readonly courseId: string;
  readonly enrolledOn: string | null;
  readonly neverActive: boolean;
  readonly weekIndex: number;
  readonly completionProbability: number;
  readonly riskScore: number;
  readonly riskBand: RiskBand;
  readonly atRisk: boolean;
  readonly drivers: Driver[];
}

export interface ScoringPolicy {
  readonly threshold: number;
  readonly high: number;
  readonly medium: number;
}

export function riskBand(risk: number, policy: Pick<ScoringPolicy, 'high' | 'medium'>): RiskBand {
  if (risk >= policy.high) return 'high';
  if (risk >= policy.medium) return 'medium';
  return 'low';
}

const round = (v: number, digits = 0) => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};
const pct = (share: number) => `${round(share * 100)}%`;

/** Plain-words description of a feature value against the cohort's typical value. */
export function describeDriver(feature: string, value: number, typical: number): string {
  switch (feature) {
    case 'inactivity_days':
      return `inactive ${round(value)} days (typical ${round(typical)})`;
    case 'sessions':
      return `${round(value)} sessions this week (typical ${round(typical, 1)})`;
    case 'active_days':
      return `active ${round(value)} days this week (typical ${round(typical, 1)})`;
    case 'avg_progress':
      return `avg progress ${round(value)}% this week (typical ${round(typical)}%)`;
    case 'avg_quiz_score':
      return `avg quiz ${round(value)} this week (typical ${round(typical)})`;
    case 'modules_completed':
      return `${round(value)} modules completed this week (typical ${round(typical, 1)})`;
    case 'study_week':
      return `in week ${round(value)} of study (typical ${round(typical)})`;
    case 'cum_sessions':
      return `${round(value)} sessions so far (typical ${round(typical)})`;
    case 'cum_active_days':
      return `${round(value)} active days so far (typical ${round(typical)})`;
    case 'cum_modules_completed':
      return `${round(value)} modules completed so far (typical ${round(typical, 1)})`;
    case 'share_required_completed':
      return `${pct(value)} of required modules done (typical ${pct(typical)})`;
    case 'cum_avg_progress':
      return `avg progress ${round(value)}% so far (typical ${round(typical)}%)`;
    case 'cum_avg_quiz_score':
      return `avg quiz ${round(value)} so far (typical ${round(typical)})`;
    case 'active_weeks_to_date':
      return `active in ${round(value)} weeks so far (typical ${round(typical, 1)})`;
    case 'courses_to_date':
      return `${round(value)} courses started (typical ${round(typical, 1)})`;
    case 'avg_progress_missing':
      return 'no lesson activity this week';
    case 'avg_quiz_score_missing':
      return 'no quiz attempt this week';
    case 'cum_avg_progress_missing':
      return 'no lesson activity yet';
    case 'cum_avg_quiz_score_missing':
      return 'no quiz attempt yet';
    default:
      return `${feature} ${round(value, 2)} (typical ${round(typical, 2)})`;
  }
}

/** The up-to-`limit` features that raise this feature vector's risk the most. */
export function topDrivers(model: FittedModel, x: ArrayLike<number>, limit = 3): Driver[] {
  const drivers: Driver[] = [];
  model.features.forEach((feature, j) => {
    const value = x[j] as number;
    const typical = model.scaler.mean[j] as number;
    const push = -(model.coef[j] as number) * ((value - typical) / (model.scaler.std[j] as number));
    if (push > 1e-9)
      drivers.push({ feature, push, value, typical, text: describeDriver(feature, value, typical) });
  });
  return drivers.sort((a, b) => b.push - a.push).slice(0, limit);
}

/** The reason a never-active enrolment is listed, in the words staff use. */
export function neverActiveDriver(enrolment: ScoredEnrolment): Driver {
  const days = Math.max(0, Math.round(enrolment.inactivityDays));
  const since = enrolment.enrolledOn ? `enrolled ${enrolment.enrolledOn}, ` : '';
  return {
    feature: 'never_active',
    push: Number.POSITIVE_INFINITY,
    value: days,
    typical: 0,
    text: `${since}no activity in ${days} ${days === 1 ? 'day' : 'days'}`,
  };
}

/**
 * Scores the open enrolments (one row of `columns` per entry of `enrolments`), highest risk first.
 * A never-active enrolment's first reason says so; the model's drivers follow.
 */
export function scoreSnapshots(
  model: FittedModel,
  enrolments: readonly ScoredEnrolment[],
  columns: SnapshotColumns,
  policy: ScoringPolicy,
): LearnerScore[] {
  const rows = allRows(enrolments.length);
  const probabilities = predictRows(model, columns, rows);
  const matrix = buildMatrix(columns, rows, model.imputation);
  const scores = enrolments.map((enrolment, i): LearnerScore => {
    const p = probabilities[i] as number;
    const risk = 1 - p;
    const drivers = topDrivers(model, matrix[i] as Float64Array);
    return {
      userId: enrolment.userId,
      courseId: enrolment.courseId,
      enrolledOn: enrolment.enrolledOn,
      neverActive: enrolment.neverActive,
      weekIndex: enrolment.weekIndex,
      completionProbability: p,
      riskScore: risk,
      riskBand: riskBand(risk, policy),
      atRisk: risk >= policy.threshold,
      drivers: enrolment.neverActive ? [neverActiveDriver(enrolment), ...drivers.slice(0, 2)] : drivers,
    };
  });
  return scores.sort(
    (a, b) =>
      b.riskScore - a.riskScore || a.userId.localeCompare(b.userId) || a.courseId.localeCompare(b.courseId),
  );
}
