/**
 * What an operator sees from the real `lumen` process: one line and exit code 2 for every failure of
 * the queue (Redis unreachable, no worker, a refresh that failed), a worker that waits out Redis
 * quietly and says when it is connected, `lumen status` listing the workers, a success line carrying
 * the result; and the small CLI edges (--version, unknown options, a bad LUMEN_TZ and --help).
 * Redis is the shared one (this file's own key prefix) or a proxy to it that the test cuts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { generateLmsData } from '../../src/analytics/generate.ts';
import { runCli } from '../helpers/cli.ts';
import { editFile, removeTempDirs, tempDir } from '../helpers/fs.ts';
import { closedPort, startRedisProxy } from '../helpers/redis-proxy.ts';
import { deleteKeys, REDIS_URL, uniquePrefix } from '../jobs/redis-kit.ts';

const BIN = fileURLToPath(new URL('../../bin/lumen.mjs', import.meta.url));
const prefixes: string[] = [];
const children: ChildProcess[] = [];

function prefix(label: string): string {
  const made = uniquePrefix(label);
  prefixes.push(made);
  return made;
}

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const made of prefixes) await deleteKeys(made);
  removeTempDirs();
});

/** A server that accepts connections and never answers (a Redis that hangs). */
function silentServer(): Promise<{ port: number; server: Server }> {
  return new Promise((resolve) => {
    const server = createServer(() => {}).listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ port: typeof address === 'object' && address ? address.port : 0, server });
    });
  });
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

