/**
 * One learner's activity as a timeline of sessions. Engagement drives every behaviour the model is
 * meant to pick up: sessions per week, progress per event, quiz scores and the weekly dropout hazard.
 * Failing quizzes raises the hazard further, so recent scores carry signal of their own.
 */
import type { ActivityWriter } from './activity-writer.ts';
import { COURSES, type CourseSpec, type ModuleSpec } from './catalog.ts';
import { SECONDS_PER_DAY } from './format.ts';
import type { Rng } from './random.ts';
import type { Learner } from './users.ts';

const COURSE_WEIGHTS = COURSES.map((c) => c.popularity);
const PASS_SCORE = 60;
const HOUR = 3600;
const WEEK = 7 * SECONDS_PER_DAY;

/** Index of each course's first module in the catalogue-wide module list. */
const FIRST_MODULE: readonly number[] = (() => {
  let next = 0;
  return COURSES.map((course) => {
    const first = next;
    next += course.modules.length;
    return first;
  });
})();

interface Enrolment {
  readonly course: CourseSpec;
  readonly firstModule: number;
  /** Seconds since the epoch from which the learner works on this course. */
  startAt: number;
  /** Position of the current module within the course. */
  position: number;
  /** Progress in the current module; null until its `started` row. */
  progress: number | null;
  done: boolean;
}

export function simulateActivity(rng: Rng, learner: Learner, out: ActivityWriter, endAt: number): void {
  if (learner.neverActive) return;
  new LearnerRun(rng, learner, out, endAt).run();
}

class LearnerRun {
  private at: number;
  private failedQuizzes = 0;
  private readonly enrolments: Enrolment[];

  constructor(
    private readonly rng: Rng,
    private readonly learner: Learner,
    private readonly out: ActivityWriter,
    /** End of the export's last day: nothing happens from here on. */
    private readonly endAt: number,
  ) {
    this.at = this.sessionStartOn(learner.startDay);
    this.enrolments = this.enrol();
  }

  run(): void {
    while (this.at < this.endAt) {
      const enrolment = this.chooseEnrolment();
      if (enrolment === null) return;
      this.session(enrolment);
      if (this.enrolments.every((e) => e.done)) return;
      if (!this.waitForNextSession()) return;
    }
  }

  private enrol(): Enrolment[] {
    const staff = this.learner.staff;
    const count = 1 + (this.rng.chance(staff ? 0.6 : 0.4) ? 1 : 0) + (staff && this.rng.chance(0.3) ? 1 : 0);
    const chosen: number[] = [];
    while (chosen.length < count) {
      const course = this.rng.weightedIndex(COURSE_WEIGHTS);
      if (!chosen.includes(course)) chosen.push(course);
    }
    return chosen.map((course, i) => ({
      course: COURSES[course] ?? fail(`no course ${course}`),
      firstModule: FIRST_MODULE[course] ?? 0,
      startAt: i === 0 ? this.at : this.at + this.rng.int(0, 60) * SECONDS_PER_DAY,
      position: 0,
      progress: null,
      done: false,
    }));
  }

  /** Mostly sticks to the earliest started course; sometimes switches to another open one. */
  private chooseEnrolment(): Enrolment | null {
    let chosen: Enrolment | null = null;
    for (const e of this.enrolments) {
      if (e.done || e.startAt > this.at) continue;
      if (chosen === null || this.rng.chance(0.25)) chosen = e;
    }
    return chosen;
  }

  private session(enrolment: Enrolment): void {
    const engagement = this.learner.engagement;
    const events = 3 + Math.floor(this.rng.next() * (4 + 9 * engagement));
    for (let i = 0; i < events && !enrolment.done && this.at < this.endAt; i++) {
      this.step(enrolment);
      this.at += 60 + Math.floor(this.rng.next() * 660);
    }
  }

  private step(enrolment: Enrolment): void {
    const module = enrolment.firstModule + enrolment.position;
    const spec = enrolment.course.modules[enrolment.position] ?? fail(`no module ${module}`);
    if (enrolment.progress === null) {
      enrolment.progress = this.rng.chance(0.3) ? 0 : this.rng.uniform(0, 5);
      this.out.lesson(module, 'started', enrolment.progress, this.at);
      return;
    }
    const before = enrolment.progress;
    enrolment.progress += this.progressIncrement(spec);
    if (enrolment.progress < 100) {
      this.out.lesson(module, this.inProgressStatus(), enrolment.progress, this.at);
      if (before < 50 && enrolment.progress >= 50) this.knowledgeCheck(module, spec);
      return;
    }
    // Some LMS clients mark completion before the last progress ping lands.
    const shown = this.rng.chance(0.015) ? this.rng.uniform(85, 99.99) : 100;
    this.out.lesson(module, 'completed', shown, this.at);
    this.quiz(module, spec);
    this.advance(enrolment);
  }

