/**
 * `lumen demo` / `npm run demo`: everything on a laptop, no Redis or Slack. Generates a synthetic
 * export, runs the pipeline and prints a short summary with where the files are.
 */
import { join } from 'node:path';
import { generateLmsData } from '../analytics/generate.ts';
import { runFeatures } from '../analytics/pipeline.ts';
import type { Config } from '../config.ts';
import { progressBar, stageLogger } from './progress.ts';

export async function runDemo(config: Config, options: { dir: string; learners: number }): Promise<void> {
  const dataDir = join(options.dir, 'data');
  const outDir = join(options.dir, 'out');
  const log = stageLogger();
  log.stage('generate');
  const bar = progressBar('generate', options.learners);
  const generated = await generateLmsData({
    learners: options.learners,
    seed: 42,
    outDir: dataDir,
    onProgress: (n) => bar.update(n),
  });
  bar.stop();
  const result = await runFeatures(config, { dataDir, outDir, onStage: log.stage });
  log.done();

  const { report } = result;
  const lines = [
    '',
    `Lumen demo: ${options.learners.toLocaleString('en-US')} synthetic learners, data as of ${report.asOf}`,
    `  input: ${Object.entries(generated.files)
      .map(([name, f]) => `${name} ${f.rows.toLocaleString('en-US')}`)
      .join(', ')}`,
    `  learners kept ${report.learners.kept}, with activity ${report.learners.active}, staff accounts excluded ${report.learners.staffExcluded}`,
    `  rows excluded: ${report.files
      .filter((f) => f.rowsExcluded > 0)
      .map((f) => `${f.file} ${f.rowsExcluded} (${f.excluded.map((e) => `${e.label} ${e.rows}`).join(', ')})`)
      .join('; ')}`,
    `  weekly features: ${result.featureRows.toLocaleString('en-US')} learner-weeks`,
    '',
    'Files:',
    ...result.files.map((f) => `  ${f}`),
    '',
  ];
  process.stdout.write(lines.join('\n'));
}
