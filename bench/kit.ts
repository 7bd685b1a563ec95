/** What the bench scripts share: reading a CSV into rows and running the lumen CLI of this checkout. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';

export type Row = Record<string, string>;

export const readCsv = (path: string): Row[] => parse(readFileSync(path, 'utf8'), { columns: true }) as Row[];

/** Runs `lumen ...args` (bin/lumen.mjs beside bench/) and returns what it printed on stdout. */
export function lumen(args: readonly string[], stderr: 'inherit' | 'pipe' = 'inherit'): string {
  return execFileSync(process.execPath, [join(import.meta.dirname, '..', 'bin', 'lumen.mjs'), ...args], {
    stdio: ['ignore', 'pipe', stderr],
  }).toString();
}

/** A file of the run `lumen run --out out` published: OUT/latest/<name>. */
export function runFile(out: string, name: string): string {
  return join(out, 'latest', name);
}

/** `lumen generate --style cohort` into `out`, with the hidden truth written to `truth`. */
export function generateCohort(
  opts: {
    learners: string;
    seed: string;
    enrolments: string;
    out: string;
    truth: string;
    endDate?: string;
    study?: string;
  },
  stderr: 'inherit' | 'pipe' = 'inherit',
): void {
  lumen(
    [
      'generate',
      '--style',
      'cohort',
      '--learners',
      opts.learners,
      '--seed',
      opts.seed,
      '--enrolments',
      opts.enrolments,
      '--out',
      opts.out,
      '--truth',
      opts.truth,
      ...(opts.endDate ? ['--end-date', opts.endDate] : []),
      ...(opts.study ? ['--study', opts.study] : []),
    ],
    stderr,
  );
}
