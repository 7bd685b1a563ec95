/**
 * An analysis into a new run folder OUT/runs/<id>/, published as OUT/latest exactly as a refresh
 * publishes (src/run-folder/analysis-run.ts); prints the summary and where the run is. Shared by
 * `lumen run`, `train` and `score`.
 */
import { resolve } from 'node:path';
import type { AnalysisResult } from '../analytics/analysis.ts';
import type { Config } from '../config.ts';
import { dataFingerprint } from '../jobs/data-fingerprint.ts';
import { latestFeedback } from '../jobs/feedback-log.ts';
import { analyseAndPublish, type PublishedAnalysisOptions } from '../run-folder/analysis-run.ts';
import { latestPath } from '../run-folder/index.ts';
import { commandProgress } from './command-progress.ts';
import { progressSettings } from './progress.ts';
import { formatRunSummary } from './summary.ts';

export async function publishAnalysis(
  config: Config,
  command: 'run' | 'train' | 'score',
  options: Omit<PublishedAnalysisOptions, 'dataFingerprint' | 'source' | 'label' | 'onStage'>,
): Promise<AnalysisResult> {
  const log = commandProgress(command, options.dataDir, progressSettings(config.progress));
  const run = await log.around(
    analyseAndPublish(config, {
      ...options,
      onStage: log.stage,
      // A later refresh with the same export and settings scores with this run's model.
      dataFingerprint: await dataFingerprint(options.dataDir, config),
      source: 'cli',
      label: 'cli',
    }),
  );
  process.stdout.write(formatRunSummary(run.analysis));
  process.stdout.write(`Published: ${latestPath(options.outDir)} -> ${run.runDir}\n`);
  return run.analysis;
}

/** `lumen run`, `train` and `score`: the same options, different stages. */
export interface AnalysisCommandOptions {
  readonly data: string;
  readonly out: string;
  readonly asOf?: string;
  readonly model?: string;
}

/** What `lumen run` (train and score), `train` and `score` publish from their options. */
export async function analysisCommand(
  config: Config,
  command: 'run' | 'train' | 'score',
  opts: AnalysisCommandOptions,
): Promise<void> {
  const outDir = resolve(opts.out);
  await publishAnalysis(config, command, {
    dataDir: resolve(opts.data),
    outDir,
    asOf: opts.asOf,
    modelPath: opts.model ? resolve(opts.model) : null,
    feedback: latestFeedback(outDir),
    train: command !== 'score',
    score: command !== 'train',
  });
}
