/**
 * One learner's enrolments in dated course presentations: study bunches in the two weeks before each
 * assessment deadline with next to nothing in between, scores follow a hidden ability that is only
 * loosely tied to diligence (so some learners submit everything and still fail), learners stop at
 * random times and may formally withdraw weeks later, and some enrol but never start. The whole
 * presentation is simulated whatever the export date; only the writing is cut at the export's end,
 * so the hidden final results exist for running presentations too.
 */
import type { ActivityWriter } from './activity-writer.ts';
import type { PresentationDays, PresentationSpec } from './cohort-catalog.ts';
import { SECONDS_PER_DAY } from './format.ts';
import type { Rng } from './random.ts';
import type { StudyPattern } from './styles.ts';
import type { Learner } from './users.ts';

const HOUR = 3600;
/** Study for an assessment happens in the last this-many days before its deadline. */
export const STUDY_WINDOW_DAYS = 14;
/** Per enrolment, on top of learners who never open anything at all. */
const NEVER_START_SHARE = 0.01;
const LATE_ENROLMENT_SHARE = 0.05;

export interface Presentation {
  readonly spec: PresentationSpec;
  readonly days: PresentationDays;
  /** Index of the presentation's first module in the export-wide module list. */
  readonly firstModule: number;
}

export type FinalResult = 'passed' | 'failed' | 'withdrawn' | 'never_started';
/** What the LMS records once the result is known: it has no "never started" status. */
export type RecordedStatus = 'passed' | 'failed' | 'withdrawn';

export interface EnrolmentOutcome {
  readonly presentation: Presentation;
  readonly enrolledDay: number;
  readonly result: FinalResult;
  readonly recorded: RecordedStatus;
  /** The day the result became known (status_at once it is on or before the export's end). */
  readonly resultDay: number;
  /** The course score behind passed / failed; null otherwise. */
  readonly finalScore: number | null;
}

/** Where events go; anything at or after `endAt` is simulated but not written. */
export interface EventSink {
  readonly writer: ActivityWriter;
  readonly endAt: number;
}

/** Per-learner hidden traits of the cohort style, drawn once for all the learner's enrolments. */
export interface CohortTraits {
  /** Scores: standard normal, correlated about 0.5 with engagement (diligence). */
  readonly ability: number;
  /** Studies most weeks (StudyPattern `steady`) rather than only before deadlines. */
  readonly steady: boolean;
}

export function drawTraits(rng: Rng, learner: Learner, study: StudyPattern): CohortTraits {
  const diligence = (learner.engagement - 0.5) / 0.22;
  return { ability: 0.5 * diligence + 0.87 * rng.normal(), steady: study === 'steady' };
}

/** Enrolment day: up to six weeks before the start, a few late joiners in the first two weeks. */
export function drawEnrolledDay(rng: Rng, presentation: Presentation): number {
  const start = presentation.days.start;
  return rng.chance(LATE_ENROLMENT_SHARE) ? start + rng.int(1, 13) : start - rng.int(0, 42);
}

export function simulateEnrolment(
  rng: Rng,
  learner: Learner,
  traits: CohortTraits,
  presentation: Presentation,
  enrolledDay: number,
  sink: EventSink,
): EnrolmentOutcome {
  return new EnrolmentRun(rng, learner, traits, presentation, enrolledDay, sink).run();
}

interface ModuleState {
  /** null until the module's `started` row. */
  progress: number | null;
  completed: boolean;
}

class EnrolmentRun {
  private events = 0;
  private lastActiveDay: number;
  private readonly modules: ModuleState[];
  private readonly scores: (number | null)[] = [];

  constructor(
    private readonly rng: Rng,
    private readonly learner: Learner,
    private readonly traits: CohortTraits,
    private readonly presentation: Presentation,
    private readonly enrolledDay: number,
    private readonly sink: EventSink,
  ) {
    this.lastActiveDay = enrolledDay;
    const count = presentation.spec.assessments.length + presentation.spec.optionalModules.length;
    this.modules = Array.from({ length: count }, () => ({ progress: null, completed: false }));
  }

