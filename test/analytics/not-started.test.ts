/**
 * Enrolments not started yet under the disengagement target (issue 14): the model learns from started
 * enrolments only, the not-started ones get the share of their kind with the concern, and they are
 * listed in their own section only when that risk is not low. Worked out by hand.
 */
import { describe, expect, test } from 'vitest';
import { type ScoredEnrolment, scoreSnapshots } from '../../src/analytics/model/score.ts';
import { type FittedModel, splitNeverActive } from '../../src/analytics/model/train.ts';

describe('splitNeverActive', () => {
  test('removes the not-started rows from the fit and gives them the share with the concern', () => {
    const { started, neverActive } = splitNeverActive({
      userIds: ['A', 'B', 'C', 'D', 'E'],
      courseIds: ['C1', 'C1', 'C1', 'C1', 'C1'],
      weekIndex: [1, 2, 1, 2, 3],
      // 1 = active again, 0 = went quiet: of the three not-started rows (B, C, E), two went quiet.
      labels: [1, 0, 1, 0, 0],
      columns: { never_active: [0, 1, 1, 0, 1], days_inactive_log: [0.5, 2, 1, 3, 4] },
    });
    expect(started.userIds).toEqual(['A', 'D']);
    expect(started.courseIds).toEqual(['C1', 'C1']);
    expect(started.weekIndex).toEqual([1, 2]);
    expect(started.labels).toEqual([1, 0]);
    expect(started.columns).toEqual({ never_active: [0, 0], days_inactive_log: [0.5, 3] });
    expect(neverActive).toEqual({ risk: 2 / 3, rows: 3, concern: 2 });
  });

  test('without not-started rows, the data is unchanged and there is no separate risk', () => {
    const data = {
      userIds: ['A'],
      weekIndex: [1],
      labels: [1],
      columns: { never_active: [0], days_inactive_log: [0.5] },
    };
    expect(splitNeverActive(data)).toEqual({ started: data, neverActive: null });
  });
});

/** P(active again) = sigmoid(-days_inactive_log): 0.5 at 0, lower the longer the silence. */
const model: FittedModel = {
  features: ['days_inactive_log'],
  imputation: { days_inactive_log: 0 },
  scaler: { mean: [0], std: [1] },
  intercept: 0,
  coef: [-1],
  C: 1,
  iterations: 1,
  converged: true,
};

/** Bands at 0.7 / 0.4, a minimum risk of 0.3, and a list of `size` per course. */
const listOf = (size: number) => ({
  high: 0.7,
  medium: 0.4,
  listSize: { kind: 'count', value: size } as const,
  minListed: size,
  minRisk: 0.3,
});

describe('scoring enrolments not started yet', () => {
  const enrolment = (userId: string, neverActive: boolean): ScoredEnrolment => ({
    userId,
    courseId: 'C1',
    weekIndex: 3,
    enrolledOn: '2026-01-05',
    neverActive,
    inactivityDays: 20,
    activeDays14: 0,
    cumActiveDays: neverActive ? 0 : 2,
    modulesDone: 0,
    requiredModules: 4,
    quizScore: null,
    progressPerStep: null,
    peer: {
      inactivityDays: 3,
      activeDays14: 4,
      cumActiveDays: 6,
      modulesDone: 1,
      quizScore: null,
      progressPerStep: null,
    },
  });
  const enrolments = [enrolment('S1', false), enrolment('N1', true)];
  const columns = { days_inactive_log: [Math.log(21), Math.log(21)] };
  const policy = listOf(5);

  test('they get the risk their kind showed, not the model extrapolated to them, and are listed when it is not low', () => {
    const scores = scoreSnapshots({ ...model, neverActiveRisk: 0.9 }, enrolments, columns, policy);
    const notStarted = scores.find((s) => s.userId === 'N1');
    const started = scores.find((s) => s.userId === 'S1');
    expect(notStarted?.riskScore).toBeCloseTo(0.9, 12);
    expect(notStarted?.riskBand).toBe('high');
    expect(notStarted?.listReason).toBe('not started');
    // The started learner: 1 - sigmoid(-ln 21) = 21/22.
    expect(started?.riskScore).toBeCloseTo(21 / 22, 12);
  });

  test('a low not-started risk (not having started is what most do) is not listed', () => {
    const scores = scoreSnapshots({ ...model, neverActiveRisk: 0.1 }, enrolments, columns, policy);
    const notStarted = scores.find((s) => s.userId === 'N1');
    expect(notStarted?.riskBand).toBe('low');
    expect(notStarted?.atRisk).toBe(false);
    expect(notStarted?.listReason).toBe('');
  });

  test('a model without a not-started risk scores them itself (models saved before it, the completion target)', () => {
    const scores = scoreSnapshots(model, enrolments, columns, policy);
    expect(scores.find((s) => s.userId === 'N1')?.riskScore).toBeCloseTo(21 / 22, 12);
  });
});

describe('a list entry needs a reason', () => {
  const started = (userId: string, inactivityDays: number, peerInactivityDays: number): ScoredEnrolment => ({
    userId,
    courseId: 'C1',
    weekIndex: 2,
    enrolledOn: '2026-01-05',
    neverActive: false,
    inactivityDays,
    activeDays14: 1,
    cumActiveDays: 2,
    modulesDone: 0,
    requiredModules: 4,
    quizScore: null,
    progressPerStep: null,
    peer: {
      inactivityDays: peerInactivityDays,
      activeDays14: 1,
      cumActiveDays: 2,
      modulesDone: 0,
      quizScore: null,
      progressPerStep: null,
    },
  });
  const policy = listOf(1);

  test('the highest risk on which the learner is behind no peer is left off; the next, with a reason, is listed', () => {
    // Q1: silent 30 days, as long as the peers at the same week (a quiet spell everyone is in): the
    // highest risk, and no reason to give. Q2: silent 20 days where peers were silent 3: a reason.
    const enrolments = [started('Q1', 30, 30), started('Q2', 20, 3)];
    const columns = { days_inactive_log: [Math.log(31), Math.log(21)] };
    const scores = scoreSnapshots(model, enrolments, columns, policy);
    const q1 = scores.find((s) => s.userId === 'Q1');
    const q2 = scores.find((s) => s.userId === 'Q2');
    expect(q1?.riskScore).toBeGreaterThan(q2?.riskScore ?? 1);
    expect(q1?.rankInCourse).toBe(1);
    expect(q1?.drivers).toEqual([]);
    expect(q1?.atRisk).toBe(false);
    expect(q2?.atRisk).toBe(true);
    expect(q2?.listReason).toBe('top 1 of 2 in C1');
    expect(q2?.drivers.map((d) => d.text)).toEqual(['no activity in the course for 20 days (others: 3)']);
  });
});
