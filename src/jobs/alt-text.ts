/**
 * What each uploaded file shows, in words, for Slack's alt_text (screen readers, and anyone whose
 * client does not load the image): a chart's title and subtitle as drawn (the Vega-Lite spec beside
 * the PNG carries both: who, as of when, how many) plus the run's key numbers where the chart is the
 * risk distribution. Reads files only; never learner names.
 */
import { basename, dirname } from 'node:path';
import { chartTitleLines, readRunSummary } from '../run-folder/index.ts';

/** "high 362, medium 67, low 173; 427 flagged at risk" from the run's run_summary.json. */
function riskNumbers(runDir: string): string | null {
  let summary: ReturnType<typeof readRunSummary>;
  try {
    summary = readRunSummary(runDir);
  } catch {
    return null;
  }
  const bands = Object.entries(summary?.bands ?? {}).map(([band, n]) => `${band} ${n}`);
  if (!summary || bands.length === 0) return null;
  const flagged = typeof summary.atRisk === 'number' ? `; ${summary.atRisk} flagged at risk` : '';
  return `Learners by risk band: ${bands.join(', ')}${flagged}`;
}

/**
 * Alt text of a chart PNG at `pngPath` (OUT/<run>/charts/<id>.png): "Chart: <title>. <subtitle>.
 * <key numbers>." The chart id stands in for a title when the spec is missing.
 */
export function chartAltText(pngPath: string): string {
  const id = basename(pngPath, '.png');
  const lines = chartTitleLines(pngPath);
  const title = lines.length ? lines : [id.replace(/-/g, ' ')];
  const numbers = id === 'risk-distribution' ? riskNumbers(dirname(dirname(pngPath))) : null;
  return `Chart: ${[...title, ...(numbers ? [numbers] : [])].join('. ')}.`;
}

/**
 * Alt text of an at-risk CSV: what it holds (counts and a date, never names). Its rows are
 * enrolments: of one course (`course`: its learners), or of several (a learner may be in each).
 */
export function atRiskCsvAltText(
  atRisk: number,
  asOf: string,
  options: { readonly course?: string | null; readonly notStarted?: number } = {},
): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const who = options.course
    ? `${plural(atRisk, 'learner')} in ${options.course}`
    : plural(atRisk, 'enrolment');
  const waiting = options.notStarted ? ` and ${options.notStarted} enrolled, not started` : '';
  return `CSV file: ${who} at risk${waiting}, as of ${asOf}, one row per enrolment with course, risk score, band and drivers.`;
}

/** Alt text of never_active.csv: how many learners registered with no activity, and when. */
export function neverActiveCsvAltText(learners: number, asOf: string): string {
  return `CSV file: ${learners} learner${learners === 1 ? '' : 's'} registered with no activity at all, as of ${asOf}, one row each with the registration date.`;
}

/** Courses named in a profile chart's alt text; the rest are counted. */
const ALT_COURSES = 5;

/**
 * Alt text of a learner's profile chart: whose (the id, never the name) and their risk in each
 * enrolment the requester may see.
 */
export function learnerChartAltText(
  learnerId: string,
  enrolments: readonly {
    readonly courseId: string;
    readonly completionProbability: number | null;
    readonly riskBand: string | null;
  }[],
): string {
  const risks = enrolments
    .filter((e) => e.completionProbability !== null)
    .map(
      (e) =>
        `${e.courseId || 'no course'} ${Math.round((1 - (e.completionProbability ?? 0)) * 100)}% (${e.riskBand ?? '?'} band)`,
    );
  const more = risks.length > ALT_COURSES ? `, and ${risks.length - ALT_COURSES} more courses` : '';
  const risk = risks.length
    ? `; risk of not completing ${risks.slice(0, ALT_COURSES).join(', ')}${more}`
    : '';
  return `Chart: weekly activity of learner ${learnerId} (sessions, lesson progress and quiz score per week)${risk}.`;
}
