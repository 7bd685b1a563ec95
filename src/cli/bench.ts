/**
 * `lumen bench`: generates (or reuses) a synthetic export and measures each pipeline stage in a
 * fresh child process, so peak RSS belongs to that run alone. Results are printed as a table; record
 * them in docs/BENCHMARKS.md.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAnalysis } from '../analytics/analysis.ts';
import { generateLmsData } from '../analytics/generate.ts';
import type { Config } from '../config.ts';
import { progressBar, stageLogger } from './progress.ts';

const BIN = fileURLToPath(new URL('../../bin/lumen.mjs', import.meta.url));

export interface StageMeasure {
  readonly stage: string;
  readonly seconds: number;
  /** Process peak RSS (MB) at the end of the stage: a high-water mark, so it never decreases. */
  readonly peakRssMb: number;
}

export interface BenchStepReport {
  readonly stages: StageMeasure[];
  readonly featureRows: number;
  readonly trainingRows: number;
  readonly scored: number;
  readonly cvAuc: number | null;
}

function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** Runs in the child: the whole pipeline (lumen run) with per-stage timings and RSS high-water marks. */
export async function benchStep(config: Config, dataDir: string, outDir: string): Promise<BenchStepReport> {
  const stages: StageMeasure[] = [];
  let current: { stage: string; started: number } | null = null;
  const close = () => {
    if (current)
      stages.push({
        stage: current.stage,
        seconds: (performance.now() - current.started) / 1000,
        peakRssMb: peakRssMb(),
      });
  };
  const result = await runAnalysis(config, {
    dataDir,
    outDir,
    train: true,
    score: true,
    onStage: (stage) => {
      close();
      current = { stage, started: performance.now() };
    },
  });
  close();
  return {
    stages,
    featureRows: result.featureRows,
    trainingRows: result.train?.rows ?? 0,
    scored: result.scores?.length ?? 0,
    cvAuc: result.train?.evaluation?.cvAuc ?? null,
  };
}

export async function runBench(options: {
  learners: number;
  seed: number;
  dir: string;
  reuse: boolean;
}): Promise<void> {
  const dataDir = join(options.dir, `learners-${options.learners}-seed-${options.seed}`);
  const outDir = join(dataDir, 'out');
  const log = stageLogger();
  const marker = join(dataDir, 'rows.json');
  let rows: Record<string, number>;
  let generateSeconds: number | null = null;
  if (options.reuse && existsSync(marker)) {
    rows = JSON.parse(readFileSync(marker, 'utf8')) as Record<string, number>;
  } else {
    const bar = progressBar('generate', options.learners);
    const started = performance.now();
    const result = await generateLmsData({
      learners: options.learners,
      seed: options.seed,
      outDir: dataDir,
      onProgress: (n) => bar.update(n),
    });
    bar.stop();
    generateSeconds = (performance.now() - started) / 1000;
    rows = Object.fromEntries(Object.entries(result.files).map(([name, f]) => [name, f.rows]));
    writeFileSync(marker, JSON.stringify(rows));
  }

  log.stage('pipeline (child process)');
  const report = await new Promise<BenchStepReport>((resolve, reject) => {
    execFile(
      process.execPath,
      [BIN, 'bench-step', '--data', dataDir, '--out', outDir],
      { maxBuffer: 16 * 1024 * 1024, env: process.env },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`bench step failed: ${stderr || error.message}`));
        else resolve(JSON.parse(stdout) as BenchStepReport);
      },
    );
  });
  log.done();

  const out: string[] = [];
  out.push(
    `Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  out.push(`Data: ${options.learners} learners, seed ${options.seed}, ${dataDir}`);
  const bytes = Object.keys(rows).reduce((sum, name) => sum + statSync(join(dataDir, name)).size, 0);
  out.push('');
  out.push('| file | rows |');
  out.push('| --- | ---: |');
  for (const [name, n] of Object.entries(rows)) out.push(`| ${name} | ${n.toLocaleString('en-US')} |`);
  out.push(`| (total size) | ${(bytes / 2 ** 20).toFixed(0)} MB |`);
  out.push('');
  out.push('| stage | wall time (s) | peak RSS so far (MB) |');
  out.push('| --- | ---: | ---: |');
  if (generateSeconds !== null) out.push(`| generate | ${generateSeconds.toFixed(2)} | (separate) |`);
  for (const s of report.stages) out.push(`| ${s.stage} | ${s.seconds.toFixed(2)} | ${s.peakRssMb} |`);
  const total = report.stages.reduce((sum, s) => sum + s.seconds, 0);
  out.push(
    `| total pipeline | ${total.toFixed(2)} | ${Math.max(...report.stages.map((s) => s.peakRssMb))} |`,
  );
  out.push('');
  const seconds = (names: string[]) =>
    report.stages.filter((s) => names.includes(s.stage)).reduce((sum, s) => sum + s.seconds, 0);
  out.push(`load+validate+features: ${seconds(['load+validate', 'features']).toFixed(2)} s`);
  out.push(`train (CV included) + score: ${seconds(['train', 'score']).toFixed(2)} s`);
  out.push(
    `Feature rows: ${report.featureRows.toLocaleString('en-US')}; training rows: ${report.trainingRows.toLocaleString('en-US')}; open learners scored: ${report.scored.toLocaleString('en-US')}; CV AUC: ${report.cvAuc?.toFixed(3) ?? '-'}`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}
