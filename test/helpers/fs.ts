import { createHash } from 'node:crypto';
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SAMPLE_DIR = fileURLToPath(new URL('../fixtures/lumenra-sample/', import.meta.url));

const made: string[] = [];

export function tempDir(prefix = 'lumen-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A writable copy of the sample export. */
export function copySample(): string {
  const dir = tempDir('lumen-data-');
  cpSync(SAMPLE_DIR, dir, { recursive: true });
  return dir;
}

export function editFile(path: string, edit: (text: string) => string): void {
  writeFileSync(path, edit(readFileSync(path, 'utf8')));
}

/** Parses a CSV without quoted fields (our own outputs) into objects. */
export function readSimpleCsv(path: string): Record<string, string>[] {
  const [header, ...rows] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const names = (header ?? '').split(',');
  return rows.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i], v])));
}

/**
 * Every file under `dir` (relative path) with the SHA-256 of its content and its modification time,
 * and every symlink with its target (OUT/latest), hidden folders included: equal snapshots mean
 * nothing was changed, rewritten or switched.
 */
export function folderSnapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isSymbolicLink()) files[relative(dir, path)] = `-> ${readlinkSync(path)}`;
      else if (entry.isDirectory()) walk(path);
      else
        files[relative(dir, path)] =
          `${createHash('sha256').update(readFileSync(path)).digest('hex')}:${statSync(path).mtimeMs}`;
    }
  };
  walk(dir);
  return files;
}
