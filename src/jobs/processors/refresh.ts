/**
 * refresh: validate -> features -> (train when the data or settings changed) -> score -> stats into
 * OUT/runs/<runId>/, then switch OUT/latest to it. Bad input fails at once (UnrecoverableError) with
 * the validation message; anything else is thrown as is so BullMQ retries it with backoff.
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAnalysis } from '../../analytics/analysis.ts';
import { lastCompleteWeekEnd } from '../../analytics/weeks.ts';
import { LumenError } from '../../errors.ts';
import type { JobContext, RefreshResult, StageTimings } from '../contracts.ts';
import { dataFingerprint } from '../data-fingerprint.ts';
import { runAsOf } from '../digest/run-outputs.ts';
import { latestFeedback } from '../feedback-log.ts';
import type { ProcessorContext } from '../processor-context.ts';
import {
  freshRunFolder,
  latestRunFolder,
  pruneRunFolders,
  runIdFor,
  switchLatest,
} from '../runs/run-folders.ts';
import { writeHistoryFile } from '../runs/run-history.ts';
import type { RunRecord } from '../runs/run-record.ts';
import { unrecoverable } from '../unrecoverable.ts';

/** Stages in the order they run; progress percent is the share of stages started. */
export const REFRESH_STAGES = [
  'fingerprint',
  'load+validate',
  'features',
  'outcomes',
  'train',
  'forecast',
  'stats',
  'score',
  'write',
  'publish',
] as const;

/** Outputs of a training run that a scoring-only run carries over from the last good run. */
const MODEL_OUTPUTS = [
  'models',
  'model_card.json',
  'model_card.md',
  'stats.json',
  'training_snapshots.csv',
  'oof_predictions.csv',
];

/** OUT/runs/<runId>/run.json: what a later refresh compares its fingerprint with. */
interface RunManifest {
  readonly runId: string;
  readonly dataFingerprint: string;
  readonly modelVersion: string | null;
  readonly trained: boolean;
  readonly finishedAt: string;
}

/** The last day of the data the saved model was fitted on (after every date when unreadable: then it is not reused). */
function savedModelAsOf(path: string): string {
  try {
    const { dataAsOf } = JSON.parse(readFileSync(path, 'utf8')) as { dataAsOf?: unknown };
    return typeof dataAsOf === 'string' ? dataAsOf : '\uffff';
  } catch {
    return '\uffff';
  }
}

function readManifest(runDir: string | null): RunManifest | null {
  if (!runDir) return null;
  try {
    return JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as RunManifest;
  } catch {
    return null;
  }
}

class StageClock {
  readonly timings: StageTimings = {};
  private current: { name: string; since: number } | null = null;

  start(name: string): void {
    this.stop();
    this.current = { name, since: performance.now() };
  }

  stop(): void {
    if (!this.current) return;
    const { name, since } = this.current;
    this.timings[name] = Math.round((this.timings[name] ?? 0) + performance.now() - since);
    this.current = null;
  }
}

function percentAt(stage: string): number {
  const index = (REFRESH_STAGES as readonly string[]).indexOf(stage);
  return index < 0 ? 0 : Math.round((index / REFRESH_STAGES.length) * 100);
}

