/**
 * OUT/dashboard.html: one self-contained page (no network: charts as PNG data URIs, CSS and a little
 * vanilla JS inline, and a Content-Security-Policy that forbids fetching anything) with the run's
 * KPIs, charts, the at-risk table, the data-quality summary and the model card. Every number comes from
 * the input; every text that comes from data is HTML-escaped.
 */

import type { AnalysisResult } from './analysis-types.ts';
import type { BacktestReport } from './backtest.ts';
import { backtestDashboardSection } from './backtest-sections.ts';
import type { Overview } from './charts/index.ts';
import { escapeHtml, pngSize } from './html.ts';
import { COMPLETION_RATE, completionRate } from './kpis.ts';
import { type ModelCard, weakListText } from './model/card.ts';
import type { RiskBand } from './model/score.ts';
import type { NeverActiveLearner } from './prediction-csv.ts';
import type { DataQualityReport } from './validate.ts';

export interface DashboardKpis {
  /** Learners the model was trained on (completed + dropped); null without a model. */
  readonly learnersModelled: number | null;
  /** Open learners that were scored; null when no list was published. */
  readonly learnersScored: number | null;
  readonly activeThisWeek: number;
  /** COMPLETION_RATE (kpis.ts); null when no enrolment has finished either way. */
  readonly completionRate: number | null;
  readonly atRiskCount: number | null;
  /** The at-risk count of the previous run, for the change; null when there was none. */
  readonly previousAtRiskCount: number | null;
  readonly cvAuc: number | null;
  readonly gate: { readonly reliable: boolean; readonly reasons: readonly string[] } | null;
}

export interface AtRiskRow {
  readonly userId: string;
  readonly name: string;
  readonly department: string;
  readonly courseId: string;
  /** Enrolled, no activity in the course yet: listed first in its course. */
  readonly neverActive: boolean;
  readonly riskScore: number;
  readonly riskBand: RiskBand;
  readonly drivers: readonly string[];
}

export interface DashboardChart {
  readonly name: string;
  readonly title: string;
  readonly png: Buffer;
}

export interface DashboardInput {
  readonly asOf: string;
  readonly kpis: DashboardKpis;
  readonly charts: readonly DashboardChart[];
  readonly atRisk: readonly AtRiskRow[];
  /** Why there is no at-risk list, when there is none. */
  readonly noListReason: string | null;
  /** What the list ranks, in words (the model's target). */
  readonly target?: string | null;
  /** Set when the list is weak (ModelCard.weakList): the plain words staff read above it. */
  readonly weakList?: string | null;
  readonly quality: DataQualityReport;
  readonly card: ModelCard | null;
  /** Learners registered with no activity at all (never_active.csv), newest registrations first. */
  readonly neverActive: readonly NeverActiveLearner[];
  /** OUT/backtest.json when `lumen backtest` wrote one there: its section follows the model card's. */
  readonly backtest?: BacktestReport | null;
  /** Its chart (charts/backtest.png). */
  readonly backtestChart?: Buffer | null;
}

const count = (n: number | null) => (n === null ? '–' : n.toLocaleString('en-US'));
const fixed = (n: number | null | undefined, digits: number) =>
  n === null || n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(digits);
const percent = (n: number | null) => (n === null ? '–' : `${(n * 100).toFixed(1)}%`);

function atRiskChange(kpis: DashboardKpis): string {
  if (kpis.atRiskCount === null) return 'no at-risk list this run';
  if (kpis.previousAtRiskCount === null) return 'no previous run to compare';
  const change = kpis.atRiskCount - kpis.previousAtRiskCount;
  if (change === 0) return 'no change since the previous run';
  return `${change > 0 ? '+' : '−'}${Math.abs(change).toLocaleString('en-US')} since the previous run`;
}

function kpiCard(id: string, label: string, value: string, note: string): string {
  return `<div class="kpi" id="kpi-${id}"><div class="kpi-label">${escapeHtml(label)}</div><div class="kpi-value">${escapeHtml(value)}</div><div class="kpi-note">${escapeHtml(note)}</div></div>`;
}

