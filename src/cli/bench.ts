/**
 * `lumen bench`: generates (or reuses) a synthetic export and measures each pipeline stage in a
 * fresh child process, so peak RSS belongs to that run alone. Results are printed as a table; record
 * them in docs/BENCHMARKS.md.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
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
  /** Rounds of `lumen features` against the pandas baseline instead of the per-stage pipeline; 0: none. */
  pandasRounds?: number;
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

  if (options.pandasRounds) {
    await runPandasComparison(dataDir, options.pandasRounds);
    return;
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

/** One timed child process: wall and CPU seconds and peak RSS, from /usr/bin/time. */
export interface ProcessMeasure {
  readonly tool: 'lumen' | 'pandas';
  readonly round: number;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly peakRssMb: number;
  /** 1-minute load average when the run started: the machine is shared, so every figure carries it. */
  readonly load: number;
}

const PANDAS_SCRIPT = fileURLToPath(new URL('../../bench/weekly_features_pandas.py', import.meta.url));
const COMPARE_SCRIPT = fileURLToPath(new URL('../../bench/compare_features.py', import.meta.url));
const TIME = '/usr/bin/time';

function execMeasured(
  command: string,
  args: string[],
): Promise<{ wall: number; cpu: number; rssMb: number }> {
  const timing = join(mkdtempSync(join(tmpdir(), 'lumen-bench-')), 'time.txt');
  return new Promise((resolve, reject) => {
    execFile(
      TIME,
      ['-f', '%e %U %S %M', '-o', timing, command, ...args],
      { maxBuffer: 16 * 1024 * 1024, env: process.env },
      (error, _stdout, stderr) => {
        if (error) {
          reject(new Error(`${command} ${args.join(' ')} failed: ${stderr || error.message}`));
          return;
        }
        const fields = readFileSync(timing, 'utf8').trim().split('\n').at(-1) ?? '';
        const [wall, user, system, rssKb] = fields.split(' ').map(Number);
        rmSync(join(timing, '..'), { recursive: true, force: true });
        resolve({
          wall: wall ?? 0,
          cpu: (user ?? 0) + (system ?? 0),
          rssMb: Math.round((rssKb ?? 0) / 1024),
        });
      },
    );
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * `lumen bench --pandas`: `lumen features` and the pandas baseline (bench/weekly_features_pandas.py,
 * run with /usr/bin/python3) on the same export, interleaved (the order alternates per round, so
 * neither always gets the quieter machine), each a fresh process timed by /usr/bin/time; then checks
 * that both wrote the same feature values (bench/compare_features.py) and prints medians and ratios.
 */
export async function runPandasComparison(dataDir: string, rounds: number): Promise<void> {
  if (!existsSync(TIME))
    throw new Error(`${TIME} is needed to measure child processes (Debian package "time")`);
  const out = { lumen: join(dataDir, 'out-lumen'), pandas: join(dataDir, 'out-pandas') };
  const log = stageLogger();
  const measures: ProcessMeasure[] = [];
  for (let round = 1; round <= rounds; round++) {
    const order: Array<'lumen' | 'pandas'> = round % 2 === 1 ? ['lumen', 'pandas'] : ['pandas', 'lumen'];
    for (const tool of order) {
      log.stage(`round ${round}/${rounds}: ${tool}`);
      const load = loadavg()[0] ?? 0;
      const m =
        tool === 'lumen'
          ? await execMeasured(process.execPath, [BIN, 'features', '--data', dataDir, '--out', out.lumen])
          : await execMeasured('/usr/bin/python3', [PANDAS_SCRIPT, dataDir, out.pandas]);
      measures.push({ tool, round, wallSeconds: m.wall, cpuSeconds: m.cpu, peakRssMb: m.rssMb, load });
    }
  }
  log.stage('compare features');
  const comparison = await new Promise<string>((resolve) => {
    execFile(
      '/usr/bin/python3',
      [
        COMPARE_SCRIPT,
        join(out.lumen, 'weekly_behavioral_features.csv'),
        join(out.pandas, 'weekly_behavioral_features.csv'),
      ],
      (_error, stdout) => resolve(stdout.trim()),
    );
  });
  log.done();

  const lines: string[] = [];
  lines.push(
    `Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  lines.push(`Data: ${dataDir}`);
  lines.push('');
  lines.push('| round | tool | load (1 min) | wall (s) | CPU (s) | peak RSS (MB) |');
  lines.push('| ---: | --- | ---: | ---: | ---: | ---: |');
  for (const m of measures)
    lines.push(
      `| ${m.round} | ${m.tool} | ${m.load.toFixed(2)} | ${m.wallSeconds.toFixed(1)} | ${m.cpuSeconds.toFixed(1)} | ${m.peakRssMb} |`,
    );
  const med = (tool: 'lumen' | 'pandas', key: 'wallSeconds' | 'cpuSeconds' | 'peakRssMb') =>
    median(measures.filter((m) => m.tool === tool).map((m) => m[key]));
  for (const tool of ['lumen', 'pandas'] as const)
    lines.push(
      `| median | ${tool} | | ${med(tool, 'wallSeconds').toFixed(1)} | ${med(tool, 'cpuSeconds').toFixed(1)} | ${med(tool, 'peakRssMb')} |`,
    );
  lines.push('');
  lines.push(
    `pandas / lumen (medians): wall ${(med('pandas', 'wallSeconds') / med('lumen', 'wallSeconds')).toFixed(2)}x, CPU ${(med('pandas', 'cpuSeconds') / med('lumen', 'cpuSeconds')).toFixed(2)}x; lumen / pandas peak memory ${(med('lumen', 'peakRssMb') / med('pandas', 'peakRssMb')).toFixed(2)}x`,
  );
  lines.push(`features compared: ${comparison}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
