/**
 * Tables are compressed (a DuckDB checkpoint) once they hold more than half of DuckDB's memory limit,
 * and not before; the rows are the same after.
 */
import { afterAll, expect, test } from 'vitest';
import { Db, parseDuckDbBytes } from '../../src/analytics/db.ts';
import { removeTempDirs, tempDir } from '../helpers/fs.ts';

afterAll(removeTempDirs);

const tableBytes = async (db: Db) => {
  const [row] = await db.all<{ bytes: bigint | null }>(
    `SELECT sum(memory_usage_bytes) AS bytes FROM duckdb_memory() WHERE tag = 'IN_MEMORY_TABLE'`,
  );
  return Number(row?.bytes ?? 0);
};

test('DuckDB sizes read as bytes', () => {
  expect(parseDuckDbBytes('3.6 GiB')).toBeCloseTo(3.6 * 2 ** 30, 0);
  expect(parseDuckDbBytes('512.0 MiB')).toBe(512 * 2 ** 20);
  expect(parseDuckDbBytes('4.0 GB')).toBe(4e9);
  expect(parseDuckDbBytes('0 bytes')).toBe(0);
  expect(parseDuckDbBytes('a lot')).toBeNull();
});

test('a table under half the memory limit is left as it is; over it, compressed with the same rows', async () => {
  const db = await Db.open({
    tz: 'UTC',
    threads: 1,
    memoryLimit: '256MB',
    tempDirectory: tempDir('lumen-compact-'),
  });
  try {
    // About 10 MB uncompressed: well under half of 256 MB.
    await db.run(
      `CREATE TABLE small AS SELECT 'module-' || (i % 50) AS module_id, i FROM range(300000) t(i)`,
    );
    expect(await db.compactIfLarge()).toBe(false);
    // A few hundred MB uncompressed, the repetitive text a lesson file holds: over half the limit.
    await db.run(
      `CREATE TABLE events AS SELECT 'U' || lpad((i % 5000)::VARCHAR, 7, '0') AS user_id,
              'module-' || (i % 50) AS module_id, (i % 7) * 10 AS progress FROM range(8000000) t(i)`,
    );
    const before = await tableBytes(db);
    const checksum = `SELECT count(*) AS n, sum(hash(user_id, module_id, progress)) AS h FROM events`;
    const [rowsBefore] = await db.all(checksum);
    expect(await db.compactIfLarge()).toBe(true);
    expect(await tableBytes(db)).toBeLessThan(before / 4);
    expect(await db.all(checksum)).toEqual([rowsBefore]);
  } finally {
    db.close();
  }
});
