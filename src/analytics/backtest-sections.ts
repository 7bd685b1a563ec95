/**
 * The backtest in words: OUT/backtest.md, the "Backtest" section of model_card.md and the one of
 * dashboard.html. Pure functions of a BacktestReport (null: no backtest, no section).
 */
import type {
  BacktestPoint,
  BacktestReport,
  CourseFigures,
  LeadTime,
  SliceFigures,
  WeekFigures,
} from './backtest.ts';
import { BACKTEST_AUC_TITLE } from './charts/specs/backtest-auc.ts';
import { escapeHtml, pngSize } from './html.ts';

const f3 = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v.toFixed(3));
const days = (v: number | null) => (v === null ? '-' : Number.isInteger(v) ? String(v) : v.toFixed(1));

function sliceCells(s: SliceFigures): string[] {
  return [
    String(s.ranking.enrolments),
    f3(s.ranking.baseRate),
    f3(s.ranking.modelAuc),
    f3(s.ranking.baselineAuc),
    s.list ? String(s.list.listed) : '-',
    f3(s.list?.precision),
    f3(s.list?.recall),
  ];
}

const SLICE_HEADER = ['judged', 'base rate', 'model AUC', 'baseline AUC', 'listed', 'precision', 'recall'];

function mdTable(header: readonly string[], rows: readonly string[][], rightFrom = 1): string[] {
  const align = header.map((_, i) => (i >= rightFrom ? '---:' : '---'));
  return [
    `| ${header.join(' | ')} |`,
    `| ${align.join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

function pointCells(p: BacktestPoint): string[] {
  return [
    p.asOf,
    p.listPublished
      ? p.bothClassesJudged
        ? 'yes'
        : 'yes, judged one way only'
      : `no: ${p.noListReason ?? ''}`.replaceAll('|', '/'),
    String(p.open),
    ...sliceCells(p.all),
    f3(p.cvAuc),
  ];
}

function leadTimeText(lead: LeadTime): string {
  if (lead.listedEnrolments === 0) return 'No enrolment was ever listed.';
  const spread =
    lead.enrolments === 0
      ? 'none of them has a drop-out date.'
      : `from the first listing to the drop-out date (dropped_at): median ${days(lead.medianDays)} days, quartiles ${days(lead.q1Days)}-${days(lead.q3Days)}, range ${days(lead.minDays)}-${days(lead.maxDays)}; ${lead.notAhead} of ${lead.enrolments} listed only on or after that date.`;
  return `Listed at least once: ${lead.listedEnrolments} enrolments (${lead.listedDropped} dropped, ${lead.listedCompleted} completed, ${lead.listedStillOpen} still open at the end). Lead time ${spread}`;
}

function weekRows(weeks: readonly WeekFigures[]): string[][] {
  return weeks.map((w) => [w.weeks, ...sliceCells(w)]);
}

function courseRows(courses: readonly CourseFigures[]): string[][] {
  return courses.map((c) => [c.courseId, ...sliceCells(c)]);
}

function setting(report: BacktestReport): string[] {
  const s = report.schedule;
  const o = report.finalOutcomes;
  const defaults = Object.entries(s.defaults)
    .filter(([, isDefault]) => isDefault)
    .map(([name]) => name);
  return [
    `- Export: ${report.dataDir}, events ${report.export.firstEvent} to ${report.export.lastEvent}. Outcomes at the end (as of ${report.export.outcomesAsOf}, ${report.export.enrolmentsFile ? 'from lms_enrolments.csv' : 'inferred from activity'}): ${o.completed} completed, ${o.dropped} dropped, ${o.open} still open.`,
    `- As-of dates: ${s.dates.length}, from ${s.from} to ${s.to} every ${s.everyDays} days${defaults.length ? ` (default ${defaults.join(', ')})` : ''}. At each, a model fitted on the data up to that date only scores the enrolments open then.`,
    '- Positive class: the enrolment did not complete (dropped by the end, for any reason). Enrolments still open at the end are left out of every figure.',
    "- Baseline: days since the enrolment's last activity in the course (since enrolment when never active), as of the date.",
    '- "judged": enrolments open at the date with a known outcome at the end; "listed": on the published list (at_risk), judged or not; precision and recall over the judged. "judged one way only": every judged enrolment of the date ended the same way (e.g. only withdrawals are known by the end), so its AUC is undefined and its precision says nothing.',
  ];
}

/** OUT/backtest.md. */
export function renderBacktestMarkdown(report: BacktestReport): string {
  const out: string[] = ['# Backtest: how the at-risk list would have done', '', report.verdict.text, ''];
  out.push(...setting(report), '');
  out.push('## Per as-of date', '');
  out.push(
    ...mdTable(['as of', 'list', 'open', ...SLICE_HEADER, 'CV AUC'], report.points.map(pointCells), 2),
    '',
  );
  const pooled = report.pooled;
  out.push(
    `## Pooled over the ${pooled.datesPooled} dates with a list judged both ways (${pooled.all.ranking.enrolments} date-enrolment rows, ${pooled.distinctEnrolments} enrolments, ${pooled.distinctLearners} learners)`,
    '',
    `Left out: ${pooled.datesWithoutList} dates without a list and ${pooled.datesOneClass} dates whose judged enrolments all ended the same way (their AUC is undefined and their precision says nothing: with presentations running past the end of the export, only withdrawals are known).`,
    '',
  );
  out.push('By week of course (week_index: 1 = the week of enrolment):', '');
  out.push(
    ...mdTable(
      ['week of course', ...SLICE_HEADER],
      [...weekRows(pooled.weeks), ['all', ...sliceCells(pooled.all)]],
    ),
    '',
  );
  out.push('By course:', '');
  out.push(...mdTable(['course', ...SLICE_HEADER], courseRows(pooled.courses)), '');
  if (pooled.calibration) {
    out.push('Calibration (10 equal-width bins of risk_score against the share that did not complete):', '');
    out.push(
      ...mdTable(
        ['risk', 'rows', 'mean risk', 'did not complete'],
        pooled.calibration.map((b) => [
          `${b.lower.toFixed(1)}-${b.upper.toFixed(1)}`,
          String(b.count),
          f3(b.mean_predicted),
          f3(b.observed_rate),
        ]),
      ),
      '',
    );
  }
  out.push('## Lead time', '', leadTimeText(report.leadTime), '');
  out.push(
    'Every figure, per date, course and week, is in backtest.json; the files they come from in backtest/.',
    '',
  );
  return `${out.join('\n')}\n`;
}

