/** Each DuckDB database spills into its own folder inside LUMEN_DUCKDB_TEMP, removed on close. */
import { existsSync, readdirSync } from 'node:fs';
import { dirname } from 'node:path';
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
