/** `lumen validate`: the data-quality report of an export. */
import { resolve } from 'node:path';
import { runValidate } from '../../analytics/pipeline.ts';
import { formatQualityReport } from '../../analytics/validate.ts';
import type { Config } from '../../config.ts';
import { commandProgress } from '../command-progress.ts';
import { progressSettings } from '../progress.ts';

export interface ValidateOptions {
  readonly data: string;
  readonly asOf?: string;
  readonly json?: boolean;
}

export async function validateCommand(config: Config, opts: ValidateOptions): Promise<void> {
  const log = commandProgress('validate', resolve(opts.data), progressSettings(config.progress));
  const report = await log.around(
    runValidate(config, { dataDir: resolve(opts.data), asOf: opts.asOf, onStage: log.stage }),
  );
  process.stdout.write(
    opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatQualityReport(report)}\n`,
  );
}