function kpiSection(kpis: DashboardKpis): string {
  const gate = kpis.gate;
  const gateText = gate === null ? 'no model' : gate.reliable ? 'gate passed' : 'gate failed';
  return `<section class="kpis" aria-label="Key figures">${[
    kpiCard(
      'learners-modelled',
      'Learners modelled',
      count(kpis.learnersModelled),
      kpis.learnersScored === null
        ? 'no open learners scored'
        : `${count(kpis.learnersScored)} open learners scored`,
    ),
    kpiCard(
      'active',
      'Active this week',
      count(kpis.activeThisWeek),
      'learners with an event in the last 7 days',
    ),
    kpiCard('completion', COMPLETION_RATE.name, percent(kpis.completionRate), COMPLETION_RATE.definition),
    kpiCard('at-risk', 'At risk', count(kpis.atRiskCount), atRiskChange(kpis)),
    kpiCard('auc', 'CV ROC AUC', fixed(kpis.cvAuc, 3), gateText),
  ].join('')}</section>`;
}

function chartSection(charts: readonly DashboardChart[]): string {
  if (charts.length === 0) return '<section><h2>Charts</h2><p>No charts were drawn.</p></section>';
  const figures = charts.map((chart) => {
    const { width, height } = pngSize(chart.png);
    // The PNGs are drawn at 2x: half their pixel size is their CSS size, sharp on high-DPI screens.
    return `<figure class="chart" id="chart-${escapeHtml(chart.name)}"><img alt="${escapeHtml(chart.title)}" width="${Math.round(width / 2)}" height="${Math.round(height / 2)}" src="data:image/png;base64,${chart.png.toString('base64')}"></figure>`;
  });
  return `<section><h2>Charts</h2><div class="charts">${figures.join('')}</div></section>`;
}

const BANDS: readonly RiskBand[] = ['high', 'medium', 'low'];