export async function processRefresh(
  job: JobContext<'refresh'>,
  context: ProcessorContext,
): Promise<RefreshResult> {
  const { data } = job;
  const { outDir } = data;
  const runId = runIdFor(job.id, job.timestamp);
  const startedAt = new Date();
  const clock = new StageClock();
  const stage = (name: string) => {
    clock.start(name);
    // Progress is advisory: a failed update must not fail the run.
    void Promise.resolve(job.updateProgress({ stage: name, percent: percentAt(name) })).catch(() => {});
  };
  let fingerprint: string | null = null;
  let trained = false;
  let modelVersion: string | null = null;

  let recorded = false;
  const finish = async (status: RunRecord['status'], error: string | null) => {
    if (recorded) return;
    recorded = true;
    clock.stop();
    const record: RunRecord = {
      runId,
      jobId: job.id,
      trigger: data.trigger,
      status,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      attempt: job.attemptsMade + 1,
      stages: { ...clock.timings },
      dataFingerprint: fingerprint,
      modelVersion,
      trained,
      error,
    };
    try {
      const runs = context.history ? await context.history.record(record) : [record];
      writeHistoryFile(outDir, runs);
    } catch (cause) {
      // The run's own outcome stands; a lost history line is logged, not turned into a retry.
      await job.log(
        `could not record run history: ${cause instanceof Error ? cause.message : String(cause)}`,
      );
    }
  };

  // A timed-out run is recorded as failed at once: its process may be ended before the work stops.
  const onAbort = () => void finish('failed', String(context.signal.reason ?? 'the run was cancelled'));
  context.signal.addEventListener('abort', onAbort, { once: true });

  try {
    const runDir = freshRunFolder(outDir, runId);
    stage('fingerprint');
    fingerprint = await dataFingerprint(data.dataDir, context.config);
    const previousDir = latestRunFolder(outDir);
    const previous = readManifest(previousDir);
    const savedModel = previousDir ? join(previousDir, 'models', 'latest.json') : null;
    // This run's as-of: the one asked for, else (same data, see the fingerprint) the previous run's.
    const asOf = data.asOf ?? (previousDir ? runAsOf(previousDir) : null);
    trained =
      data.forceTrain === true ||
      previous === null ||
      previous.dataFingerprint !== fingerprint ||
      savedModel === null ||
      !existsSync(savedModel) ||
      asOf === null ||
      // The saved model has seen this run's future (an earlier day replayed, or a model saved before
      // models saw complete weeks only): fit one as of this run's last complete week instead.
      savedModelAsOf(savedModel) > lastCompleteWeekEnd(asOf);
    if (!trained && previousDir) {
      for (const name of MODEL_OUTPUTS) {
        const source = join(previousDir, name);
        if (existsSync(source)) cpSync(source, join(runDir, name), { recursive: true });
      }
    }

    // The dashboard shows the change in the at-risk count since the previous run's summary.
    const previousSummary = previousDir ? join(previousDir, 'run_summary.json') : null;
    if (previousSummary && existsSync(previousSummary))
      cpSync(previousSummary, join(runDir, 'run_summary.json'));

    const analysis = await runAnalysis(context.config, {
      dataDir: data.dataDir,
      outDir: runDir,
      asOf: data.asOf ?? null,
      onStage: (name) => stage(name),
      train: trained,
      score: true,
      modelPath: trained ? null : join(runDir, 'models', 'latest.json'),
      // Reviewers' verdicts live beside the runs; the model card reports how those learners turned out.
      feedback: latestFeedback(outDir),
    });
    modelVersion = analysis.artifact?.version ?? null;

    // runAnalysis has rendered charts/ and dashboard.html into runDir as well.
    stage('publish');
    if (context.signal.aborted) {
      throw unrecoverable('JOB_TIMEOUT', String(context.signal.reason ?? 'the run was cancelled'));
    }
    const manifest: RunManifest = {
      runId,
      dataFingerprint: fingerprint,
      modelVersion,
      trained,
      finishedAt: new Date().toISOString(),
    };
    writeFileSync(join(runDir, 'run.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    switchLatest(outDir, runId);
    pruneRunFolders(outDir);
    clock.stop();
    const result: RefreshResult = {
      runId,
      asOf: analysis.report.asOf,
      runDir,
      trained,
      modelVersion,
      dataFingerprint: fingerprint,
      atRisk: analysis.scores ? analysis.scores.filter((s) => s.atRisk).length : null,
      noListReason: analysis.noListReason,
      stages: { ...clock.timings },
    };
    await finish('succeeded', null);
    return result;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await finish('failed', message);
    // LumenErrors are bad input or a mismatching model: retrying cannot fix them.
    if (error instanceof LumenError) throw unrecoverable(error.code, message);
    throw error;
  } finally {
    context.signal.removeEventListener('abort', onAbort);
  }
}
