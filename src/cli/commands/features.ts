/** `lumen features`: the weekly features and the data-quality report, straight into OUT. */
import { resolve } from 'node:path';
import { runFeatures } from '../../analytics/pipeline.ts';
import type { Config } from '../../config.ts';
import { commandProgress } from '../command-progress.ts';
import { progressSettings } from '../progress.ts';

export interface FeaturesOptions {
  readonly data: string;
  readonly out: string;
  readonly asOf?: string;
}

export async function featuresCommand(config: Config, opts: FeaturesOptions): Promise<void> {
  const log = commandProgress('features', resolve(opts.data), progressSettings(config.progress));
  const result = await log.around(
    runFeatures(config, {
      dataDir: resolve(opts.data),
      outDir: resolve(opts.out),
      asOf: opts.asOf,
      onStage: log.stage,
    }),
  );
  process.stdout.write(
    `${result.featureRows} learner-weeks for ${result.learners} learners, as of ${result.report.asOf}\n${result.files.join('\n')}\n`,
  );
}