/** `lumen worker` as a child process; `output()` is everything it wrote to stderr so far. */
function startWorkerProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, [BIN, 'worker'], {
    env: { ...process.env, SLACK_BOT_TOKEN: '', LUMEN_DIGEST_CHANNEL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  const waitFor = async (pattern: RegExp, what: string, timeoutMs = 30_000) => {
    const started = Date.now();
    while (!pattern.test(output)) {
      if (child.exitCode !== null)
        throw new Error(`worker exited (${child.exitCode}) before ${what}:\n${output}`);
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { child, output: () => output, waitFor, stop };
}

describe('CLI edges', () => {
  test('--version prints the package version', async () => {
    const { version } = JSON.parse(
      readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8'),
    ) as { version: string };
    const result = await runCli(['--version']);
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  test('a mistyped option is reported as unknown, not as a missing required one', async () => {
    const result = await runCli(['validate', '--dta', 'x']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--dta'");
    expect(result.stderr).not.toContain('required option');
    // A really missing one is still named.
    const missing = await runCli(['validate']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--data <dir>' not specified");
  });

  test('a bad LUMEN_TZ does not stop --help; a command that runs names it in one line', async () => {
    const help = await runCli(['--help'], { LUMEN_TZ: 'Mars/Olympus' });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: lumen');
    const validate = await runCli(['validate', '--data', tempDir()], { LUMEN_TZ: 'Mars/Olympus' });
    expect(validate.code).toBe(2);
    expect(lines(validate.stderr)).toEqual(['lumen: LUMEN_TZ=Mars/Olympus is not a known IANA time zone']);
  });
});

describe('Redis unreachable', () => {
  // No timed assertion: the exit must come long before the test's timeout (it took ~8 s before
  // ioredis' 2 s disconnect wait was cut; now the connect timeout is the only wait).
  test.each(['status', 'refresh'])(
    'lumen %s against a closed port: one line naming Redis, exit 2',
    async (command) => {
      const result = await runCli([command], { REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
      expect(result.code).toBe(2);
      expect(lines(result.stderr)).toHaveLength(1);
      expect(result.stderr).toMatch(/^lumen: the job queue is down: cannot reach Redis at 127\.0\.0\.1:\d+ /);
    },
    15_000,
  );

  test('lumen status against a Redis that never answers: one line after the connect timeout, exit 2', async () => {
    const { port, server } = await silentServer();
    try {
      const result = await runCli(['status'], { REDIS_URL: `redis://127.0.0.1:${port}` });
      expect(result.code).toBe(2);
      expect(lines(result.stderr)).toEqual([
        `lumen: the job queue is down: cannot reach Redis at 127.0.0.1:${port} (no answer within 2000 ms)`,
      ]);
    } finally {
      server.close();
    }
  }, 15_000);

  test('lumen worker with Redis down: one line, quiet retries, a line when connected; then status lists it', async () => {
    const proxy = await startRedisProxy(REDIS_URL);
    await proxy.down();
    const queuePrefix = prefix('ops-worker');
    const env = { REDIS_URL: `redis://127.0.0.1:${proxy.port}`, LUMEN_QUEUE_PREFIX: queuePrefix };
    const worker = startWorkerProcess(env);
    try {
      await worker.waitFor(/cannot reach Redis/, 'the Redis-down line');
      expect(worker.output()).toContain('SLACK_BOT_TOKEN is not set');
      // Several reconnect attempts (0.5 s, 1 s, 2 s) go by without a word.
      await new Promise((resolve) => setTimeout(resolve, 4000));
      await proxy.up();
      await worker.waitFor(/waiting for jobs/, 'the worker to connect');
      const output = lines(worker.output());
      expect(output.filter((line) => line.includes('cannot reach Redis'))).toEqual([
        `lumen worker: cannot reach Redis at 127.0.0.1:${proxy.port} (ECONNREFUSED); retrying in the background (every 0.5-10 s)`,
      ]);
      expect(output).toContain(`lumen worker: connected to Redis at 127.0.0.1:${proxy.port}`);
      expect(output.some((line) => /^\s+at |ECONNREFUSED \d|Error:/.test(line))).toBe(false);

      const status = await runCli(['status'], env);
      expect(status.code).toBe(0);
      expect(status.stdout).toContain('workers: 1 connected');
      expect(status.stdout).toMatch(
        new RegExp(`  ${hostname()}-${worker.child.pid} \\(compute \\+ publish, connected \\d+ s\\)`),
      );
      const json = JSON.parse((await runCli(['status', '--json'], env)).stdout) as { workers: unknown[] };
      expect(json.workers).toEqual([
        expect.objectContaining({
          name: `${hostname()}-${worker.child.pid}`,
          queues: ['compute', 'publish'],
        }),
      ]);

      // Redis goes away while it runs, then comes back: one line each way.
      await proxy.down();
      await worker.waitFor(/connection lost/, 'the connection-lost line');
      await new Promise((resolve) => setTimeout(resolve, 2000));
      await proxy.up();
      await worker.waitFor(/connected to Redis[\s\S]*connected to Redis/, 'the reconnect line');
      const after = lines(worker.output());
      expect(after.filter((line) => line.includes('cannot reach Redis'))).toHaveLength(2);
      expect(after.some((line) => /^\s+at /.test(line))).toBe(false);
    } finally {
      await worker.stop();
      await proxy.close();
    }
  }, 90_000);
});

describe('refresh through a worker', () => {
  test('no worker: one line naming the queue, exit 2; with one: the result line; a failed refresh: one line, exit 2', async () => {
    const queuePrefix = prefix('ops-refresh');
    const dataDir = tempDir('lumen-ops-data-');
    const outDir = tempDir('lumen-ops-out-');
    await generateLmsData({ learners: 300, seed: 3, outDir: dataDir });
    const env = {
      REDIS_URL,
      LUMEN_QUEUE_PREFIX: queuePrefix,
      LUMEN_DATA_DIR: dataDir,
      LUMEN_OUT_DIR: outDir,
      LUMEN_DUCKDB_THREADS: '1',
    };

    const alone = await runCli(['refresh'], env);
    expect(alone.code).toBe(2);
    const [queued, noWorker, ...rest] = lines(alone.stderr);
    expect(queued).toMatch(/^refresh queued as job refresh-/);
    expect(noWorker).toMatch(
      new RegExp(`^lumen: no worker is running for queue ${queuePrefix}: start one with \`lumen worker\``),
    );
    expect(rest).toEqual([]);

    const worker = startWorkerProcess(env);
    try {
      await worker.waitFor(/waiting for jobs/, 'the worker');
      // The refresh queued above runs now; this one is deduplicated onto it or runs after it.
      const done = await runCli(['refresh'], env);
      expect(done.code).toBe(0);
      const match =
        /^refresh (\S+) done: as of (\d{4}-\d{2}-\d{2}), (\d+) enrolments at risk, dashboard (\S+dashboard\.html)\n$/.exec(
          done.stdout,
        );
      expect(match, done.stdout).not.toBeNull();
      expect(existsSync(match?.[4] ?? '')).toBe(true);

      editFile(join(dataDir, 'lms_users.csv'), (text) => text.replace(/^user_id,/, 'uid,'));
      const failed = await runCli(['refresh'], env);
      expect(failed.code).toBe(2);
      const failure = lines(failed.stderr).filter((line) => line.startsWith('lumen:'));
      expect(failure).toEqual([
        expect.stringMatching(
          /^lumen: refresh job \S+ failed: lms_users\.csv: missing required column "user_id"$/,
        ),
      ]);
      expect(failed.stderr).not.toMatch(/^\s+at /m);
    } finally {
      await worker.stop();
    }
  }, 180_000);
});