  private progressIncrement(spec: ModuleSpec): number {
    return (1.2 + this.rng.next() * (2.5 + 4.5 * this.learner.engagement)) / spec.length;
  }

  private inProgressStatus(): string {
    const u = this.rng.next();
    if (u < 0.01) return 'In Progress';
    if (u < 0.02) return 'in-progress';
    return 'in_progress';
  }

  private quiz(module: number, spec: ModuleSpec): void {
    if (this.rng.chance(0.08)) return;
    const engagement = this.learner.engagement;
    let score = clampScore(30 + 55 * engagement + spec.quizEase + 12 * this.rng.normal());
    this.at += 60 + Math.floor(this.rng.next() * 300);
    if (this.at >= this.endAt) return;
    this.out.quiz(module, score, this.at);
    let attempts = 1;
    while (attempts < 3 && this.wantsRetake(score)) {
      this.at += 120 + Math.floor(this.rng.next() * 1500);
      if (this.at >= this.endAt) return;
      score = clampScore(score + 3 + 15 * this.rng.next());
      this.out.quiz(module, score, this.at);
      attempts++;
    }
    this.failedQuizzes = score < PASS_SCORE ? this.failedQuizzes + 1 : Math.max(0, this.failedQuizzes - 1);
  }

  /** An optional mid-module practice attempt; keener learners take it more often. */
  private knowledgeCheck(module: number, spec: ModuleSpec): void {
    const engagement = this.learner.engagement;
    if (!this.rng.chance(0.3 + 0.5 * engagement)) return;
    this.at += 60 + Math.floor(this.rng.next() * 240);
    if (this.at >= this.endAt) return;
    this.out.quiz(module, clampScore(25 + 55 * engagement + spec.quizEase + 14 * this.rng.normal()), this.at);
  }

  private wantsRetake(score: number): boolean {
    if (score >= PASS_SCORE) return this.rng.chance(0.03);
    return this.rng.chance(0.25 + 0.5 * this.learner.engagement);
  }

  private advance(enrolment: Enrolment): void {
    enrolment.position++;
    enrolment.progress = null;
    if (enrolment.position < enrolment.course.modules.length) return;
    enrolment.done = true;
    // A finished course frees time: a learner's next course starts now at the latest.
    for (const other of this.enrolments) {
      if (!other.done) other.startAt = Math.min(other.startAt, this.at);
    }
  }

  /** Moves `at` to the next session; false when the learner drops out first or the export ends. */
  private waitForNextSession(): boolean {
    const next = this.nextSessionAt();
    const weeks = (next - this.at) / WEEK;
    if (this.rng.chance(1 - (1 - this.weeklyDropoutHazard()) ** weeks)) return false;
    this.at = next;
    return next < this.endAt;
  }

  private nextSessionAt(): number {
    const engagement = this.learner.engagement;
    const day = this.localDay(this.at);
    if (this.rng.chance(0.12 + 0.3 * engagement)) {
      const later = this.at + Math.floor((1.5 + 4 * this.rng.next()) * HOUR);
      if (this.localDay(later + HOUR) === day) return later;
    }
    const sessionsPerWeek = 0.5 + 3.5 * engagement;
    let days = Math.max(1, Math.round(this.rng.exponential(7 / sessionsPerWeek)));
    if (this.rng.chance(0.02)) days += this.rng.int(14, 35); // holidays, busy spells
    return this.sessionStartOn(day + days);
  }

  private weeklyDropoutHazard(): number {
    const disengagement = 1 - this.learner.engagement;
    return 0.01 + 0.14 * disengagement * disengagement + 0.05 * Math.min(this.failedQuizzes, 2);
  }

  /** Sessions follow the learner's own clock, so days and hours are in their time zone. */
  private sessionStartOn(localDay: number): number {
    const hour = Math.min(23, Math.max(6, this.learner.preferredHour + 1.5 * this.rng.normal()));
    return localDay * SECONDS_PER_DAY + Math.floor(hour * HOUR) - this.learner.utcOffsetMinutes * 60;
  }

  private localDay(at: number): number {
    return Math.floor((at + this.learner.utcOffsetMinutes * 60) / SECONDS_PER_DAY);
  }
}

function clampScore(score: number): number {
  return Math.min(100, Math.max(0, score));
}

function fail(message: string): never {
  throw new Error(message);
}
