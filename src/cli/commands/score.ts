/** `lumen score`: scores the open enrolments with a saved model and publishes a run with the list. */
import type { Config } from '../../config.ts';
import { type AnalysisCommandOptions, analysisCommand } from '../publish-analysis.ts';

export function scoreCommand(config: Config, opts: AnalysisCommandOptions): Promise<void> {
  return analysisCommand(config, 'score', opts);
}
