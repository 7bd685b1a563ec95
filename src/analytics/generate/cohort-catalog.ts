/**
 * The fixed course presentations of the cohort style: real programmes run a course as dated
 * presentations (cohorts) with assessment deadlines, so the calendar is fixed data, not drawn from the
 * seed. Two presentations have ended by the default export date and two are running, one of each
 * completion rule in each group, so both rules have known and open outcomes.
 */
import { parseIsoDay } from './format.ts';

/** How a presentation decides a learner's result; the export only shows `modules_required`. */
export type CompletionRule =
  /** Mean of the best N assessment scores (a missing one counts 0) at least passMark. */
  | { readonly kind: 'best-n'; readonly count: number; readonly passMark: number }
  /** Every required assessment submitted, each with a score of at least passMark. */
  | { readonly kind: 'all-required'; readonly passMark: number };

export interface AssessmentSpec {
  readonly name: string;
  /** Deadline: the Thursday of this week of the presentation (week 1 starts on the start Monday). */
  readonly week: number;
  /** Added to scores; negative for hard assessments. */
  readonly ease: number;
}

export interface PresentationSpec {
  /** Course id as the LMS shows a presentation: course code plus presentation code. */
  readonly id: string;
  readonly name: string;
  readonly category: string;
  /** Monday the presentation starts, YYYY-MM-DD. */
  readonly start: string;
  readonly rule: CompletionRule;
  /** Assessed modules, in order, each with one quiz submission. */
  readonly assessments: readonly AssessmentSpec[];
  /** Unassessed modules after the assessed ones (`required` false); only in all-required courses. */
  readonly optionalModules: readonly string[];
  /** Relative share of enrolments. */
  readonly popularity: number;
}

const a = (name: string, week: number, ease: number): AssessmentSpec => ({ name, week, ease });

/** Deadlines 4-6 weeks apart: study bunches before them with quiet gaps of 3-6 weeks between. */
const C101_ASSESSMENTS: readonly AssessmentSpec[] = [
  a('What is Gender-Based Violence', 5, 6),
  a('Recognizing Signs of Abuse', 10, 2),
  a('Myths vs Facts About GBV', 14, 4),
  a('Power, Control and Consent', 18, -3),
  a('Laws and Rights Protecting Survivors', 22, -7),
  a('Listening Without Judgment', 27, 1),
  a('Safety Planning Basics', 31, -2),
  a('Referral Pathways', 35, 0),
];

export const PRESENTATIONS: readonly PresentationSpec[] = [
  {
    id: 'C101-2025B',
    name: 'Understanding GBV (February 2025)',
    category: 'GBV Awareness',
    start: '2025-02-03',
    rule: { kind: 'best-n', count: 6, passMark: 50 },
    assessments: C101_ASSESSMENTS,
    optionalModules: [],
    popularity: 0.3,
  },
  {
    id: 'C303-2025C',
    name: 'Supporting Recovery (March 2025)',
    category: 'Emotional Support',
    start: '2025-03-03',
    rule: { kind: 'all-required', passMark: 40 },
    assessments: [
      a('Emotional Support Without Overstepping', 5, 2),
      a('Understanding Trauma Responses', 11, -6),
      a('Rebuilding Trust', 16, 0),
      a('Supporting Survivors With Children', 22, -2),
      a('Recognizing Secondary Trauma', 28, -4),
      a('Boundaries, Burnout and Self-Care', 33, 3),
    ],
    optionalModules: ['Further Reading: Long-Term Allyship'],
    popularity: 0.15,
  },
  {
    id: 'C202-2025J',
    name: 'Safe Communication (October 2025)',
    category: 'Communication',
    start: '2025-10-06',
    rule: { kind: 'all-required', passMark: 40 },
    assessments: [
      a('How to Create a Safe Space', 4, 4),
      a('Words That Help vs Words That Harm', 9, 2),
      a('Responding to Disclosure Calmly', 15, -2),
      a('Confidentiality and Its Limits', 21, -5),
      a('Talking About Safety Plans', 27, -3),
      a('Communicating Across Cultures', 33, 0),
      a('Putting It Together: A Case Study', 39, -1),
    ],
    optionalModules: ['Further Reading: "Difficult Conversations", a Guide'],
    popularity: 0.2,
  },
  {
    id: 'C101-2026A',
    name: 'Understanding GBV (February 2026)',
    category: 'GBV Awareness',
    start: '2026-02-02',
    rule: { kind: 'best-n', count: 6, passMark: 50 },
    assessments: C101_ASSESSMENTS,
    optionalModules: [],
    popularity: 0.35,
  },
];

/** Results are published this long after the final deadline (marking, exam board). */
export const RESULTS_DELAY_DAYS = 14;

/** A presentation's calendar in days since the epoch. */
export interface PresentationDays {
  readonly start: number;
  readonly deadlines: readonly number[];
  /** The final deadline: `ends_at` in lms_courses.csv. */
  readonly end: number;
  /** The day passed / failed become known: status_at in lms_enrolments.csv. */
  readonly results: number;
}

export function presentationDays(spec: PresentationSpec): PresentationDays {
  const start = parseIsoDay(spec.start);
  if (start === null) throw new Error(`bad start date ${spec.start}`);
  // 1970-01-01 was a Thursday, so day numbers that are 4 mod 7 are Mondays.
  if ((((start - 4) % 7) + 7) % 7 !== 0) throw new Error(`${spec.id} does not start on a Monday`);
  const deadlines = spec.assessments.map((x) => start + (x.week - 1) * 7 + 3);
  const end = deadlines.at(-1) ?? start;
  return { start, deadlines, end, results: end + RESULTS_DELAY_DAYS };
}

/** Modules of a presentation in export order: the assessed ones, then the optional ones. */
export function moduleCount(spec: PresentationSpec): number {
  return spec.assessments.length + spec.optionalModules.length;
}
