/**
 * Turns simulated lesson and quiz events into CSV lines: assigns the running ids, formats times,
 * and slips in the scheduled dirty rows next to the clean row they were made from. Dirty rows are
 * added, never substituted, so the clean rows alone still tell each learner's true story.
 */
import type { CsvFile } from './csv-file.ts';
import {
  DefectSchedule,
  LESSON_DEFECTS,
  type LessonDefect,
  QUIZ_DEFECTS,
  type QuizDefect,
  UNPARSEABLE_DATES,
} from './defects.ts';
import {
  activityId,
  attemptId,
  decimal2,
  moduleId,
  SECONDS_PER_DAY,
  type TimestampStyle,
  timestamp,
  UTC_STYLE,
  usDate,
  userId,
} from './format.ts';
import type { Rng } from './random.ts';

export interface ActivityWriterOptions {
  readonly lessons: CsvFile;
  readonly quizzes: CsvFile;
  /** ISO date-times instead of M/D/YYYY dates for event_time and attempt_date. */
  readonly timestamps: boolean;
  /** Module ids in catalogue order; the simulation refers to modules by index into it. */
  readonly moduleIds: readonly string[];
  /** Users U0000001..U{learners} exist; unknown ids are taken from above that range. */
  readonly learners: number;
  readonly defectRng: Rng;
  readonly lessonDefectGap: number;
  readonly quizDefectGap: number;
}

export class ActivityWriter {
  private activities = 0;
  private attempts = 0;
  private defects = 0;
  private user = '';
  private style: TimestampStyle = UTC_STYLE;
  private readonly lessonDefects: DefectSchedule<LessonDefect>;
  private readonly quizDefects: DefectSchedule<QuizDefect>;

  constructor(private readonly options: ActivityWriterOptions) {
    this.lessonDefects = new DefectSchedule(options.defectRng, LESSON_DEFECTS, options.lessonDefectGap);
    this.quizDefects = new DefectSchedule(options.defectRng, QUIZ_DEFECTS, options.quizDefectGap);
  }

  /** Dirty rows added so far, over both files. */
  get dirtyRows(): number {
    return this.defects;
  }

  startLearner(user: string, style: TimestampStyle): void {
    this.user = user;
    this.style = style;
  }

  lesson(module: number, status: string, progress: number, at: number): void {
    const id = activityId(++this.activities);
    const line = `${id},${this.user},${this.moduleId(module)},${status},${decimal2(progress)},${this.time(at)}\n`;
    this.options.lessons.push(line);
    const defect = this.lessonDefects.afterRow();
    if (defect !== null) this.addLessonDefect(defect, line, module, status, progress, at);
  }

  quiz(module: number, score: number, at: number): void {
    const id = attemptId(++this.attempts);
    const line = `${id},${this.user},${this.moduleId(module)},${decimal2(score)},${this.time(at)}\n`;
    this.options.quizzes.push(line);
    const defect = this.quizDefects.afterRow();
    if (defect !== null) this.addQuizDefect(defect, line, module, score, at);
  }

  private addLessonDefect(
    defect: LessonDefect,
    line: string,
    module: number,
    status: string,
    progress: number,
    at: number,
  ): void {
    this.defects++;
    if (defect === 'duplicate-id') {
      // A re-exported row: same id, same content.
      this.options.lessons.push(line);
      return;
    }
    let user = this.user;
    let moduleText = this.moduleId(module);
    let progressText = decimal2(progress);
    let time = this.time(at);
    if (defect === 'unparseable-date') time = this.options.defectRng.pick(UNPARSEABLE_DATES);
    if (defect === 'progress-over-100') progressText = '120';
    if (defect === 'negative-progress') progressText = '-5';
    if (defect === 'unknown-module') moduleText = this.unknownModule();
    if (defect === 'unknown-user') user = this.unknownUser();
    const id = activityId(++this.activities);
    this.options.lessons.push(`${id},${user},${moduleText},${status},${progressText},${time}\n`);
  }

  private addQuizDefect(defect: QuizDefect, line: string, module: number, score: number, at: number): void {
    this.defects++;
    if (defect === 'duplicate-id') {
      this.options.quizzes.push(line);
      return;
    }
    let user = this.user;
    let moduleText = this.moduleId(module);
    let scoreText = decimal2(score);
    let time = this.time(at);
    if (defect === 'unparseable-date') time = this.options.defectRng.pick(UNPARSEABLE_DATES);
    if (defect === 'score-over-100') scoreText = '101';
    if (defect === 'unknown-module') moduleText = this.unknownModule();
    if (defect === 'unknown-user') user = this.unknownUser();
    const id = attemptId(++this.attempts);
    this.options.quizzes.push(`${id},${user},${moduleText},${scoreText},${time}\n`);
  }

  private moduleId(module: number): string {
    const id = this.options.moduleIds[module];
    if (id === undefined) throw new Error(`no module at index ${module}`);
    return id;
  }

  private unknownModule(): string {
    return moduleId(900 + this.options.defectRng.int(0, 98));
  }

  private unknownUser(): string {
    return userId(this.options.learners + this.options.defectRng.int(1, 999));
  }

  private time(at: number): string {
    return this.options.timestamps ? timestamp(at, this.style) : usDate(Math.floor(at / SECONDS_PER_DAY));
  }
}
