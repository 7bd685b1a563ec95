/** `lumen train`: fits the model and publishes a run with its card, stats and models/ (no at-risk list). */
import { resolve } from 'node:path';
import type { Config } from '../../config.ts';
import { latestFeedback } from '../../jobs/feedback-log.ts';
import { type AnalysisCommandOptions, publishAnalysis } from '../publish-analysis.ts';

export async function trainCommand(config: Config, opts: AnalysisCommandOptions): Promise<void> {
  const outDir = resolve(opts.out);
  await publishAnalysis(config, 'train', {
    dataDir: resolve(opts.data),
    outDir,
    asOf: opts.asOf,
    modelPath: opts.model ? resolve(opts.model) : null,
    feedback: latestFeedback(outDir),
    train: true,
    score: false,
  });
}
