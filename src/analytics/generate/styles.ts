/** The synthetic export's styles (`lumen generate --style`): apart, so the CLI's options load nothing else. */
export type GenerateStyle = 'default' | 'cohort';
export const GENERATE_STYLES: readonly GenerateStyle[] = ['default', 'cohort'];
/**
 * How the cohort style's learners study: `bursty` (the default) only in the fortnight before each
 * deadline, so early weeks say little; `steady` most weeks, more the more engaged, busier before
 * deadlines, fading before they stop (the shape published analyses of distance-learning clickstreams
 * report), so early activity already separates those who will finish.
 */
export type StudyPattern = 'bursty' | 'steady';
export const STUDY_PATTERNS: readonly StudyPattern[] = ['bursty', 'steady'];
