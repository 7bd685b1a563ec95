/** `lumen generate`: a synthetic export in the LMS's format. */
import { resolve } from 'node:path';
import type { StudyPattern } from '../../analytics/generate/styles.ts';
import { type GenerateStyle, generateLmsData } from '../../analytics/generate.ts';
import { progressBar } from '../progress.ts';

export interface GenerateOptions {
  readonly learners: number;
  readonly seed: number;
  readonly out: string;
  readonly timestamps?: boolean;
  readonly endDate?: string;
  readonly style: GenerateStyle;
  readonly enrolments?: 'with' | 'without';
  readonly truth?: string;
  readonly study?: StudyPattern;
}

export async function generateCommand(opts: GenerateOptions): Promise<void> {
  const bar = progressBar('generate', opts.learners);
  const result = await generateLmsData({
    learners: opts.learners,
    seed: opts.seed,
    outDir: resolve(opts.out),
    timestamps: opts.timestamps,
    endDate: opts.endDate,
    style: opts.style,
    enrolments: opts.enrolments === undefined ? undefined : opts.enrolments === 'with',
    truthPath: opts.truth === undefined ? undefined : resolve(opts.truth),
    study: opts.study,
    onProgress: (n) => bar.update(n),
  });
  bar.stop();
  for (const [name, file] of Object.entries(result.files)) {
    process.stdout.write(`${name}: ${file.rows} rows\n`);
  }
}
