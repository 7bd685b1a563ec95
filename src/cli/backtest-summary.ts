/** The terminal summary of `lumen backtest`: the verdict, one line per as-of date, and the files. */
import type { BacktestReport } from '../analytics/backtest.ts';

const f3 = (v: number | null | undefined) => (v === null || v === undefined ? '  -  ' : v.toFixed(3));

export function formatBacktestSummary(report: BacktestReport, files: readonly string[]): string {
  const out: string[] = [report.verdict.text, ''];
  out.push('as of       list  judged  base rate  model AUC  baseline AUC  listed  precision');
  for (const p of report.points) {
    const r = p.all.ranking;
    out.push(
      [
        p.asOf,
        p.listPublished ? (p.bothClassesJudged ? 'yes ' : 'yes*') : 'no  ',
        String(r.enrolments).padStart(6),
        `    ${f3(r.baseRate)}`,
        `    ${f3(r.modelAuc)}`,
        `       ${f3(r.baselineAuc)}`,
        String(p.all.list?.listed ?? '-').padStart(6),
        `     ${f3(p.all.list?.precision)}`,
      ].join('  '),
    );
  }
  if (report.points.some((p) => p.listPublished && !p.bothClassesJudged))
    out.push(
      '* judged one way only: every judged enrolment ended the same way (no AUC; precision says nothing)',
    );
  const perDate = files.filter((f) => /[/\\]backtest[/\\]/.test(f)).length;
  out.push('', 'Files:');
  for (const file of files.filter((f) => !/[/\\]backtest[/\\]/.test(f))) out.push(`  ${file}`);
  out.push(
    `  ... and ${perDate} files under backtest/ (each date's ML_Prediction.csv and learner_outcomes.csv)`,
  );
  return `${out.join('\n')}\n`;
}
