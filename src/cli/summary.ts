/**
 * The short terminal summary of an analysis run: counts, model quality and gate, the top at-risk
 * learners with their drivers, and where the files are. Learner names appear here because the
 * person at the terminal ran the pipeline on their own export; nothing of this is logged elsewhere.
 */
import type { AnalysisResult } from '../analytics/analysis.ts';
import { COMPLETION_RATE, completionRate } from '../analytics/kpis.ts';

export function formatRunSummary(result: AnalysisResult, top = 10): string {
  const out: string[] = [];
  const { report } = result;
  out.push(
    `Data as of ${report.asOf}: ${report.learners.active} active learners (${report.learners.staffExcluded} staff accounts excluded)`,
  );
  const excluded = report.files.reduce((sum, f) => sum + f.rowsExcluded, 0);
  out.push(`  rows excluded: ${excluded} (see data_quality.json); learner-weeks: ${result.featureRows}`);
  const o = result.outcomes;
  const rate = completionRate(o.completed ?? 0, o.dropped ?? 0);
  out.push(
    `  enrolment outcomes (${report.enrolmentsFile ? 'from lms_enrolments.csv' : 'inferred from activity'}): ${o.completed ?? 0} completed, ${o.dropped ?? 0} dropped, ${o.open ?? 0} open; ${COMPLETION_RATE.name.toLowerCase()} ${rate === null ? 'n/a' : `${(rate * 100).toFixed(1)}%`} (${COMPLETION_RATE.definition})`,
  );
  const card = result.card;
  if (card) {
    const e = card.evaluation;
    out.push(
      `Model ${card.modelVersion ?? '(not fitted)'}: ${card.training.rows} training rows, ${card.training.learners.completed} completed / ${card.training.learners.dropped} dropped enrolments`,
    );
    if (e) {
      out.push(
        `  CV ROC AUC ${e.cvAuc.toFixed(3)} (folds ${e.foldAucs.map((a) => a.toFixed(3)).join(', ')}), PR AUC ${e.prAuc.toFixed(3)}, Brier ${e.brier.toFixed(3)}${e.baselineAuc === null ? '' : `; days since last activity alone: ${e.baselineAuc.toFixed(3)}`}`,
      );
    }
    out.push(`  quality gate: ${card.reliable ? 'passed' : 'FAILED'}`);
    for (const reason of card.gateReasons) out.push(`    ${reason}`);
  }
  if (result.scoredWith) out.push(result.scoredWith);
  if (result.scores) {
    const atRisk = result.scores.filter((s) => s.atRisk).length;
    const bands = { high: 0, medium: 0, low: 0 };
    for (const s of result.scores) bands[s.riskBand]++;
    out.push(
      `Open enrolments scored: ${result.scores.length} (${result.scores.filter((s) => s.neverActive).length} never active); on the course lists: ${atRisk} (target: ${result.artifact?.target ?? '-'}); bands: ${bands.high} high, ${bands.medium} medium, ${bands.low} low`,
    );
    out.push(`Top ${Math.min(top, result.scores.length)} at-risk enrolments:`);
    for (const s of result.scores.slice(0, top)) {
      const info = result.learnerInfo.get(s.userId);
      const name = info ? `${info.firstName} ${info.lastName}`.trim() : '';
      out.push(
        `  ${s.userId.padEnd(10)} ${name.padEnd(24).slice(0, 24)} ${s.courseId.padEnd(12).slice(0, 12)} risk ${(s.riskScore * 100).toFixed(0).padStart(3)}% ${s.riskBand.padEnd(6)} ${s.drivers.map((d) => d.text).join('; ')}`,
      );
    }
  } else if (result.noListReason) {
    out.push(`No at-risk list published: ${result.noListReason}`);
  }
  out.push('Files:');
  const charts = result.files.filter((f) => /[\\/]charts[\\/]/.test(f));
  for (const file of result.files.filter((f) => !charts.includes(f))) out.push(`  ${file}`);
  if (charts.length > 0) {
    out.push(
      `  ${charts[0]?.replace(/[\\/]charts[\\/].*$/, '/charts/')} (${charts.length / 2} charts, PNG + Vega-Lite spec)`,
    );
  }
  return `${out.join('\n')}\n`;
}
