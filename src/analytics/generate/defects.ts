/**
 * When to add a dirty row. The gap to the next one is drawn as rows go by, so nothing about past
 * rows has to be kept, and the kinds take turns so that even a small export has each of them.
 */
import type { Rng } from './random.ts';

export type LessonDefect =
  | 'unparseable-date'
  | 'progress-over-100'
  | 'negative-progress'
  | 'unknown-module'
  | 'unknown-user'
  | 'duplicate-id';

export type QuizDefect =
  | 'unparseable-date'
  | 'score-over-100'
  | 'unknown-module'
  | 'unknown-user'
  | 'duplicate-id';

export const LESSON_DEFECTS: readonly LessonDefect[] = [
  'unparseable-date',
  'progress-over-100',
  'unknown-module',
  'negative-progress',
  'unknown-user',
  'duplicate-id',
];

export const QUIZ_DEFECTS: readonly QuizDefect[] = [
  'score-over-100',
  'unparseable-date',
  'unknown-module',
  'unknown-user',
  'duplicate-id',
];

/** Date texts no date parser should accept. */
export const UNPARSEABLE_DATES: readonly string[] = [
  '2/30/2026',
  '13/45/2026',
  'not a date',
  '0000-00-00',
  '#N/A',
];

/** Aim: about 1 dirty row in 2000 (0.05%), but at least `minimum` in an export of the expected size. */
export function meanDefectGap(expectedRows: number, minimum: number): number {
  return Math.max(2, Math.min(2000, expectedRows / minimum));
}

export class DefectSchedule<Kind> {
  private countdown: number;
  private turn: number;

  constructor(
    private readonly rng: Rng,
    private readonly kinds: readonly Kind[],
    private readonly meanGap: number,
  ) {
    this.turn = rng.int(0, kinds.length - 1);
    this.countdown = this.nextGap();
  }

  /** Called once per clean row: the kind of dirty row to add after it, or null. */
  afterRow(): Kind | null {
    this.countdown--;
    if (this.countdown > 0) return null;
    this.countdown = this.nextGap();
    const kind = this.kinds[this.turn % this.kinds.length] ?? null;
    this.turn++;
    return kind;
  }

  private nextGap(): number {
    return 1 + Math.floor(this.rng.exponential(this.meanGap - 1));
  }
}
