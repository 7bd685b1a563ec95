/** `lumen bench` (every stage timed in a fresh process) and its hidden child step `lumen bench-step`. */
import { resolve } from 'node:path';
import type { Config } from '../../config.ts';
import { benchStep, runBench } from '../bench.ts';
import { positiveInt } from '../options.ts';

export interface BenchOptions {
  readonly learners: number;
  readonly seed: number;
  readonly dir: string;
  readonly reuse: boolean;
  /** `--pandas [rounds]`: lumen features against the pandas baseline (default 3 rounds). */
  readonly pandas?: true | string;
}

export async function benchCommand(opts: BenchOptions): Promise<void> {
  const pandasRounds = opts.pandas === undefined ? 0 : opts.pandas === true ? 3 : positiveInt(opts.pandas);
  await runBench({
    learners: opts.learners,
    seed: opts.seed,
    dir: resolve(opts.dir),
    reuse: opts.reuse,
    pandasRounds,
  });
}

export async function benchStepCommand(config: Config, opts: { data: string; out: string }): Promise<void> {
  process.stdout.write(`${JSON.stringify(await benchStep(config, opts.data, opts.out))}\n`);
}
