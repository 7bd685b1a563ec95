/**
 * The list staff would have had in the middle of a generated export's window (issue 14's check): the
 * default (self-paced) generator, scored as of a mid-window date with only the data known then, and
 * judged against the outcomes a run at the export's end knows. Prints the listed share (the capacity
 * is LUMEN_LIST_SIZE, 10% by default), the list's precision (listed enrolments that did not complete:
 * over those decided by the end, and counting the still-open as not completed), and the prospective
 * ranking AUC over the enrolments open at mid-window and decided by the end. Usage:
 *   npx tsx bench/mid-window.ts [--learners 2000] [--seed 5] [--as-of 2026-03-29] [--end-date 2026-06-28] [--keep]
 * Prints one JSON object; numbers, no pass/fail (targets live in the issues and docs/BENCHMARKS.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { rocAuc } from '../src/analytics/model/metrics.ts';
import { lumen, type Row, readCsv, runFile } from './kit.ts';

const { values } = parseArgs({
  options: {
    learners: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '5' },
    'as-of': { type: 'string', default: '2026-03-29' },
    'end-date': { type: 'string', default: '2026-06-28' },
    keep: { type: 'boolean', default: false },
  },
});
const key = (r: Row) => `${r.user_id}\t${r.course_id}`;
const work = mkdtempSync(join(tmpdir(), 'lumen-mid-window-'));
const data = join(work, 'data');
const generate = ['--learners', String(values.learners), '--seed', String(values.seed)];
lumen(['generate', ...generate, '--end-date', String(values['end-date']), '--out', data], 'pipe');
const end = join(work, 'end');
lumen(['run', '--data', data, '--out', end], 'pipe');
const mid = join(work, 'mid');
lumen(['run', '--data', data, '--out', mid, '--as-of', String(values['as-of'])], 'pipe');

const finalOutcome = new Map(readCsv(runFile(end, 'learner_outcomes.csv')).map((r) => [key(r), r.outcome]));
const predictions = readCsv(runFile(mid, 'ML_Prediction.csv'));
const decided = predictions.filter((p) => ['completed', 'dropped'].includes(finalOutcome.get(key(p)) ?? ''));
const listed = predictions.filter((p) => p.at_risk === 'true');
const listedDecided = listed.filter((p) => decided.includes(p));
const notCompleted = (p: Row) => finalOutcome.get(key(p)) !== 'completed';
console.log(
  JSON.stringify(
    {
      settings: values,
      open: predictions.length,
      decidedByEnd: decided.length,
      droppedShareOfDecided:
        decided.filter((p) => finalOutcome.get(key(p)) === 'dropped').length / Math.max(1, decided.length),
      target: predictions[0]?.target ?? null,
      listed: listed.length,
      listedShare: listed.length / Math.max(1, predictions.length),
      listPrecisionDecided: listedDecided.filter(notCompleted).length / Math.max(1, listedDecided.length),
      listPrecisionOpenCountsAsNotCompleted: listed.filter(notCompleted).length / Math.max(1, listed.length),
      prospectiveAuc: rocAuc(
        decided.map((p) => (notCompleted(p) ? 1 : 0)),
        decided.map((p) => Number(p.risk_score)),
      ),
    },
    null,
    2,
  ),
);
if (values.keep) console.error(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });
