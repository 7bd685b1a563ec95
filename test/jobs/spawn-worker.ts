/**
 * A real worker process (test/jobs/worker-process.mjs) on a test's queue prefix, with short lock and
 * stalled intervals so a killed worker's job is recovered within seconds. Resolves once it is ready.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { REDIS_URL } from './redis-kit.ts';

const WORKER_SCRIPT = new URL('./worker-process.mjs', import.meta.url).pathname;

export function spawnWorker(opts: {
  prefix: string;
  dataDir: string;
  outDir: string;
}): Promise<ChildProcess> {
  const proc = spawn(process.execPath, [WORKER_SCRIPT], {
    env: {
      ...process.env,
      REDIS_URL,
      LUMEN_QUEUE_PREFIX: opts.prefix,
      LUMEN_DATA_DIR: opts.dataDir,
      LUMEN_OUT_DIR: opts.outDir,
      LUMEN_DUCKDB_THREADS: '1',
      LUMEN_DUCKDB_MEMORY: '1GB',
      TEST_LOCK_MS: '2000',
      TEST_STALLED_MS: '1000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let stderr = '';
    proc.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    proc.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(proc);
    });
    proc.on('exit', (code) => reject(new Error(`worker exited early (${code}): ${stderr}`)));
  });
}
