/**
 * The run folder's contract, part 2: where runs live and which run is which. Every run (a refresh
 * job's attempt, `lumen run`, `train`, `score`, `charts`) writes a new folder OUT/runs/<runId>/ that no
 * other attempt shares, and publishes it by switching OUT/latest, a symlink replaced by renaming a new
 * symlink over it (atomic on POSIX file systems: readers see the old run or the new one, never a mix).
 * Nothing here deletes or rewrites a published run: only pruning removes folders, and never the one
 * OUT/latest points at, the run before it, or a run newer than it (it may still be being written).
 */
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { ModelArtifact } from '../analytics/model/artifact.ts';
import type { ModelCard } from '../analytics/model/card.ts';
import { LumenError } from '../errors.ts';
import { RUN_FILES, type RunManifest, type RunSource, type RunSummary } from './files.ts';
import { chartPng, readManifest, readModelCard, readRunSummary, readSavedModel } from './read.ts';

export const KEEP_RUN_FOLDERS = 50;

export function runsDir(outDir: string): string {
  return join(outDir, 'runs');
}

export function latestPath(outDir: string): string {
  return join(outDir, 'latest');
}

/**
 * A run id no other attempt gets: the start time to the millisecond (folder names sort by start), the
 * label (a job id, `cli`) and random bytes, so a retried or recovered job never reuses the folder of
 * an earlier attempt (which may be the published run).
 */
export function newRunId(label: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '');
  return `${stamp}-${label.replace(/[^A-Za-z0-9_.-]/g, '_')}-${randomBytes(4).toString('hex')}`;
}

