/** `lumen run`: every stage (validate, features, outcomes, train, score, stats, charts), published as OUT/latest. */
import { resolve } from 'node:path';
import type { Config } from '../../config.ts';
import { latestFeedback } from '../../jobs/feedback-log.ts';
import { type AnalysisCommandOptions, publishAnalysis } from '../publish-analysis.ts';

export async function runCommand(config: Config, opts: AnalysisCommandOptions): Promise<void> {
  const outDir = resolve(opts.out);
  await publishAnalysis(config, 'run', {
    dataDir: resolve(opts.data),
    outDir,
    asOf: opts.asOf,
    modelPath: opts.model ? resolve(opts.model) : null,
    feedback: latestFeedback(outDir),
    train: true,
    score: true,
  });
}
