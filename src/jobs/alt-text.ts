/**
 * What each uploaded file shows, in words, for Slack's alt_text (screen readers, and anyone whose
 * client does not load the image): a chart's title and subtitle as drawn (the Vega-Lite spec beside
 * the PNG carries both: who, as of when, how many) plus the run's key numbers where the chart is the
 * risk distribution. Reads files only; never learner names.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

interface SpecTitle {
  readonly text?: unknown;
  readonly subtitle?: unknown;
}

function titleOf(specPath: string): string[] {
  if (!existsSync(specPath)) return [];
  try {
    const { title } = JSON.parse(readFileSync(specPath, 'utf8')) as { title?: string | SpecTitle };
    if (typeof title === 'string') return [title];
    const lines = [title?.text, ...(Array.isArray(title?.subtitle) ? title.subtitle : [title?.subtitle])];
    return lines.filter((line): line is string => typeof line === 'string' && line.trim() !== '');
  } catch {
    return [];
  }
}

/** "high 362, medium 67, low 173; 427 flagged at risk" from the run's run_summary.json. */
function riskNumbers(runDir: string): string | null {
  try {
    const summary = JSON.parse(readFileSync(join(runDir, 'run_summary.json'), 'utf8')) as {
      atRisk?: number | null;
      bands?: Record<string, number> | null;
    };
    const bands = Object.entries(summary.bands ?? {}).map(([band, n]) => `${band} ${n}`);
    if (bands.length === 0) return null;
    const flagged = typeof summary.atRisk === 'number' ? `; ${summary.atRisk} flagged at risk` : '';
    return `Learners by risk band: ${bands.join(', ')}${flagged}`;
  } catch {
    return null;
  }
}

/**
 * Alt text of a chart PNG at `pngPath` (OUT/<run>/charts/<id>.png): "Chart: <title>. <subtitle>.
 * <key numbers>." The chart id stands in for a title when the spec is missing.
 */
export function chartAltText(pngPath: string): string {
  const id = basename(pngPath, '.png');
  const lines = titleOf(join(dirname(pngPath), `${id}.vl.json`));
  const title = lines.length ? lines : [id.replace(/-/g, ' ')];
  const numbers = id === 'risk-distribution' ? riskNumbers(dirname(dirname(pngPath))) : null;
  return `Chart: ${[...title, ...(numbers ? [numbers] : [])].join('. ')}.`;
}

/** Alt text of an at-risk CSV: what it holds (a count and a date, never names). */
export function atRiskCsvAltText(learners: number, asOf: string, where = ''): string {
  return `CSV file: ${learners} learner${learners === 1 ? '' : 's'} at risk${where}, as of ${asOf}, one row each with risk score, band and drivers.`;
}

/** Alt text of never_active.csv: how many learners registered with no activity, and when. */
export function neverActiveCsvAltText(learners: number, asOf: string): string {
  return `CSV file: ${learners} learner${learners === 1 ? '' : 's'} registered with no activity at all, as of ${asOf}, one row each with the registration date.`;
}

/** Alt text of a learner's profile chart: whose (the id, never the name) and their risk. */
export function learnerChartAltText(
  learnerId: string,
  completionProbability: number | null,
  riskBand: string | null,
): string {
  const risk =
    completionProbability === null
      ? ''
      : `; risk of not completing ${Math.round((1 - completionProbability) * 100)}% (${riskBand ?? '?'} band)`;
  return `Chart: weekly activity of learner ${learnerId} (sessions, lesson progress and quiz score per week)${risk}.`;
}