/** Creates OUT/runs/<new id>/; fails rather than reuse a folder that exists. */
export function createRunFolder(outDir: string, label: string): { runId: string; runDir: string } {
  mkdirSync(runsDir(outDir), { recursive: true });
  const runId = newRunId(label);
  const runDir = join(runsDir(outDir), runId);
  mkdirSync(runDir);
  return { runId, runDir };
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

/** What a new run takes from the run OUT/latest points at. */
export interface LatestRun {
  readonly dir: string;
  readonly manifest: RunManifest | null;
  readonly summary: RunSummary | null;
  /** Its saved model (null: none, or one this version cannot use) and that model's card. */
  readonly model: ModelArtifact | null;
  readonly card: ModelCard | null;
}

export function readLatestRun(outDir: string): LatestRun | null {
  const dir = latestRunFolder(outDir);
  if (!dir) return null;
  const model = readSavedModel(dir);
  const card = readModelCard(dir);
  return {
    dir,
    manifest: readManifest(dir),
    summary: readRunSummary(dir),
    model,
    card: model && card?.modelVersion === model.version ? card : null,
  };
}

/** OUT/latest's run folder, or a one-line failure saying how to get one. */
export function latestRunFolderOrFail(outDir: string): string {
  const dir = latestRunFolder(outDir);
  if (!dir)
    throw new LumenError(
      'MISSING_OUTPUT',
      `no published run in ${outDir} yet: ${latestPath(outDir)} does not exist (run lumen run --out ${outDir}, or a refresh)`,
    );
  return dir;
}

/** Points OUT/latest at runs/<runId> (atomic rename). Runs publish through publishRun, which calls it. */
export function switchLatest(outDir: string, runId: string): void {
  const link = latestPath(outDir);
  if (existsSync(link) && !lstatSync(link).isSymbolicLink()) {
    throw new LumenError('BAD_CONFIG', `${link} is a real folder, not a link to a run; move it away first`);
  }
  const temp = join(outDir, `.latest-${process.pid}-${randomBytes(4).toString('hex')}`);
  // Relative target: the output folder stays valid when mounted elsewhere (shared volume).
  symlinkSync(join('runs', runId), temp);
  renameSync(temp, link);
}

/**
 * Publishes a complete run folder: writes its run.json (naming the run it replaces), switches
 * OUT/latest to it (the one act of publication) and prunes old folders. Returns the manifest.
 */
export function publishRun(
  outDir: string,
  runDir: string,
  fields: {
    readonly dataFingerprint: string | null;
    readonly modelVersion: string | null;
    readonly trained: boolean;
    readonly source: RunSource;
  },
): RunManifest {
  const runId = basename(runDir);
  const replaced = latestRunFolder(outDir);
  const manifest: RunManifest = {
    runId,
    ...fields,
    finishedAt: new Date().toISOString(),
    previousRunId: replaced && basename(replaced) !== runId ? basename(replaced) : null,
  };
  const temp = join(runDir, `.${RUN_FILES.manifest}.${process.pid}`);
  writeFileSync(temp, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(temp, join(runDir, RUN_FILES.manifest));
  switchLatest(outDir, runId);
  pruneRunFolders(outDir);
  return manifest;
}

/** Run folder names under OUT/runs, newest first. */
function runNames(outDir: string): string[] {
  const dir = runsDir(outDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort()
    .reverse();
}

/** A run that finished (run.json) and has a summary: one a comparison can use. */
function isComplete(dir: string): boolean {
  return existsSync(join(dir, RUN_FILES.manifest)) && existsSync(join(dir, RUN_FILES.summary));
}

/**
 * The run published before `runDir`: the one its run.json says it replaced; for runs written before
 * run.json said so, the newest earlier run folder that finished. Null for the first run.
 */
export function previousRunFolder(outDir: string, runDir: string): string | null {
  let manifest: RunManifest | null = null;
  try {
    manifest = readManifest(runDir);
  } catch {
    manifest = null;
  }
  if (manifest && manifest.previousRunId !== undefined) {
    if (manifest.previousRunId === null) return null;
    const dir = join(runsDir(outDir), manifest.previousRunId);
    return isComplete(dir) ? dir : null;
  }
  const id = basename(runDir);
  const earlier = runNames(outDir).find((name) => name < id && isComplete(join(runsDir(outDir), name)));
  return earlier ? join(runsDir(outDir), earlier) : null;
}

/** The as-of date of a run folder (run_summary.json), or null when it has none or it is unreadable. */
export function runAsOf(runDir: string): string | null {
  try {
    return readRunSummary(runDir)?.asOf ?? null;
  } catch {
    return null;
  }
}

/**
 * The run folder a digest of data as of `asOf` compares itself with: among the runs that finished
 * (run.json; every run folder when none has one), the newest whose data is as of `preferAsOf` when
 * given (the previous digest's), else the newest with data older than `asOf`; null when none.
 */
export function baselineRunFolder(
  outDir: string,
  asOf: string,
  preferAsOf: string | null = null,
): string | null {
  const runs = runNames(outDir)
    .map((name) => join(runsDir(outDir), name))
    .filter((path) => existsSync(join(path, RUN_FILES.outcomes)));
  const finished = runs.filter((path) => existsSync(join(path, RUN_FILES.manifest)));
  const dated = (finished.length ? finished : runs).map((path) => ({ path, asOf: runAsOf(path) }));
  if (preferAsOf) {
    const exact = dated.find((run) => run.asOf === preferAsOf);
    if (exact) return exact.path;
  }
  let best: { path: string; asOf: string } | null = null;
  for (const run of dated) {
    if (run.asOf && run.asOf < asOf && (!best || run.asOf > best.asOf))
      best = { path: run.path, asOf: run.asOf };
  }
  return best?.path ?? null;
}

/**
 * Removes run folders beyond the newest `keep`, never the run OUT/latest points at, the run before it
 * (a digest or an at-risk change compares with it) or any run newer than it (possibly in progress).
 */
export function pruneRunFolders(outDir: string, keep = KEEP_RUN_FOLDERS): string[] {
  const latest = latestRunFolder(outDir);
  if (!latest) return [];
  const latestId = basename(latest);
  const previous = previousRunFolder(outDir, latest);
  const protectedIds = new Set([latestId, ...(previous ? [basename(previous)] : [])]);
  const removed: string[] = [];
  for (const name of runNames(outDir).slice(keep)) {
    if (protectedIds.has(name) || name > latestId) continue;
    const path = join(runsDir(outDir), name);
    rmSync(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}

/** OUT/latest/charts/<chart>.png, or a one-line failure when the chart was not rendered. */
export function latestChartOrFail(outDir: string, chart: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(chart))
    throw new LumenError('MISSING_OUTPUT', `${chart} is not a chart id`);
  const runDir = latestRunFolderOrFail(outDir);
  const path = chartPng(runDir, chart);
  if (!path) {
    throw new LumenError(
      'MISSING_OUTPUT',
      `chart ${chart} has not been rendered: ${join(runDir, RUN_FILES.charts, `${chart}.png`)} does not exist`,
    );
  }
  return path;
}
