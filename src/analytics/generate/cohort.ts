/**
 * The cohort style's rows: the presentation catalogue (with `ends_at` and `modules_required` after the
 * usual course columns, `required` after the usual module columns), users with their enrolments and
 * events, the optional lms_enrolments.csv and the hidden truth file. The five usual files keep the
 * default style's columns first and its formats, so today's loader reads a cohort export unchanged.
 */
import { ActivityWriter } from './activity-writer.ts';
import { moduleCount, PRESENTATIONS, presentationDays } from './cohort-catalog.ts';
import {
  type CohortTraits,
  drawEnrolledDay,
  drawTraits,
  type EnrolmentOutcome,
  type EventSink,
  type Presentation,
  simulateEnrolment,
} from './cohort-simulation.ts';
import type { CsvFile } from './csv-file.ts';
import { meanDefectGap } from './defects.ts';
import { csvField, decimal2, moduleId, SECONDS_PER_DAY, usDate, userId } from './format.ts';
import { Rng, streamSeed } from './random.ts';
import type { StudyPattern } from './styles.ts';
import { drawLearner, type Learner, userLine } from './users.ts';

export const ENROLMENTS_HEADER = 'user_id,course_id,enrolled_at,status,status_at,final_score';
export const TRUTH_HEADER = 'user_id,course_id,final_result,result_at';

export interface CohortOutputs {
  readonly users: CsvFile;
  readonly courses: CsvFile;
  readonly modules: CsvFile;
  readonly lessons: CsvFile;
  readonly quizzes: CsvFile;
  /** null in the variant without lms_enrolments.csv. */
  readonly enrolments: CsvFile | null;
  readonly truth: CsvFile;
}

export interface CohortSettings {
  readonly learners: number;
  readonly seedHash: number;
  readonly endDay: number;
  readonly timestamps: boolean;
  readonly study: StudyPattern;
}

/** Independent random streams; distinct from the default style's so neither disturbs the other. */
const STREAM = { learner: 11, defects: 13, staff: 14 } as const;
/** A learner who failed or withdrew from a presentation that has ended may try the next one. */
const RETRY_SHARE = 0.3;
/** Learners taking a second course at the same time. */
const SECOND_COURSE_SHARE = 0.12;
const EXPECTED_LESSON_ROWS_PER_LEARNER = 80;
const EXPECTED_QUIZ_ROWS_PER_LEARNER = 6;
const PROGRESS_EVERY = 1000;

export const COHORT_PRESENTATIONS: readonly Presentation[] = (() => {
  let next = 0;
  return PRESENTATIONS.map((spec) => {
    const firstModule = next;
    next += moduleCount(spec);
    return { spec, days: presentationDays(spec), firstModule };
  });
})();

const POPULARITY = COHORT_PRESENTATIONS.map((p) => p.spec.popularity);

/** The course code a presentation belongs to (`C101` of `C101-2026A`). */
function courseCode(p: Presentation): string {
  return p.spec.id.split('-')[0] ?? p.spec.id;
}

export function writeCohortCatalog(outputs: CohortOutputs, seedHash: number): void {
  const rng = new Rng(streamSeed(seedHash, 12));
  for (const p of COHORT_PRESENTATIONS) {
    const { spec, days } = p;
    const created = days.start - rng.int(30, 60);
    const required = spec.rule.kind === 'best-n' ? String(spec.rule.count) : '';
    outputs.courses.push(
      `${spec.id},${csvField(spec.name)},${csvField(spec.category)},${usDate(created)},${usDate(days.end)},${required}\n`,
    );
    // Best-N courses have no single required module: any N of them count.
    const names = [...spec.assessments.map((x) => x.name), ...spec.optionalModules];
    names.forEach((name, i) => {
      const isRequired = spec.rule.kind === 'all-required' && i < spec.assessments.length;
      outputs.modules.push(
        `${moduleId(p.firstModule + i + 1)},${spec.id},${csvField(name)},${i + 1},${isRequired}\n`,
      );
    });
  }
}

