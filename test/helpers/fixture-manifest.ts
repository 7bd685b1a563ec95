/**
 * The manifest of a shared fixture (test/helpers/shared-fixtures.ts): its files with size and
 * mtime when built, so the end of the test run can say when a test wrote into a shared fixture.
 * No vitest import: the global setup uses it too.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const MANIFEST = '.fixture-manifest.json';

type Manifest = Record<string, { size: number; mtimeMs: number }>;

export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

export function writeManifest(dir: string): void {
  const manifest: Manifest = {};
  for (const path of filesUnder(dir)) {
    const { size, mtimeMs } = statSync(path);
    manifest[relative(dir, path)] = { size, mtimeMs };
  }
  writeFileSync(join(dir, MANIFEST), JSON.stringify(manifest));
}

/** The files of a fixture changed, removed or added since it was built. */
export function changedFixtureFiles(dir: string): string[] {
  const manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as Manifest;
  const now = new Set(filesUnder(dir).map((path) => relative(dir, path)));
  now.delete(MANIFEST);
  const changed: string[] = [];
  for (const [name, was] of Object.entries(manifest)) {
    if (!now.delete(name)) {
      changed.push(`${name} (removed)`);
      continue;
    }
    const { size, mtimeMs } = statSync(join(dir, name));
    if (size !== was.size || mtimeMs !== was.mtimeMs) changed.push(name);
  }
  for (const name of now) changed.push(`${name} (added)`);
  return changed;
}
