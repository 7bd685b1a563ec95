/**
 * `npm run bench:startup`: how long `lumen` takes to start and answer, as a user runs it
 * (`node bin/lumen.mjs ...` in a fresh process, wall time from spawn to exit), median of several
 * runs. Issue 16's targets on the 2-core machine: `--help` and `--version` <= 0.3 s, `status` <= 0.5 s
 * plus the Redis round trip, `validate` on the sample export <= 1 s. Record results in
 * docs/BENCHMARKS.md with the date, the machine and `uptime`'s load average.
 *
 *   npm run bench:startup [-- --runs 9]
 *
 * `status` needs Redis (REDIS_URL, default redis://127.0.0.1:6379); it runs under a throwaway queue
 * prefix and reads only. Without Redis its row says so.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'lumen.mjs');
const SAMPLE = join(ROOT, 'test', 'fixtures', 'lumenra-sample');

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} wants a positive whole number`);
  return value;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

interface Case {
  readonly label: string;
  readonly args: string[];
  readonly target: string;
}

/** Seconds of each run; throws with the command's stderr when it fails. */
function time(args: string[], env: NodeJS.ProcessEnv, runs: number): number[] {
  const seconds: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const result = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8' });
    const elapsed = (performance.now() - started) / 1000;
    if (result.status !== 0)
      throw new Error(`lumen ${args.join(' ')} exited ${result.status}: ${result.stderr.trim()}`);
    seconds.push(elapsed);
  }
  return seconds;
}

/** A fresh connection and one PING: the Redis part of `lumen status`'s wall time. */
async function redisRoundTrip(url: string, runs: number): Promise<number[] | string> {
  const seconds: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const redis = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0 });
    try {
      await redis.connect();
      await redis.ping();
    } catch (error) {
      redis.disconnect();
      return error instanceof Error ? error.message : String(error);
    }
    seconds.push((performance.now() - started) / 1000);
    redis.disconnect();
  }
  return seconds;
}

const runs = option('--runs', 7);
const out = mkdtempSync(join(tmpdir(), 'lumen-bench-startup-'));
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const env = {
  ...process.env,
  LUMEN_OUT_DIR: out,
  LUMEN_QUEUE_PREFIX: `lumen-bench-startup-${process.pid}`,
  REDIS_URL: redisUrl,
};
const cases: Case[] = [
  { label: 'lumen --help', args: ['--help'], target: '<= 0.3 s' },
  { label: 'lumen --version', args: ['--version'], target: '<= 0.3 s' },
  { label: 'lumen status', args: ['status'], target: '<= 0.5 s + Redis' },
  { label: 'lumen validate (sample export)', args: ['validate', '--data', SAMPLE], target: '<= 1 s' },
];

const [load1, load5, load15] = loadavg().map((l) => l.toFixed(2));
process.stdout.write(
  `${new Date().toISOString()}  node ${process.version}  ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}  load average ${load1} ${load5} ${load15}\n`,
);
process.stdout.write(`median of ${runs} runs (min-max), wall time from spawn to exit\n\n`);
process.stdout.write(`| command | median s | min-max s | target |\n| --- | ---: | ---: | --- |\n`);
try {
  // One unmeasured run first: the OS file cache, not the first run's disk reads, is what users see.
  time(['--version'], env, 1);
  for (const c of cases) {
    let seconds: number[];
    try {
      seconds = time(c.args, env, runs);
    } catch (error) {
      process.stdout.write(
        `| ${c.label} | - | - | ${c.target} (${(error as Error).message.split('\n')[0]}) |\n`,
      );
      continue;
    }
    const row = `| ${c.label} | ${median(seconds).toFixed(2)} | ${Math.min(...seconds).toFixed(2)}-${Math.max(...seconds).toFixed(2)} | ${c.target} |`;
    process.stdout.write(`${row}\n`);
  }
  const ping = await redisRoundTrip(redisUrl, runs);
  process.stdout.write(
    typeof ping === 'string'
      ? `| Redis connect + PING | - | - | (${ping}) |\n`
      : `| Redis connect + PING (in-process) | ${median(ping).toFixed(3)} | ${Math.min(...ping).toFixed(3)}-${Math.max(...ping).toFixed(3)} | |\n`,
  );
} finally {
  rmSync(out, { recursive: true, force: true });
}
process.stdout.write(
  `\nload average after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}\n`,
);
