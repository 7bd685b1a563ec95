/**
 * `lumen backtest`: replays the pipeline at past as-of dates and judges each date's list against the
 * outcomes known at the end of the export. Every date is an ordinary runAnalysis with that as-of
 * (events after it left out, enrolment statuses dated after it read as still active, a model fitted
 * on the data up to it), so the backtest shares the model, the gate and the list with `lumen run`
 * instead of copying them. The figures come from the files those runs wrote (ML_Prediction.csv,
 * learner_outcomes.csv), kept under OUT/backtest/<date>/ so anyone can recompute them.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { LumenError } from '../errors.ts';
import { runAnalysis } from './analysis.ts';
import {
  BACKTEST_DIR,
  BACKTEST_END_DIR,
  BACKTEST_JSON,
  BACKTEST_MD,
  type BacktestReport,
  type BacktestRunInput,
  backtestSchedule,
  buildBacktestReport,
  type Outcome,
  type OutcomeRow,
  type PredictionRow,
} from './backtest.ts';
import { renderBacktestMarkdown } from './backtest-sections.ts';
import { writeBacktestChart } from './charts/backtest-chart.ts';
import { parseCsvSafe } from './csv-safe.ts';
import { OutputStage } from './output.ts';
import type { StageReporter } from './pipeline.ts';
import { lastCompleteWeekEnd } from './weeks.ts';

export interface BacktestProgress {
  /** Dates finished so far (0 when the first starts) and in all. */
  readonly done: number;
  readonly total: number;
  /** The date that starts (phase 'start') or has just finished ('done'). */
  readonly asOf: string;
  readonly phase: 'start' | 'done';
  /** With 'done': whether that date published a list. */
  readonly listPublished?: boolean;
}

export interface BacktestOptions {
  readonly dataDir: string;
  readonly outDir: string;
  /** YYYY-MM-DD; defaults in backtestSchedule. */
  readonly from?: string | null;
  readonly to?: string | null;
  readonly everyDays?: number | null;
  /** Stages outside the per-date loop (the end's outcomes, the report). */
  readonly onStage?: StageReporter;
  readonly onProgress?: (progress: BacktestProgress) => void;
  /** The stages of each date's fit (load+validate, features, train, ...), for live progress. */
  readonly onFitStage?: StageReporter;
  /** createdAt of the report (default: now). */
  readonly now?: Date;
}

export interface BacktestResult {
  readonly report: BacktestReport;
  readonly files: string[];
}

type CsvRow = Record<string, string>;

/** A run's CSV file, each cell as it was before formula protection (ids match across files). */
function readCsv(path: string): CsvRow[] {
  return parseCsvSafe(readFileSync(path, 'utf8'));
}

function number(row: CsvRow, column: string, file: string): number {
  const value = Number(row[column]);
  if (row[column] === undefined || row[column] === '' || !Number.isFinite(value)) {
    throw new Error(`${file}: ${column} is not a number: ${JSON.stringify(row[column])}`);
  }
  return value;
}

/** A date's ML_Prediction.csv; `target` is optional (older runs do not write it). */
export function readPredictionRows(path: string): PredictionRow[] {
  return readCsv(path).map((row) => ({
    userId: row.user_id ?? '',
    courseId: row.course_id ?? '',
    weekIndex: number(row, 'week_index', path),
    riskScore: number(row, 'risk_score', path),
    atRisk: row.at_risk === 'true',
    neverActive: row.never_active === 'true',
    target: row.target ? row.target : null,
  }));
}

const OUTCOMES: readonly Outcome[] = ['completed', 'dropped', 'open'];

export function readOutcomeRows(path: string): OutcomeRow[] {
  return readCsv(path).map((row) => {
    const outcome = OUTCOMES.find((o) => o === row.outcome);
    if (!outcome) throw new Error(`${path}: unknown outcome ${JSON.stringify(row.outcome)}`);
    return {
      userId: row.user_id ?? '',
      courseId: row.course_id ?? '',
      outcome,
      daysInactive: number(row, 'days_inactive', path),
      droppedAt: row.dropped_at ? row.dropped_at : null,
    };
  });
}

