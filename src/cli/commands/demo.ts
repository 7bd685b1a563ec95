/** `lumen demo`: 2,000 generated learners through the whole pipeline (the README's Quick start). */
import { resolve } from 'node:path';
import type { Config } from '../../config.ts';
import { runDemo } from '../demo.ts';

export interface DemoOptions {
  readonly dir: string;
  readonly learners: number;
}

export async function demoCommand(config: Config, opts: DemoOptions): Promise<void> {
  await runDemo(config, { dir: resolve(opts.dir), learners: opts.learners });
}