  run(): EnrolmentOutcome {
    const { days } = this.presentation;
    if (this.learner.neverActive || this.rng.chance(NEVER_START_SHARE)) return this.neverStarted();
    this.maybeBrowseBeforeStart();
    const stoppedOn = this.studyAssessments();
    if (this.events === 0) return this.neverStarted();
    if (stoppedOn !== null) {
      // Most who stop tell the programme, weeks later; the rest just fail at the end.
      const withdrawal = Math.max(this.lastActiveDay, stoppedOn) + this.rng.int(3, 28);
      if (this.rng.chance(0.65) && withdrawal < days.end) {
        return this.outcome('withdrawn', 'withdrawn', withdrawal, null);
      }
    }
    const score = this.courseScore();
    // A best-N learner who stops after banking enough good scores still passes.
    const passed = this.passes(score);
    if (passed) this.maybeReviewAfterEnd();
    return this.outcome(passed ? 'passed' : 'failed', passed ? 'passed' : 'failed', days.results, score);
  }

  private neverStarted(): EnrolmentOutcome {
    const { days } = this.presentation;
    const withdrawal = Math.max(this.enrolledDay, days.start) + this.rng.int(7, 42);
    if (this.rng.chance(0.5)) return this.outcome('never_started', 'withdrawn', withdrawal, null);
    return this.outcome('never_started', 'failed', days.results, null);
  }

  private outcome(
    result: FinalResult,
    recorded: RecordedStatus,
    resultDay: number,
    finalScore: number | null,
  ): EnrolmentOutcome {
    return {
      presentation: this.presentation,
      enrolledDay: this.enrolledDay,
      result,
      recorded,
      resultDay,
      finalScore,
    };
  }

  /** Returns the day the learner stopped for good, or null when they saw the course through. */
  private studyAssessments(): number | null {
    const { spec, days } = this.presentation;
    const engagement = this.learner.engagement;
    const bestN = spec.rule.kind === 'best-n';
    const spareSkips = spec.rule.kind === 'best-n' ? spec.assessments.length - spec.rule.count : 0;
    let skipped = 0;
    let previousDeadline = Math.max(days.start, this.enrolledDay) - 1;
    for (let k = 0; k < spec.assessments.length; k++) {
      const deadline = days.deadlines[k] ?? days.end;
      const periodStart = previousDeadline + 1;
      previousDeadline = deadline;
      const windowStart = Math.max(periodStart, deadline - STUDY_WINDOW_DAYS + 1);
      const lastFailed = (this.scores.at(-1) ?? 100) < spec.rule.passMark;
      const hazard = 0.012 + 0.09 * (1 - engagement) ** 2 + (lastFailed ? 0.08 : 0);
      if (this.rng.chance(hazard)) {
        const stop = this.rng.int(periodStart, deadline - 1);
        if (this.traits.steady) {
          this.studySteadily(k, periodStart, stop, deadline, stop);
          return stop;
        }
        if (stop >= windowStart && this.rng.chance(0.6)) this.session(k, this.rng.int(windowStart, stop), 2);
        // Most who give up in the first weeks had a look first; the rest never start.
        else if (k === 0 && this.rng.chance(0.5)) this.session(k, stop, 1);
        return stop;
      }
      if (this.traits.steady) {
        this.studySteadily(k, periodStart, deadline - 1, deadline, null);
      } else if (windowStart > periodStart + 6 && this.rng.chance(0.08 + 0.12 * engagement)) {
        // An occasional look at the next unit mid-gap; rare, so quiet gaps stay quiet.
        this.session(k, this.rng.int(periodStart + 3, windowStart - 1), 2);
      }
      // Best-N courses invite skipping; careful learners skip no more than the rule allows.
      const skip = bestN
        ? this.rng.chance(0.05 + 0.35 * (1 - engagement) ** 2) &&
          (skipped < spareSkips || this.rng.chance(0.3))
        : this.rng.chance(0.03 * (1 - engagement));
      if (skip) {
        skipped++;
        this.scores.push(null);
        if (this.rng.chance(0.4)) this.session(k, this.rng.int(windowStart, deadline), 1);
        continue;
      }
      this.studyAndSubmit(k, windowStart, deadline);
    }
    return null;
  }

