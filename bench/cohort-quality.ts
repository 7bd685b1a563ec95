/**
 * What staff would see on a generated cohort export, judged against the generator's hidden truth:
 * label agreement (dropped labels that passed, completed labels that did not), and the list's quality
 * over the open enrolments (ranking AUC, precision of the flagged and of the top 10% per course,
 * where never-active enrolments sit). Usage:
 *   npx tsx bench/cohort-quality.ts [--learners 2000] [--seed 7] [--enrolments with|without] [--end-date D]
 * Prints one JSON object; numbers, no pass/fail (targets live in the issues and docs/BENCHMARKS.md).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { rocAuc } from '../src/analytics/model/metrics.ts';
import { generateCohort, lumen, type Row, readCsv, runFile } from './kit.ts';

const { values } = parseArgs({
  options: {
    learners: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '7' },
    enrolments: { type: 'string', default: 'without' },
    'end-date': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});

const key = (r: Row) => `${r.user_id}\t${r.course_id}`;

const work = mkdtempSync(join(tmpdir(), 'lumen-cohort-quality-'));
const data = join(work, 'data');
const out = join(work, 'out');
const truthPath = join(work, 'truth.csv');
generateCohort({
  learners: String(values.learners),
  seed: String(values.seed),
  enrolments: String(values.enrolments),
  out: data,
  truth: truthPath,
  endDate: values['end-date'],
});
lumen(['run', '--data', data, '--out', out]);

const truth = new Map(readCsv(truthPath).map((r) => [key(r), r.final_result ?? '']));
const failedTruth = (k: string) => truth.get(k) !== 'passed';
const outcomes = readCsv(runFile(out, 'learner_outcomes.csv'));
const dropped = outcomes.filter((r) => r.outcome === 'dropped');
const completed = outcomes.filter((r) => r.outcome === 'completed');
const droppedPassed = dropped.filter((r) => truth.get(key(r)) === 'passed').length;
const completedNotPassed = completed.filter((r) => truth.get(key(r)) !== 'passed').length;

const card = JSON.parse(readFileSync(runFile(out, 'model_card.json'), 'utf8'));
let list: Record<string, unknown> = { published: false };
try {
  const predictions = readCsv(runFile(out, 'ML_Prediction.csv'));
  const labels: number[] = predictions.map((r) => (failedTruth(key(r)) ? 1 : 0));
  const risks = predictions.map((r) => Number(r.risk_score));
  const flagged = predictions.filter((r) => r.at_risk === 'true');
  const byCourse = new Map<string, Row[]>();
  for (const r of predictions)
    byCourse.set(r.course_id ?? '', [...(byCourse.get(r.course_id ?? '') ?? []), r]);
  let topHits = 0;
  let topTotal = 0;
  for (const rows of byCourse.values()) {
    const top = [...rows]
      .sort((a, b) => Number(b.risk_score) - Number(a.risk_score))
      .slice(0, Math.max(1, Math.round(rows.length * 0.1)));
    topTotal += top.length;
    topHits += top.filter((r) => failedTruth(key(r))).length;
  }
  const neverActive = predictions.filter((r) => r.never_active === 'true');
  list = {
    published: true,
    openEnrolments: predictions.length,
    baseRate: labels.reduce((a, b) => a + b, 0) / labels.length,
    rankingAuc: rocAuc(labels, risks),
    flagged: flagged.length,
    flaggedShare: flagged.length / predictions.length,
    flaggedPrecision: flagged.filter((r) => failedTruth(key(r))).length / Math.max(1, flagged.length),
    top10PercentPerCoursePrecision: topHits / Math.max(1, topTotal),
    neverActiveEnrolments: neverActive.length,
    neverActiveNotPassing: neverActive.filter((r) => failedTruth(key(r))).length,
  };
} catch {
  // no list published: reported as such
}

console.log(
  JSON.stringify(
    {
      settings: values,
      enrolments: outcomes.length,
      outcomes: {
        completed: completed.length,
        dropped: dropped.length,
        open: outcomes.length - completed.length - dropped.length,
      },
      droppedLabelsThatPassed: { n: droppedPassed, share: droppedPassed / Math.max(1, dropped.length) },
      completedLabelsThatDidNotPass: {
        n: completedNotPassed,
        share: completedNotPassed / Math.max(1, completed.length),
      },
      list,
      target: card.target ?? null,
      targetNote: card.targetNote ?? null,
      outDir: values.keep ? out : undefined,
    },
    null,
    2,
  ),
);
if (!values.keep) rmSync(work, { recursive: true, force: true });
