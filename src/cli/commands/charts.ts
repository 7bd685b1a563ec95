/**
 * `lumen charts`: draws the charts and dashboard.html of OUT/latest's run again (its export, as-of,
 * scores and model, read from its files; nothing is re-scored) as a new published run
 * (src/run-folder/draw-run.ts).
 */
import { basename, resolve } from 'node:path';
import type { Config } from '../../config.ts';
import { drawAndPublish } from '../../run-folder/draw-run.ts';
import { latestPath } from '../../run-folder/index.ts';
import { stageLogger } from '../progress.ts';

export interface ChartsOptions {
  readonly data?: string;
  readonly out: string;
  readonly learner?: string;
  readonly asOf?: string;
}

export async function chartsCommand(config: Config, opts: ChartsOptions): Promise<void> {
  const outDir = resolve(opts.out);
  const log = stageLogger();
  const run = await drawAndPublish(config, {
    outDir,
    dataDir: opts.data ? resolve(opts.data) : null,
    asOf: opts.asOf ?? null,
    learnerId: opts.learner ?? null,
    onStage: log.stage,
  });
  log.done();
  const profile = run.learnerId ? ` (learner profile: ${run.learnerId})` : '';
  process.stdout.write(
    `Drew ${run.charts} charts and dashboard.html of run ${basename(run.fromDir)}, as of ${run.asOf}${profile}\n`,
  );
  process.stdout.write(`Published: ${latestPath(outDir)} -> ${run.runDir}\n`);
}
