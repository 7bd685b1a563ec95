#!/usr/bin/env node
// Compiles src/ to dist/ (JavaScript beside nothing else: queries/ and fonts are read from where they
// are, see QUERIES_DIR in src/analytics/db.ts), so no TypeScript runs at run time. `npm install` runs
// it (the prepare script); vitest runs it with --if-stale before any test (test/global-setup.ts), so
// the CLI the tests spawn is never older than the sources.
//
//   node scripts/build.mjs             # always compile (incremental: only what changed is re-emitted)
//   node scripts/build.mjs --if-stale  # compile only when a source is newer than the last build
//
// Type errors do not stop the build (--noCheck: emit only, ~4x faster); `npm run typecheck` and CI
// check types.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// fileURLToPath, not import.meta.dirname/filename: those need Node 20.11, and engines says 20.
const SELF = fileURLToPath(import.meta.url);
const ROOT = join(dirname(SELF), '..');
const DIST = join(ROOT, 'dist');
// What the last build compiled: the newest source modification time it saw. File times come from
// the file system, never from this process's clock, so a build under faketime stays comparable.
const STAMP = join(DIST, '.build-stamp.json');

function newestMtimeMs(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtimeMs(join(path, entry)));
  return newest;
}

function builtFrom() {
  try {
    return JSON.parse(readFileSync(STAMP, 'utf8')).sourcesMtimeMs ?? -1;
  } catch {
    return -1;
  }
}

function newestSourceMtimeMs() {
  return Math.max(
    newestMtimeMs(join(ROOT, 'src')),
    newestMtimeMs(join(ROOT, 'tsconfig.json')),
    newestMtimeMs(join(ROOT, 'tsconfig.build.json')),
  );
}

/** True when dist/ holds a build of sources whose newest modification time is `sources`. */
function builtFromSources(sources) {
  return existsSync(join(DIST, 'cli.js')) && builtFrom() >= sources;
}

/** True when dist/ was compiled from the sources as they are now (no source changed since). */
function buildIsCurrent() {
  return builtFromSources(newestSourceMtimeMs());
}

let tsxRegistered = null;

/**
 * Lumen's module at src/<path> (no extension, e.g. 'jobs/job-worker') for plain JavaScript run from
 * the checkout (the sandboxed jobs of a worker started from the sources, the worker processes the
 * tests spawn): the dist/ build when it is current, which spares each process the ~1-2 s of CPU that
 * loading the sources through tsx costs; otherwise the sources, through tsx (a dev dependency).
 */
export async function lumenModule(path) {
  if (buildIsCurrent()) return import(pathToFileURL(join(DIST, `${path}.js`)).href);
  tsxRegistered ??= import('tsx/esm/api').then(({ register }) => register());
  await tsxRegistered;
  return import(pathToFileURL(join(ROOT, 'src', `${path}.ts`)).href);
}

export function build({ ifStale = false } = {}) {
  const sources = newestSourceMtimeMs();
  if (ifStale && builtFromSources(sources)) return false;
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--noCheck'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  writeFileSync(STAMP, `${JSON.stringify({ sourcesMtimeMs: sources })}\n`);
  return true;
}

// Run as a script (not imported by test/global-setup.ts); the loader gives SELF with links resolved.
if (process.argv[1] && realpathSync(process.argv[1]) === SELF) {
  try {
    build({ ifStale: process.argv.includes('--if-stale') });
  } catch {
    // tsc printed its errors.
    process.exitCode = 1;
  }
}
