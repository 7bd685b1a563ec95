/** `lumen charts`: re-renders the charts and dashboard of OUT/latest's run as a new published run. */
import { resolve } from 'node:path';
import type { Config } from '../../config.ts';
import { LumenError } from '../../errors.ts';
import { latestPath, latestRunFolderOrFail, readDataQuality, readLatestRun } from '../../run-folder/index.ts';
import { publishAnalysis } from '../publish-analysis.ts';

export interface ChartsOptions {
  readonly data?: string;
  readonly out: string;
  readonly learner?: string;
  readonly asOf?: string;
}

export async function chartsCommand(config: Config, opts: ChartsOptions): Promise<void> {
  const outDir = resolve(opts.out);
  const latest = readLatestRun(outDir);
  const report = readDataQuality(latestRunFolderOrFail(outDir));
  const dataDir = opts.data ? resolve(opts.data) : report?.dataDir;
  if (!dataDir) {
    throw new LumenError(
      'BAD_ARGUMENT',
      `${latestPath(outDir)}: its run names no export folder (no data_quality.json); pass --data DIR`,
    );
  }
  await publishAnalysis(config, {
    dataDir,
    outDir,
    asOf: opts.asOf ?? (opts.data ? undefined : report?.asOf),
    latest,
    train: false,
    score: latest?.model != null,
    charts: true,
    learnerId: opts.learner ?? null,
  });
}
