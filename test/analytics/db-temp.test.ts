/**
 * Each DuckDB database spills into its own folder inside LUMEN_DUCKDB_TEMP, removed on close, and
 * the folders of processes killed before they closed theirs are removed by the next database opened.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { Db } from '../../src/analytics/db.ts';
import { removeTempDirs, tempDir } from '../helpers/fs.ts';

afterAll(removeTempDirs);

async function spillFolder(db: Db): Promise<string> {
  const [row] = await db.all<{ dir: string }>(`SELECT current_setting('temp_directory') AS dir`);
  return String(row?.dir);
}

test('two databases get two spill folders under the configured one; closing removes each', async () => {
  const base = tempDir('lumen-spill-');
  const options = { tz: 'UTC', threads: 1, memoryLimit: '64MB', tempDirectory: base };
  const [first, second] = [await Db.open(options), await Db.open(options)];
  const [a, b] = [await spillFolder(first), await spillFolder(second)];
  expect(a).not.toBe(b);
  for (const dir of [a, b]) {
    expect(dirname(dir)).toBe(base);
    expect(existsSync(dir)).toBe(true);
  }
  // A sort larger than the memory limit still works with the per-database folder.
  const [row] = await first.all<{ n: bigint }>(
    `SELECT count(*) AS n FROM (SELECT i, md5(i::VARCHAR) AS h FROM range(3000000) t(i) ORDER BY h)`,
  );
  expect(Number(row?.n)).toBe(3_000_000);
  first.close();
  expect(existsSync(a)).toBe(false);
  expect(existsSync(b)).toBe(true);
  second.close();
  expect(readdirSync(base)).toEqual([]);
});

test('opening a database removes the spill folders of processes that are gone, and only those', async () => {
  const base = tempDir('lumen-spill-');
  // A process that has exited (its id is free) and one that is still running.
  const gone = spawnSync(process.execPath, ['-e', '']).pid;
  const running = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  try {
    const deadDir = join(base, `${gone}-aB3xYz`);
    const liveDir = join(base, `${running.pid}-Qw9rTy`);
    for (const dir of [deadDir, liveDir, join(base, 'not-a-spill-folder')]) {
      mkdirSync(dir);
      writeFileSync(join(dir, 'duckdb_temp_storage-0.tmp'), 'spilled');
    }
    const db = await Db.open({ tz: 'UTC', threads: 1, tempDirectory: base });
    const own = await spillFolder(db);
    expect(readdirSync(base).sort()).toEqual([basename(liveDir), 'not-a-spill-folder', basename(own)].sort());
    db.close();
  } finally {
    running.kill();
  }
});
