/**
 * Run folders: every refresh writes OUT/runs/<runId>/, and OUT/latest is a symlink switched to a run
 * only when it succeeded. The switch is a rename of a fresh symlink over the old one, which is
 * atomic on POSIX file systems: readers see the old run or the new one, never a mix.
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { JobsError } from '../jobs-error.ts';

export const KEEP_RUN_FOLDERS = 50;

export function runsDir(outDir: string): string {
  return join(outDir, 'runs');
}

export function latestPath(outDir: string): string {
  return join(outDir, 'latest');
}

/** Filesystem-safe, sortable by creation time, stable across retries of the same job. */
export function runIdFor(jobId: string, createdAt: number): string {
  const stamp = new Date(createdAt)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${jobId.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}

/** An empty run folder; whatever an interrupted earlier attempt left there is discarded. */
export function freshRunFolder(outDir: string, runId: string): string {
  const dir = join(runsDir(outDir), runId);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The run folder OUT/latest points at, or null when there is none yet. */
export function latestRunFolder(outDir: string): string | null {
  const link = latestPath(outDir);
  try {
    if (!lstatSync(link).isSymbolicLink()) return null;
  } catch {
    return null;
  }
  const target = resolve(outDir, readlinkSync(link));
  return existsSync(target) ? target : null;
}

export function switchLatest(outDir: string, runId: string): void {
  const link = latestPath(outDir);
  if (existsSync(link) && !lstatSync(link).isSymbolicLink()) {
    throw new JobsError('BAD_CONFIG', `${link} is a real folder, not a link to a run; move it away first`);
  }
  const temp = join(outDir, `.latest-${process.pid}-${Date.now()}`);
  // Relative target: the output folder stays valid when mounted elsewhere (shared volume).
  symlinkSync(join('runs', runId), temp);
  renameSync(temp, link);
}

/** Removes run folders beyond the newest `keep`, never the one OUT/latest points at. */
export function pruneRunFolders(outDir: string, keep = KEEP_RUN_FOLDERS): string[] {
  const dir = runsDir(outDir);
  if (!existsSync(dir)) return [];
  const current = latestRunFolder(outDir);
  const runs = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort()
    .reverse();
  const removed: string[] = [];
  for (const name of runs.slice(keep)) {
    const path = join(dir, name);
    if (current && basename(current) === name) continue;
    rmSync(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}