  /** A burst of study days that thickens towards the deadline, then the submission. */
  private studyAndSubmit(k: number, windowStart: number, deadline: number): void {
    const { spec } = this.presentation;
    const assessment = spec.assessments[k];
    if (assessment === undefined) throw new Error(`no assessment ${k}`);
    const available = deadline - windowStart + 1;
    // Steady learners have studied all along (studySteadily): only the day they hand in is left.
    const wanted = this.traits.steady
      ? 1
      : Math.min(available, 2 + Math.floor(this.rng.next() * (2 + 4 * this.learner.engagement)));
    const studyDays = this.pickDays(windowStart, deadline, wanted);
    const submitDay = studyDays.at(-1) ?? deadline;
    for (const day of studyDays.slice(0, -1)) this.session(k, day, 2 + this.rng.int(0, 4));
    const at = this.sessionStart(submitDay);
    const after = this.finishModule(k, at);
    const score = clamp(60 + 15 * this.traits.ability + assessment.ease + 7 * this.rng.normal());
    this.quiz(k, score, after + 60 + this.rng.int(0, 600));
    this.scores.push(score);
    const optional = spec.assessments.length;
    if (k === spec.assessments.length - 1 || spec.optionalModules.length === 0) return;
    // Further reading, straight after an assessment is handed in, by the keener learners.
    if (!this.modules[optional]?.completed && this.rng.chance(0.1 + 0.2 * this.learner.engagement)) {
      this.finishModule(optional, after + 1800 + this.rng.int(0, 3600));
    }
  }

  /**
   * Weekly study on module k over days [from, to]: a week is active with a chance that grows with
   * engagement and in the fortnight before the deadline, on a few days each; in the three weeks before
   * a learner stops for good (`stop`), the chance falls away, as it does for real leavers.
   */
  private studySteadily(k: number, from: number, to: number, deadline: number, stop: number | null): void {
    const engagement = this.learner.engagement;
    for (let week = from; week <= to; week += 7) {
      const last = Math.min(week + 6, to);
      const busy = deadline - last <= STUDY_WINDOW_DAYS;
      const fading = stop !== null && stop - week < 21 ? 0.35 : 1;
      const chance = Math.min(0.97, (0.2 + 0.7 * engagement) * (busy ? 1.3 : 1) * fading);
      if (!this.rng.chance(chance)) continue;
      const days = 1 + this.rng.int(0, Math.floor(3 * engagement + (busy ? 1 : 0)));
      const picked = new Set<number>();
      for (let i = 0; i < days; i++) picked.add(this.rng.int(week, last));
      for (const day of [...picked].sort((x, y) => x - y)) this.session(k, day, 1 + this.rng.int(0, 3));
    }
  }

  /** `count` distinct days in [from, to], weighted towards the end (cramming), ascending. */
  private pickDays(from: number, to: number, count: number): number[] {
    const candidates = Array.from({ length: to - from + 1 }, (_, i) => from + i);
    const chosen: number[] = [to - this.rng.int(0, Math.min(2, to - from))];
    const rest = candidates.filter((d) => d !== chosen[0]);
    while (chosen.length < count && rest.length > 0) {
      const weights = rest.map((d) => 1 + (3 * (d - from)) / Math.max(1, to - from));
      const [day] = rest.splice(this.rng.weightedIndex(weights), 1);
      if (day !== undefined) chosen.push(day);
    }
    return chosen.sort((x, y) => x - y);
  }

