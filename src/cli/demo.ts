/**
 * `lumen demo` / `npm run demo`: everything on a laptop, no Redis or Slack. Generates a synthetic
 * export of 2,000 learners, runs the whole pipeline into a published run (demo/out/latest) and prints a
 * short summary with where the files are.
 */
import { join } from 'node:path';
import { generateLmsData } from '../analytics/generate.ts';
import type { Config } from '../config.ts';
import { analyseAndPublish } from '../run-folder/analysis-run.ts';
import { latestPath } from '../run-folder/index.ts';
import { progressBar, stageLogger } from './progress.ts';
import { formatRunSummary } from './summary.ts';

export async function runDemo(config: Config, options: { dir: string; learners: number }): Promise<void> {
  const dataDir = join(options.dir, 'data');
  const outDir = join(options.dir, 'out');
  const log = stageLogger();
  log.stage('generate');
  const bar = progressBar('generate', options.learners);
  await generateLmsData({
    learners: options.learners,
    seed: 42,
    outDir: dataDir,
    onProgress: (n) => bar.update(n),
  });
  bar.stop();
  // Published like every run: demo/out/runs/<id>/, with demo/out/latest pointing at it.
  const run = await analyseAndPublish(config, {
    dataDir,
    outDir,
    onStage: log.stage,
    train: true,
    score: true,
    dataFingerprint: null,
    source: 'cli',
    label: 'demo',
  });
  log.done();
  process.stdout.write(
    `\nLumen demo: ${options.learners.toLocaleString('en-US')} synthetic learners generated into ${dataDir}\n${formatRunSummary(run.analysis)}Published: ${latestPath(outDir)} -> ${run.runDir}\n`,
  );
}