/** Runs the backtest and writes OUT/backtest.json, backtest.md, charts/backtest.* and backtest/<date>/. */
export async function runBacktest(config: Config, options: BacktestOptions): Promise<BacktestResult> {
  const stageName = options.onStage ?? (() => {});
  const work = mkdtempSync(join(tmpdir(), 'lumen-backtest-'));
  let stage: OutputStage | null = null;
  try {
    // The end first: it checks the export (bad data stops here, before any fit) and gives the span
    // the dates are chosen in and the outcomes every date is judged against.
    stageName('outcomes at the end');
    const endDir = join(work, BACKTEST_END_DIR);
    const end = await runAnalysis(config, {
      dataDir: options.dataDir,
      outDir: endDir,
      train: false,
      score: false,
      charts: false,
    });
    const firstEvent = end.report.eventSpan.start;
    if (!firstEvent) {
      throw new LumenError('BAD_VALUE', `${options.dataDir}: the export has no events to replay`);
    }
    const outcomesAsOf = lastCompleteWeekEnd(end.report.asOf);
    const schedule = backtestSchedule({
      firstEvent,
      outcomesAsOf,
      from: options.from,
      to: options.to,
      everyDays: options.everyDays,
      dropoutDays: config.dropoutDays,
    });
    const endOutcomes = join(endDir, 'learner_outcomes.csv');
    const finalOutcomes = readOutcomeRows(endOutcomes);

    stage = new OutputStage(options.outDir);
    // Older dates' folders must not linger beside this backtest's.
    stage.remove(BACKTEST_DIR);
    copyFileSync(endOutcomes, stage.path(`${BACKTEST_DIR}/${BACKTEST_END_DIR}/learner_outcomes.csv`));
    rmSync(endDir, { recursive: true, force: true });

    const runs: BacktestRunInput[] = [];
    const total = schedule.dates.length;
    stageName(`${total} as-of ${total === 1 ? 'date' : 'dates'}, ${schedule.from} to ${schedule.to}`);
    for (const [index, asOf] of schedule.dates.entries()) {
      options.onProgress?.({ done: index, total, asOf, phase: 'start' });
      const dir = join(work, asOf);
      const result = await runAnalysis(config, {
        dataDir: options.dataDir,
        outDir: dir,
        asOf,
        train: true,
        score: true,
        charts: false,
        onStage: options.onFitStage,
      });
      const kept = `${BACKTEST_DIR}/${asOf}`;
      const outcomesPath = join(dir, 'learner_outcomes.csv');
      const predictionsPath = join(dir, 'ML_Prediction.csv');
      const published = result.scores !== null && existsSync(predictionsPath);
      copyFileSync(outcomesPath, stage.path(`${kept}/learner_outcomes.csv`));
      if (published) copyFileSync(predictionsPath, stage.path(`${kept}/ML_Prediction.csv`));
      runs.push({
        asOf,
        noListReason: result.noListReason,
        modelVersion: result.artifact?.version ?? null,
        cvAuc: result.train?.evaluation?.cvAuc ?? null,
        training: result.train
          ? { completed: result.train.learners.completed, dropped: result.train.learners.dropped }
          : null,
        predictions: published ? readPredictionRows(predictionsPath) : null,
        // Only the open enrolments matter at a date; the rest would hold memory for nothing.
        outcomes: readOutcomeRows(outcomesPath).filter((o) => o.outcome === 'open'),
      });
      // Each run writes its features and snapshots: only what the figures need is kept.
      rmSync(dir, { recursive: true, force: true });
      options.onProgress?.({ done: index + 1, total, asOf, phase: 'done', listPublished: published });
    }

    stageName('report');
    const report = buildBacktestReport(runs, finalOutcomes, {
      dataDir: options.dataDir,
      createdAt: (options.now ?? new Date()).toISOString(),
      export: {
        firstEvent,
        lastEvent: end.report.asOf,
        outcomesAsOf,
        enrolmentsFile: end.report.enrolmentsFile,
      },
      schedule,
    });
    stage.writeJson(BACKTEST_JSON, report);
    stage.writeText(BACKTEST_MD, renderBacktestMarkdown(report));
    await writeBacktestChart(stage.dir, report);
    const files = stage.commit();
    return { report, files };
  } finally {
    stage?.discard();
    rmSync(work, { recursive: true, force: true });
  }
}
