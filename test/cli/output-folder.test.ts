/**
 * Output-folder failures of the real `lumen` process: OUT is a file, read-only, or on a full disk.
 * Each ends with one line naming the folder and what to do, exit code 2, and the outputs already in
 * the folder unchanged. Read-only and full disks are real: a small tmpfs mounted for the test (root
 * only); without permission to mount, those tests are skipped and say why.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { folderSnapshot, removeTempDirs, SAMPLE_DIR, tempDir } from '../helpers/fs.ts';

const mounted: string[] = [];

afterAll(() => {
  for (const dir of mounted.splice(0)) {
    try {
      execFileSync('umount', [dir]);
      rmdirSync(dir);
    } catch {
      // left for the temp folder cleanup below
    }
  }
  removeTempDirs();
});

/** Mounts a tmpfs of `size` (e.g. "8m"); null with the reason when this process may not mount. */
function mountTmpfs(size: string): string | null {
  const dir = tempDir('lumen-tmpfs-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch {
    return null;
  }
  mounted.push(dir);
  return dir;
}

const probe = mountTmpfs('64k');
const mountReason = probe ? '' : ' (skipped: cannot mount a tmpfs here; needs root)';

const snapshot = folderSnapshot;

function stderrLines(text: string): string[] {
  return text.split('\n').filter((line) => line.startsWith('lumen:') || /^\s+at /.test(line));
}

/** Fills the file system of `dir` until `leaveKb` KiB are left. */
function fill(dir: string, leaveKb: number): void {
  rmSync(join(dir, 'filler'), { force: true });
  const { bavail, bsize } = statfsSync(dir);
  const filler = join(dir, 'filler');
  const bytes = Math.max(0, bavail * bsize - leaveKb * 1024);
  writeFileSync(filler, Buffer.alloc(bytes));
}

describe('output folder failures', () => {
  test('OUT is a file: one line naming it, exit 2, the file untouched', async () => {
    const file = join(tempDir(), 'out');
    writeFileSync(file, 'not a folder\n');
    for (const out of [file, join(file, 'sub')]) {
      const result = await runCli(['run', '--data', SAMPLE_DIR, '--out', out]);
      expect(result.code).toBe(2);
      expect(stderrLines(result.stderr)).toEqual([
        `lumen: ${file} is a file, not a folder: pass a folder as --out, or move the file away (outputs already there are unchanged)`,
      ]);
    }
    expect(readFileSync(file, 'utf8')).toBe('not a folder\n');
  }, 60_000);

  test.skipIf(!probe)(
    `read-only OUT: one line, exit 2, the earlier run intact${mountReason}`,
    async () => {
      const disk = mountTmpfs('16m') as string;
      const out = join(disk, 'out');
      expect((await runCli(['run', '--data', SAMPLE_DIR, '--out', out])).code).toBe(0);
      const before = snapshot(out);
      execFileSync('mount', ['-o', 'remount,ro', disk]);
      const result = await runCli(['run', '--data', SAMPLE_DIR, '--out', out]);
      expect(result.code).toBe(2);
      expect(stderrLines(result.stderr)).toEqual([
        `lumen: ${out}: read-only file system: pass an --out folder on a writable disk (outputs already there are unchanged)`,
      ]);
      expect(snapshot(out)).toEqual(before);
    },
    60_000,
  );

  test.skipIf(!probe)(
    `disk full: one line, exit 2, the earlier run intact${mountReason}`,
    async () => {
      const disk = mountTmpfs('16m') as string;
      const out = join(disk, 'out');
      expect((await runCli(['run', '--data', SAMPLE_DIR, '--out', out])).code).toBe(0);
      const before = snapshot(out);
      fill(disk, 40);
      const line = `lumen: ${out}: no space left on the disk: free some space or pass an --out folder on another disk (outputs already there are unchanged)`;
      // A write of Lumen's own (charts) fails first here.
      const run = await runCli(['run', '--data', SAMPLE_DIR, '--out', out]);
      expect(run.code).toBe(2);
      expect(stderrLines(run.stderr)).toEqual([line]);
      expect(snapshot(out)).toEqual(before);
      // And here DuckDB's COPY (it reports the error as text, naming the staging file).
      fill(disk, 4);
      const features = await runCli(['features', '--data', SAMPLE_DIR, '--out', out]);
      expect(features.code).toBe(2);
      expect(stderrLines(features.stderr)).toEqual([line]);
      expect(snapshot(out)).toEqual(before);
    },
    90_000,
  );
});
