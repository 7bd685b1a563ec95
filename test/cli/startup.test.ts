/**
 * `lumen` loads only what the command it runs needs (issue 16 section 2): `--help` and `--version`
 * load commander and nothing else from node_modules; `status` and `validate` load no Vega, sharp,
 * DuckDB or Bolt that they do not use. Every module the built CLI resolves is recorded by a module
 * hook (test/helpers/trace-imports.mjs); a package shows there as soon as our code imports it.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { removeTempDirs, SAMPLE_DIR, tempDir } from '../helpers/fs.ts';
import { closedPort } from '../helpers/redis-proxy.ts';

afterAll(removeTempDirs);

const BIN = fileURLToPath(new URL('../../bin/lumen.mjs', import.meta.url));
const TRACE = fileURLToPath(new URL('../helpers/trace-imports.mjs', import.meta.url));

/** What each heavy package is, as the trace names it (node_modules/<package>/...). */
const HEAVY = ['vega', 'vega-lite', 'sharp', '@duckdb/node-api', '@slack/bolt', 'bullmq', 'ioredis'];

/** Runs `lumen ...args` and returns its exit code and the npm packages it loaded. */
function packagesLoaded(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; packages: string[] }> {
  const trace = join(tempDir('lumen-trace-'), 'modules.txt');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', TRACE, BIN, ...args],
      { env: { ...process.env, ...env, LUMEN_TRACE_IMPORTS: trace } },
      (error) => {
        let urls: string[] = [];
        try {
          urls = readFileSync(trace, 'utf8').split('\n').filter(Boolean);
        } catch {}
        const packages = new Set<string>();
        for (const url of urls) {
          const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
          if (match?.[1]) packages.add(match[1]);
        }
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, packages: [...packages].sort() });
      },
    );
  });
}

describe('what a command loads', () => {
  test('the trace sees packages (the check would otherwise pass on nothing)', async () => {
    const { code, packages } = await packagesLoaded(['validate', '--data', SAMPLE_DIR]);
    expect(code).toBe(0);
    expect(packages).toContain('@duckdb/node-api');
  });

  test.each([['--help'], ['--version'], ['help', 'run'], ['charts', '--help'], ['bot', '--help']])(
    'lumen %s loads commander only',
    async (...args: string[]) => {
      const { code, packages } = await packagesLoaded(args);
      expect(code).toBe(0);
      expect(packages).toEqual(['commander']);
    },
  );

  test('lumen status loads the queue client and no Vega, sharp, DuckDB or Bolt', async () => {
    // Redis unreachable: the command gets as far as connecting, with every module it uses loaded.
    const { code, packages } = await packagesLoaded(['status'], {
      REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
    });
    expect(code).toBe(2);
    expect(packages).toContain('bullmq');
    expect(packages.filter((p) => HEAVY.includes(p))).toEqual(['bullmq', 'ioredis']);
  });

  test('lumen validate loads DuckDB and no Vega, sharp, Bolt or queue', async () => {
    const { code, packages } = await packagesLoaded(['validate', '--data', SAMPLE_DIR]);
    expect(code).toBe(0);
    expect(packages.filter((p) => HEAVY.includes(p))).toEqual(['@duckdb/node-api']);
  });
});
