/** `lumen score`: scores the open enrolments with a saved model and publishes a run with the list. */
import { resolve } from 'node:path';
import type { Config } from '../../config.ts';
import { latestFeedback } from '../../jobs/feedback-log.ts';
import { type AnalysisCommandOptions, publishAnalysis } from '../publish-analysis.ts';

export async function scoreCommand(config: Config, opts: AnalysisCommandOptions): Promise<void> {
  const outDir = resolve(opts.out);
  await publishAnalysis(config, 'score', {
    dataDir: resolve(opts.data),
    outDir,
    asOf: opts.asOf,
    modelPath: opts.model ? resolve(opts.model) : null,
    feedback: latestFeedback(outDir),
    train: false,
    score: true,
  });
}