  /** A session of `steps` lesson rows on module k, minutes apart. */
  private session(k: number, day: number, steps: number): void {
    let at = this.sessionStart(day);
    for (let i = 0; i < steps; i++) {
      this.step(k, at, 85);
      at += 120 + this.rng.int(0, 900);
    }
  }

  private step(k: number, at: number, ceiling: number): void {
    const module = this.modules[k];
    if (module === undefined || module.completed) return;
    if (module.progress === null) {
      module.progress = this.rng.chance(0.3) ? 0 : this.rng.uniform(0, 5);
      this.lesson(k, 'started', module.progress, at);
      return;
    }
    module.progress = Math.min(ceiling, module.progress + this.rng.uniform(4, 18));
    this.lesson(k, 'in_progress', module.progress, at);
  }

  /** Works module k to 100 in one sitting and marks it completed; returns the time after it. */
  private finishModule(k: number, start: number): number {
    const module = this.modules[k];
    if (module === undefined) throw new Error(`no module ${k}`);
    let at = start;
    const steps = 1 + this.rng.int(1, 3);
    for (let i = 0; i < steps; i++) {
      this.step(k, at, 95);
      at += 120 + this.rng.int(0, 900);
    }
    if (!module.completed) {
      module.completed = true;
      this.lesson(k, 'completed', 100, at);
    }
    return at;
  }

  /** Some learners open the first unit in the weeks between enrolling and the start. */
  private maybeBrowseBeforeStart(): void {
    const start = this.presentation.days.start;
    if (this.enrolledDay >= start - 1 || !this.rng.chance(0.15)) return;
    this.session(0, this.rng.int(this.enrolledDay, start - 1), 1);
  }

  /** A few passers come back to the material long after the results. */
  private maybeReviewAfterEnd(): void {
    if (!this.rng.chance(0.04)) return;
    const k = this.rng.int(0, this.presentation.spec.assessments.length - 1);
    const at = this.sessionStart(this.presentation.days.results + this.rng.int(1, 60));
    this.lesson(k, 'completed', 100, at);
  }

  private courseScore(): number {
    const rule = this.presentation.spec.rule;
    const submitted = this.scores.map((s) => s ?? 0);
    while (submitted.length < this.presentation.spec.assessments.length) submitted.push(0);
    const counted = rule.kind === 'best-n' ? submitted.sort((x, y) => y - x).slice(0, rule.count) : submitted;
    return counted.reduce((sum, s) => sum + s, 0) / Math.max(1, counted.length);
  }

  private passes(score: number): boolean {
    const { rule, assessments } = this.presentation.spec;
    if (rule.kind === 'best-n') return score >= rule.passMark;
    return (
      this.scores.length === assessments.length && this.scores.every((s) => s !== null && s >= rule.passMark)
    );
  }

  private lesson(k: number, status: string, progress: number, at: number): void {
    this.record(at);
    if (at < this.sink.endAt)
      this.sink.writer.lesson(this.presentation.firstModule + k, status, progress, at);
  }

  private quiz(k: number, score: number, at: number): void {
    this.record(at);
    if (at < this.sink.endAt) this.sink.writer.quiz(this.presentation.firstModule + k, score, at);
  }

  private record(at: number): void {
    this.events++;
    this.lastActiveDay = Math.max(this.lastActiveDay, Math.floor(at / SECONDS_PER_DAY));
  }

  /** Sessions follow the learner's own clock, so days and hours are in their time zone. */
  private sessionStart(localDay: number): number {
    const hour = Math.min(23, Math.max(6, this.learner.preferredHour + 1.5 * this.rng.normal()));
    return localDay * SECONDS_PER_DAY + Math.floor(hour * HOUR) - this.learner.utcOffsetMinutes * 60;
  }
}

function clamp(score: number): number {
  return Math.min(100, Math.max(0, score));
}