function atRiskSection(
  rows: readonly AtRiskRow[],
  noListReason: string | null,
  target?: string | null,
  weakList?: string | null,
): string {
  if (noListReason !== null) {
    return `<section><h2>At-risk learners</h2><p class="notice">No at-risk list: ${escapeHtml(noListReason)}</p></section>`;
  }
  const header = [
    ['userId', 'Learner', 'text'],
    ['name', 'Name', 'text'],
    ['department', 'Department', 'text'],
    ['course', 'Course', 'text'],
    ['risk', 'Risk', 'number'],
    ['band', 'Band', 'band'],
    ['drivers', 'Drivers', 'text'],
  ]
    .map(
      ([key, label, type]) =>
        `<th scope="col" data-key="${key}" data-type="${type}" aria-sort="none"><button type="button">${label}</button></th>`,
    )
    .join('');
  const body = rows
    .map((r) => {
      const band = BANDS.indexOf(r.riskBand);
      return `<tr data-band="${escapeHtml(r.riskBand)}" data-course="${escapeHtml(r.courseId)}"><td>${escapeHtml(r.userId)}</td><td>${escapeHtml(r.name)}</td><td>${escapeHtml(r.department)}</td><td>${escapeHtml(r.courseId)}</td><td class="num" data-value="${r.riskScore}">${(r.riskScore * 100).toFixed(0)}%</td><td data-value="${band}"><span class="band band-${escapeHtml(r.riskBand)}">${escapeHtml(r.riskBand)}</span></td><td>${r.drivers.map(escapeHtml).join('<br>')}</td></tr>`;
    })
    .join('');
  const options = ['<option value="">all bands</option>']
    .concat(BANDS.map((b) => `<option value="${b}">${b}</option>`))
    .join('');
  const courses = [...new Set(rows.map((r) => r.courseId))].sort();
  const courseOptions = ['<option value="">all courses</option>']
    .concat(courses.map((c) => `<option value="${escapeHtml(c)}">${escapeHtml(c)}</option>`))
    .join('');
  return `<section><h2>At-risk learners (${rows.length.toLocaleString('en-US')})</h2>
${target ? `<p>Each course's list: learners who have not started, then the enrolments at highest risk that ${escapeHtml(target)}, sized to the course (LUMEN_LIST_SIZE).</p>` : ''}
${weakList ? `<p class="notice" id="weak-list">${escapeHtml(weakList)}</p>` : ''}
<div class="filters"><label>Filter <input type="search" id="risk-filter" placeholder="name, department, driver…"></label>
<label>Course <select id="course-filter">${courseOptions}</select></label>
<label>Band <select id="band-filter">${options}</select></label> <span id="risk-shown" aria-live="polite"></span></div>
<div class="table-wrap scroll"><table id="at-risk"><thead><tr>${header}</tr></thead><tbody>${body}</tbody></table></div>
${rows.length === 0 ? '<p>No learner is above the at-risk threshold.</p>' : ''}</section>`;
}

function neverActiveSection(learners: readonly NeverActiveLearner[]): string {
  if (learners.length === 0) return '';
  const body = learners
    .map(
      (l) =>
        `<tr><td>${escapeHtml(l.userId)}</td><td>${escapeHtml(`${l.firstName} ${l.lastName}`.trim())}</td><td>${escapeHtml(l.department)}</td><td>${escapeHtml(l.registeredOn ?? 'unknown')}</td><td class="num">${l.daysSinceRegistration === null ? '–' : l.daysSinceRegistration}</td></tr>`,
    )
    .join('');
  return `<section><h2>Registered, never active (${learners.length.toLocaleString('en-US')})</h2>
<p>Learners with a user account and no lesson or quiz activity at all: the strongest early warning there is. Newest registrations first.</p>
<div class="table-wrap scroll"><table id="never-active"><thead><tr><th scope="col">Learner</th><th scope="col">Name</th><th scope="col">Department</th><th scope="col">Registered</th><th scope="col">Days since</th></tr></thead><tbody>${body}</tbody></table></div></section>`;
}

function qualitySection(report: DataQualityReport): string {
  const files = report.files
    .map((f) => {
      const reasons = f.excluded
        .filter((e) => e.rows > 0)
        .map((e) => `${escapeHtml(e.label)} (${escapeHtml(e.column)}): ${e.rows.toLocaleString('en-US')}`)
        .join('<br>');
      return `<tr><td>${escapeHtml(f.file)}</td><td class="num">${f.rowsRead.toLocaleString('en-US')}</td><td class="num">${f.rowsKept.toLocaleString('en-US')}</td><td class="num">${f.rowsExcluded.toLocaleString('en-US')}</td><td>${reasons || '–'}</td></tr>`;
    })
    .join('');
  const warnings =
    report.warnings.length === 0
      ? '<p>No warnings.</p>'
      : `<ul>${report.warnings
          .map(
            (w) =>
              `<li>${escapeHtml(w.file)}: ${escapeHtml(w.check)} (${w.rows.toLocaleString('en-US')} rows)</li>`,
          )
          .join('')}</ul>`;
  return `<section><h2>Data quality</h2>
<p>As of ${escapeHtml(report.asOf)} (${escapeHtml(report.asOfSource)}), time zone ${escapeHtml(report.timeZone)}.
Learners kept: ${report.learners.kept.toLocaleString('en-US')}, staff excluded: ${report.learners.staffExcluded.toLocaleString('en-US')}, with activity: ${report.learners.active.toLocaleString('en-US')}.</p>
<div class="table-wrap"><table class="quality"><thead><tr><th scope="col">File</th><th scope="col">Rows read</th><th scope="col">Kept</th><th scope="col">Excluded</th><th scope="col">Exclusion reasons</th></tr></thead><tbody>${files}</tbody></table></div>
<h3>Warnings</h3>${warnings}</section>`;
}

function modelSection(card: ModelCard | null): string {
  if (!card) return '<section><h2>Model</h2><p>No model was trained in this run.</p></section>';
  const e = card.evaluation;
  const topEffects = [...card.coefficients]
    .sort((a, b) => Math.abs(b.coef) - Math.abs(a.coef))
    .slice(0, 5)
    .map((c) => `<li>${escapeHtml(c.feature)}: odds ratio ${fixed(c.oddsRatioPerSd, 2)} per SD</li>`)
    .join('');
  const gate = card.reliable
    ? '<span class="ok">passed</span>'
    : `<span class="bad">failed</span>: ${card.gateReasons.map(escapeHtml).join(' ')}`;
  const rows: [string, string][] = [
    ['Model version', escapeHtml(card.modelVersion ?? 'none')],
    ['Trained at', escapeHtml(card.trainedAt)],
    ['Data as of', escapeHtml(card.dataAsOf)],
    ['Quality gate', gate],
    [
      'Training learners',
      `${card.training.learners.completed.toLocaleString('en-US')} completed, ${card.training.learners.dropped.toLocaleString('en-US')} dropped (${card.training.rows.toLocaleString('en-US')} learner-weeks)`,
    ],
    ['Base rate (completed rows)', fixed(card.training.baseRate, 3)],
  ];
  if (e) {
    rows.push(
      ['CV ROC AUC', `${fixed(e.cvAuc, 3)} (folds: ${e.foldAucs.map((a) => fixed(a, 3)).join(', ')})`],
      ['PR AUC (completed)', fixed(e.prAuc, 3)],
      ['Brier score', fixed(e.brier, 3)],
      ['At-risk threshold', `risk ≥ ${fixed(e.threshold, 3)} (F1 ${fixed(e.thresholdF1, 3)})`],
    );
  }
  return `<section><h2>Model card</h2><table class="card"><tbody>${rows
    .map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${v}</td></tr>`)
    .join(
      '',
    )}</tbody></table>${topEffects ? `<h3>Strongest effects</h3><ul>${topEffects}</ul>` : ''}</section>`;
}

const CSS = `
:root { --ink:#1a1a1a; --muted:#555; --line:#ddd; --bg:#f6f6f4; --high:#D55E00; --medium:#E69F00; --low:#56B4E9; }
* { box-sizing: border-box; }
body { margin:0; font-family: "DejaVu Sans", Verdana, system-ui, sans-serif; color:var(--ink); background:var(--bg); }
header { padding:16px 24px; background:#fff; border-bottom:1px solid var(--line); }
header h1 { margin:0; font-size:22px; } header p { margin:4px 0 0; color:var(--muted); }
main { padding:16px 24px; max-width:1400px; }
section { background:#fff; border:1px solid var(--line); border-radius:6px; padding:12px 16px; margin:0 0 16px; }
h2 { font-size:18px; margin:4px 0 12px; } h3 { font-size:15px; margin:12px 0 6px; }
.kpis { display:grid; grid-template-columns:repeat(auto-fit,minmax(180px,1fr)); gap:12px; background:none; border:0; padding:0; }
.kpi { background:#fff; border:1px solid var(--line); border-radius:6px; padding:12px 16px; }
.kpi-label { color:var(--muted); font-size:13px; } .kpi-value { font-size:28px; font-weight:bold; margin:4px 0; }
.kpi-note { color:var(--muted); font-size:12px; }
.charts { display:flex; flex-wrap:wrap; gap:16px; } .chart { margin:0; max-width:100%; }
.chart img { max-width:100%; height:auto; }
.table-wrap { overflow-x:auto; }
.table-wrap.scroll { max-height:560px; overflow-y:auto; }
.table-wrap.scroll thead th { position:sticky; top:0; background:#fff; z-index:1; }
table { border-collapse:collapse; width:100%; font-size:13px; }
th, td { text-align:left; padding:6px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
td.num { text-align:right; font-variant-numeric:tabular-nums; }
th button { font:inherit; font-weight:bold; background:none; border:0; padding:0; cursor:pointer; color:inherit; }
th[aria-sort="ascending"] button::after { content:" ▲"; } th[aria-sort="descending"] button::after { content:" ▼"; }
.filters { display:flex; gap:16px; align-items:center; margin-bottom:8px; flex-wrap:wrap; }
.band { padding:1px 6px; border-radius:3px; color:#000; }
.band-high { background:var(--high); color:#fff; } .band-medium { background:var(--medium); } .band-low { background:var(--low); }
.ok { color:#007a55; font-weight:bold; } .bad { color:#b34700; font-weight:bold; }
.notice { padding:8px 12px; background:#fff4e0; border-left:4px solid var(--medium); }
table.card th { width:220px; }
`;

/** Sorting (click a header; again to reverse) and filtering (text and band) of the at-risk table. */
const SCRIPT = `
(function () {
  var table = document.getElementById('at-risk');
  if (!table) return;
  var body = table.tBodies[0];
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  function cellValue(row, index, type) {
    var cell = row.cells[index];
    if (type === 'number' || type === 'band') return Number(cell.getAttribute('data-value'));
    return cell.textContent.toLowerCase();
  }
  headers.forEach(function (th, index) {
    th.querySelector('button').addEventListener('click', function () {
      var type = th.getAttribute('data-type');
      var ascending = th.getAttribute('aria-sort') !== 'ascending';
      headers.forEach(function (h) { h.setAttribute('aria-sort', 'none'); });
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = cellValue(a, index, type), y = cellValue(b, index, type);
        var order = x < y ? -1 : x > y ? 1 : 0;
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  var text = document.getElementById('risk-filter');
  var band = document.getElementById('band-filter');
  var course = document.getElementById('course-filter');
  var shown = document.getElementById('risk-shown');
  function filter() {
    var needle = text.value.trim().toLowerCase();
    var wanted = band.value;
    var wantedCourse = course.value;
    var visible = 0;
    Array.prototype.forEach.call(body.rows, function (row) {
      var show = (!wanted || row.getAttribute('data-band') === wanted) &&
        (!wantedCourse || row.getAttribute('data-course') === wantedCourse) &&
        (!needle || row.textContent.toLowerCase().indexOf(needle) !== -1);
      row.hidden = !show;
      if (show) visible++;
    });
    shown.textContent = visible + ' of ' + body.rows.length + ' shown';
  }
  text.addEventListener('input', filter);
  band.addEventListener('change', filter);
  course.addEventListener('change', filter);
  filter();
})();
`;

export function buildDashboard(input: DashboardInput): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>Lumen dashboard · as of ${escapeHtml(input.asOf)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>Lumen learning analytics</h1><p>Data as of <time id="as-of" datetime="${escapeHtml(input.asOf)}">${escapeHtml(input.asOf)}</time></p></header>
<main>
${kpiSection(input.kpis)}
${atRiskSection(input.atRisk, input.noListReason, input.target, input.weakList)}
${neverActiveSection(input.neverActive)}
${chartSection(input.charts)}
${qualitySection(input.quality)}
${modelSection(input.card)}
${backtestDashboardSection(input.backtest ?? null, input.backtestChart ?? null)}
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/**
 * The at-risk enrolments from the scores and the learners' names: by course, never-active enrolments
 * first, then highest risk first.
 */
export function atRiskRows(result: Pick<AnalysisResult, 'scores' | 'learnerInfo'>): AtRiskRow[] {
  return (result.scores ?? [])
    .filter((s) => s.atRisk || s.neverActive)
    .sort(
      (a, b) =>
        a.courseId.localeCompare(b.courseId) ||
        Number(b.neverActive) - Number(a.neverActive) ||
        b.riskScore - a.riskScore,
    )
    .map((s) => {
      const info = result.learnerInfo.get(s.userId);
      return {
        userId: s.userId,
        name: [info?.firstName, info?.lastName].filter(Boolean).join(' '),
        department: info?.department ?? '',
        courseId: s.courseId,
        neverActive: s.neverActive,
        riskScore: s.riskScore,
        riskBand: s.riskBand,
        drivers: s.drivers.map((d) => d.text),
      };
    });
}

/** Everything buildDashboard needs from one run. */
export function dashboardInputFromAnalysis(
  result: Pick<
    AnalysisResult,
    'report' | 'train' | 'card' | 'artifact' | 'scores' | 'learnerInfo' | 'noListReason' | 'neverActive'
  >,
  overview: Overview,
  charts: readonly DashboardChart[],
  previousAtRiskCount: number | null,
): DashboardInput {
  const training = result.train?.learners ?? result.card?.training.learners ?? null;
  const artifactTraining = result.artifact?.training;
  const learnersModelled = training
    ? training.completed + training.dropped
    : artifactTraining
      ? artifactTraining.completedLearners + artifactTraining.droppedLearners
      : null;
  const atRisk = atRiskRows(result);
  const gate = result.train?.gate ?? result.artifact?.gate ?? null;
  return {
    asOf: result.report.asOf,
    kpis: {
      learnersModelled,
      learnersScored: result.scores ? result.scores.length : null,
      activeThisWeek: overview.active_last_7_days,
      completionRate: completionRate(overview.enrolments_completed, overview.enrolments_dropped),
      atRiskCount: result.scores ? atRisk.length : null,
      previousAtRiskCount,
      cvAuc: result.train?.evaluation?.cvAuc ?? result.artifact?.metrics?.cvAuc ?? null,
      gate,
    },
    charts,
    atRisk,
    noListReason: result.scores ? null : (result.noListReason ?? 'no learners were scored'),
    target: result.artifact
      ? (result.artifact.target === 'disengagement'
          ? 'goes quiet or scores low in the coming weeks'
          : 'does not complete the course') +
        (result.artifact.silenceOnly
          ? ', ranked by days since the last activity alone (the model fitted on every feature did no better; see the model card)'
          : '')
      : null,
    weakList: result.card?.weakList ? weakListText(result.card.weakList.cvAuc) : null,
    quality: result.report,
    card: result.card,
    neverActive: result.neverActive,
  };
}
