/**
 * refresh: validate -> features -> (train when the data or settings changed) -> score -> stats into a
 * new run folder OUT/runs/<runId>/ (a new id for every attempt: a retried or recovered job never
 * touches an earlier attempt's folder, which may be the published run), then switch OUT/latest to it
 * (src/run-folder/analysis-run.ts, as the CLI does). Bad input fails at once (UnrecoverableError) with
 * the validation message; anything else is thrown as is so BullMQ retries it with backoff.
 */
import { ANALYSIS_STAGE_NAMES } from '../../analytics/analysis-types.ts';
import { lastCompleteWeekEnd } from '../../analytics/weeks.ts';
import { LumenError } from '../../errors.ts';
import { outputFolderError } from '../../output-errors.ts';
import { analyseAndPublish } from '../../run-folder/analysis-run.ts';
import { readLatestRun, runAsOf } from '../../run-folder/index.ts';
import type { JobContext, RefreshResult, StageTimings } from '../contracts.ts';
import { dataFingerprint } from '../data-fingerprint.ts';
import { latestFeedback } from '../feedback-log.ts';
import type { ProcessorContext } from '../processor-context.ts';
import { writeHistoryFile } from '../runs/run-history.ts';
import type { RunRecord } from '../runs/run-record.ts';
import { unrecoverable } from '../unrecoverable.ts';

/** Stages in the order they run; progress percent is the share of stages started. */
export const REFRESH_STAGES = ['fingerprint', ...ANALYSIS_STAGE_NAMES, 'publish'] as const;

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
  // Known once this attempt's run folder exists (its id is new for every attempt).
  let runId: string | null = null;
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
      runId: runId ?? `${job.id}-attempt-${job.attemptsMade + 1}`,
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
    stage('fingerprint');
    fingerprint = await dataFingerprint(data.dataDir, context.config);
    const latest = readLatestRun(outDir);
    // This run's as-of: the one asked for, else (same data, see the fingerprint) the previous run's.
    const asOf = data.asOf ?? (latest ? runAsOf(latest.dir) : null);
    trained =
      data.forceTrain === true ||
      latest?.manifest == null ||
      latest.manifest.dataFingerprint !== fingerprint ||
      latest.model === null ||
      asOf === null ||
      // The saved model has seen this run's future (an earlier day replayed, or a model saved before
      // models saw complete weeks only): fit one as of this run's last complete week instead.
      latest.model.dataAsOf > lastCompleteWeekEnd(asOf);

    const { runDir, analysis, manifest } = await analyseAndPublish(context.config, {
      outDir,
      dataDir: data.dataDir,
      asOf: data.asOf ?? null,
      onStage: (name) => stage(name),
      onRunFolder: (id) => {
        runId = id;
      },
      train: trained,
      score: true,
      latest,
      dataFingerprint: fingerprint,
      source: 'refresh',
      label: job.id,
      // Reviewers' verdicts live beside the runs; the model card reports how those learners turned out.
      feedback: latestFeedback(outDir),
      beforePublish: () => {
        stage('publish');
        if (context.signal.aborted) {
          throw unrecoverable('JOB_TIMEOUT', String(context.signal.reason ?? 'the run was cancelled'));
        }
      },
    });
    modelVersion = analysis.artifact?.version ?? null;
    clock.stop();
    const result: RefreshResult = {
      runId: manifest.runId,
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
    // The output folder's problems (read-only, full, a file in its place) in the one line the CLI
    // gives, worded for the worker's setting; retried, as space may be freed or the disk remounted.
    const folder = outputFolderError(error, job.data.outDir, 'worker');
    const message = folder?.message ?? (error instanceof Error ? error.message : String(error));
    await finish('failed', message);
    // LumenErrors are bad input or a mismatching model: retrying cannot fix them.
    if (error instanceof LumenError) throw unrecoverable(error.code, message);
    if (folder) throw new Error(message, { cause: error });
    throw error;
  } finally {
    context.signal.removeEventListener('abort', onAbort);
  }
}