/** The "Backtest" section of model_card.md; '' without a backtest. */
export function backtestCardSection(report: BacktestReport | null): string {
  if (!report) return '';
  const out: string[] = [
    '## Backtest (how the list would have done: `lumen backtest`)',
    '',
    report.verdict.text,
    '',
  ];
  out.push(
    `${report.points.length} as-of dates from ${report.schedule.from} to ${report.schedule.to} (${report.pooled.datesWithList} with a list, ${report.pooled.datesPooled} of them judged both ways and pooled below), judged against the outcomes as of ${report.export.outcomesAsOf}; baseline: days since last activity. Pooled by week of course:`,
    '',
  );
  out.push(
    ...mdTable(
      ['week of course', ...SLICE_HEADER],
      [...weekRows(report.pooled.weeks), ['all', ...sliceCells(report.pooled.all)]],
    ),
    '',
  );
  out.push(
    leadTimeText(report.leadTime),
    '',
    'Per date, course and week: backtest.json and backtest.md.',
    '',
  );
  return `${out.join('\n')}\n`;
}

function htmlTable(id: string, header: readonly string[], rows: readonly string[][]): string {
  const head = header.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map(
      (r) =>
        `<tr>${r.map((c, i) => `<td${i > 0 && /^[-\d.]+$/.test(c) ? ' class="num"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<div class="table-wrap scroll"><table id="${id}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

function chartFigure(png: Buffer | null): string {
  if (!png) return '';
  const { width, height } = pngSize(png);
  // Drawn at 2x, like the run's charts: half the pixel size is the CSS size.
  return `<figure class="chart" id="chart-backtest"><img alt="${escapeHtml(BACKTEST_AUC_TITLE)}" width="${Math.round(width / 2)}" height="${Math.round(height / 2)}" src="data:image/png;base64,${png.toString('base64')}"></figure>`;
}

/** The "Backtest" section of dashboard.html; '' without a backtest. Every text is escaped. */
export function backtestDashboardSection(
  report: BacktestReport | null,
  chartPng: Buffer | null = null,
): string {
  if (!report) return '';
  const verdictClass =
    report.verdict.modelBeatsBaseline === true
      ? 'ok'
      : report.verdict.modelBeatsBaseline === false
        ? 'bad'
        : '';
  return `<section id="backtest"><h2>Backtest: how the list would have done</h2>
<p class="${verdictClass}">${escapeHtml(report.verdict.text)}</p>
<p>${escapeHtml(`${report.points.length} as-of dates from ${report.schedule.from} to ${report.schedule.to}, judged against the outcomes as of ${report.export.outcomesAsOf}; enrolments still open then are left out. Baseline: days since last activity.`)}</p>
${chartFigure(chartPng)}
<h3>By week of course</h3>
${htmlTable('backtest-weeks', ['week of course', ...SLICE_HEADER], [...weekRows(report.pooled.weeks), ['all', ...sliceCells(report.pooled.all)]])}
<h3>Per as-of date</h3>
${htmlTable('backtest-dates', ['as of', 'list', 'open', ...SLICE_HEADER, 'CV AUC'], report.points.map(pointCells))}
<p>${escapeHtml(leadTimeText(report.leadTime))}</p></section>`;
}
