/** `lumen run`: every stage (validate, features, outcomes, train, score, stats, charts), published as OUT/latest. */
import type { Config } from '../../config.ts';
import { type AnalysisCommandOptions, analysisCommand } from '../publish-analysis.ts';

export function runCommand(config: Config, opts: AnalysisCommandOptions): Promise<void> {
  return analysisCommand(config, 'run', opts);
}
