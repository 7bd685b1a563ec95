/** `lumen train`: fits the model and publishes a run with its card, stats and models/ (no at-risk list). */
import type { Config } from '../../config.ts';
import { type AnalysisCommandOptions, analysisCommand } from '../publish-analysis.ts';

export function trainCommand(config: Config, opts: AnalysisCommandOptions): Promise<void> {
  return analysisCommand(config, 'train', opts);
}