export async function writeCohortLearners(
  outputs: CohortOutputs,
  settings: CohortSettings,
  onProgress: ((learnersDone: number) => void) | undefined,
): Promise<void> {
  const { learners, seedHash: hash, endDay } = settings;
  const last = COHORT_PRESENTATIONS.at(-1);
  const totalModules = last === undefined ? 0 : last.firstModule + moduleCount(last.spec);
  const writer = new ActivityWriter({
    lessons: outputs.lessons,
    quizzes: outputs.quizzes,
    timestamps: settings.timestamps,
    moduleIds: Array.from({ length: totalModules }, (_, i) => moduleId(i + 1)),
    learners,
    defectRng: new Rng(streamSeed(hash, STREAM.defects)),
    lessonDefectGap: meanDefectGap(learners * EXPECTED_LESSON_ROWS_PER_LEARNER, 16),
    quizDefectGap: meanDefectGap(learners * EXPECTED_QUIZ_ROWS_PER_LEARNER, 8),
  });
  const sink: EventSink = { writer, endAt: (endDay + 1) * SECONDS_PER_DAY };
  const files = [outputs.users, outputs.lessons, outputs.quizzes, outputs.enrolments, outputs.truth].filter(
    (f): f is CsvFile => f !== null,
  );
  const staffPhase = new Rng(streamSeed(hash, STREAM.staff)).next();
  const rng = new Rng(0);
  for (let index = 0; index < learners; index++) {
    rng.reseed(streamSeed(hash, STREAM.learner, index));
    const drawn = drawLearner(rng, index, userId(index + 1), endDay, staffPhase);
    const first = COHORT_PRESENTATIONS[rng.weightedIndex(POPULARITY)] ?? fail('no presentations');
    const enrolledDay = drawEnrolledDay(rng, first);
    const learner: Learner = { ...drawn, startDay: Math.min(enrolledDay, endDay) };
    outputs.users.push(userLine(rng, learner, endDay));
    writer.startLearner(learner.id, learner.timestampStyle);
    if (learner.staff) {
      previewAsStaff(rng, learner, first, sink);
    } else {
      for (const outcome of simulateLearner(rng, learner, first, enrolledDay, sink, settings.study)) {
        writeOutcome(outputs, learner.id, outcome, endDay);
      }
    }
    if (files.some((file) => file.blocked)) await Promise.all(files.map((file) => file.drain()));
    if ((index + 1) % PROGRESS_EVERY === 0) onProgress?.(index + 1);
  }
  if (learners % PROGRESS_EVERY !== 0 || learners === 0) onProgress?.(learners);
}

/** The first enrolment, a retry of a course that went wrong, and sometimes a second course alongside. */
function simulateLearner(
  rng: Rng,
  learner: Learner,
  first: Presentation,
  enrolledDay: number,
  sink: EventSink,
  study: StudyPattern,
): EnrolmentOutcome[] {
  const traits: CohortTraits = drawTraits(rng, learner, study);
  const outcomes = [simulateEnrolment(rng, learner, traits, first, enrolledDay, sink)];
  const firstOutcome = outcomes[0];
  const retry = COHORT_PRESENTATIONS.find(
    (p) => courseCode(p) === courseCode(first) && p.days.start > first.days.results,
  );
  if (retry && firstOutcome && firstOutcome.result !== 'passed' && rng.chance(RETRY_SHARE)) {
    const day = Math.max(firstOutcome.resultDay, retry.days.start - rng.int(0, 42));
    outcomes.push(simulateEnrolment(rng, learner, traits, retry, day, sink));
  }
  if (rng.chance(SECOND_COURSE_SHARE)) {
    const others = COHORT_PRESENTATIONS.filter(
      (p) => courseCode(p) !== courseCode(first) && overlaps(p, first),
    );
    if (others.length > 0) {
      const other = rng.pick(others);
      outcomes.push(simulateEnrolment(rng, learner, traits, other, drawEnrolledDay(rng, other), sink));
    }
  }
  return outcomes;
}

function overlaps(a: Presentation, b: Presentation): boolean {
  return a.days.start <= b.days.end && b.days.start <= a.days.end;
}

/** Tutors open a few units to check them; they have no enrolment and the loader drops their rows. */
function previewAsStaff(rng: Rng, learner: Learner, p: Presentation, sink: EventSink): void {
  const views = rng.int(3, 10);
  for (let i = 0; i < views; i++) {
    const day = rng.int(p.days.start - 14, p.days.end);
    const at = day * SECONDS_PER_DAY + Math.floor(learner.preferredHour * 3600) + rng.int(0, 3600);
    if (at < sink.endAt) {
      sink.writer.lesson(p.firstModule + rng.int(0, moduleCount(p.spec) - 1), 'started', 0, at);
    }
  }
}

/**
 * The enrolment row as the LMS shows it on the export's last day (an enrolment made after it does not
 * exist yet; a result not yet known is `active`), and the truth row with the eventual result.
 */
function writeOutcome(outputs: CohortOutputs, user: string, outcome: EnrolmentOutcome, endDay: number): void {
  const course = outcome.presentation.spec.id;
  outputs.truth.push(`${user},${course},${outcome.result},${isoDate(outcome.resultDay)}\n`);
  if (outputs.enrolments === null || outcome.enrolledDay > endDay) return;
  const known = outcome.resultDay <= endDay;
  const status = known ? outcome.recorded : 'active';
  const statusAt = known ? usDate(outcome.resultDay) : '';
  const score = known && outcome.finalScore !== null ? decimal2(outcome.finalScore) : '';
  outputs.enrolments.push(
    `${user},${course},${usDate(outcome.enrolledDay)},${status},${statusAt},${score}\n`,
  );
}

function isoDate(day: number): string {
  return new Date(day * SECONDS_PER_DAY * 1000).toISOString().slice(0, 10);
}

function fail(message: string): never {
  throw new Error(message);
}
