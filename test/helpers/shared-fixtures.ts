/**
 * Expensive fixtures built once per `npm test` run and shared, read-only, by every test file that
 * asks for the same one: generated exports keyed by their generator settings, and the scored run
 * the bot tests publish.
 *
 * They live under one folder per run (test/global-setup.ts makes it, hands it to the files with
 * vitest's provide/inject, checks at the end that no test wrote into a fixture, and removes it).
 * Test files run in parallel processes, so the first to ask builds a fixture under a lock file
 * (created exclusively, holding its pid) into a private folder renamed into place when complete;
 * the others wait for the folder. A test that changes data works on a copy (`copiedExport`).
 * Fixture files are made read-only (0444), which stops writes on machines not running as root.
 */
import {
  chmodSync,
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { type GenerateOptions, generateLmsData } from '../../src/analytics/generate.ts';
import { processAlive } from '../../src/process-alive.ts';
import { filesUnder, MANIFEST, writeManifest } from './fixture-manifest.ts';
import { tempDir } from './fs.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Folder of this run's shared fixtures (test/global-setup.ts). */
    lumenFixtureRoot: string;
  }
}

let fallbackRoot: string | undefined;

/** This run's fixture folder; a file run without the global setup gets a folder of its own. */
export function fixtureRoot(): string {
  let root: string | undefined;
  try {
    root = inject('lumenFixtureRoot');
  } catch {
    root = undefined;
  }
  if (root) return root;
  fallbackRoot ??= tempDir('lumen-fixtures-');
  return fallbackRoot;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The folder of fixture `key`, built by `build` (which fills the empty folder it is given) the
 * first time any test file of this run asks for it. Read it, never write into it.
 */
export async function sharedFixture(key: string, build: (dir: string) => Promise<void>): Promise<string> {
  if (!/^[\w.=,-]+$/.test(key)) throw new Error(`fixture key must be a plain file name: ${key}`);
  const root = fixtureRoot();
  mkdirSync(root, { recursive: true });
  const dir = join(root, key);
  const lock = `${dir}.lock`;
  for (;;) {
    if (existsSync(join(dir, MANIFEST))) return dir;
    let fd: number;
    try {
      fd = openSync(lock, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // Another file builds it; take the lock over only when its holder died mid-build.
      const holder = Number.parseInt(readFileSync(lock, 'utf8') || '0', 10);
      if (holder > 0 && !processAlive(holder)) rmSync(lock, { force: true });
      else await sleep(100);
      continue;
    }
    try {
      writeSync(fd, String(process.pid));
      closeSync(fd);
      if (existsSync(join(dir, MANIFEST))) return dir;
      const building = mkdtempSync(`${dir}.building-`);
      try {
        await build(building);
        for (const path of filesUnder(building)) chmodSync(path, 0o444);
        writeManifest(building);
        rmSync(dir, { recursive: true, force: true });
        renameSync(building, dir);
      } catch (error) {
        rmSync(building, { recursive: true, force: true });
        throw error;
      }
      return dir;
    } finally {
      rmSync(lock, { force: true });
    }
  }
}

export type ExportSettings = Omit<GenerateOptions, 'outDir' | 'onProgress' | 'truthPath'>;

function exportKey(settings: ExportSettings): string {
  const parts = Object.entries(settings)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}=${String(value)}`);
  return `export-${parts.join(',')}`;
}

/**
 * A generated export (generateLmsData with these settings), generated once per test run and
 * shared: read-only. Use `copiedExport` to change it.
 */
export function sharedExport(settings: ExportSettings): Promise<string> {
  return sharedFixture(exportKey(settings), async (dir) => {
    await generateLmsData({ ...settings, outDir: dir });
  });
}

/**
 * Copies a shared fixture's folder (or a folder in it) into `to`, writable, without the manifest and
 * without the entries (files or folders directly in `from`) named in `leaveOut`.
 */
export function copyFixture(from: string, to: string, leaveOut: readonly string[] = []): string {
  const left = new Set(leaveOut.map((name) => join(from, name)));
  cpSync(from, to, { recursive: true, filter: (source) => !source.endsWith(MANIFEST) && !left.has(source) });
  for (const path of filesUnder(to)) chmodSync(path, 0o644);
  return to;
}

/** A writable copy of the shared generated export with these settings, in a new temp folder. */
export async function copiedExport(settings: ExportSettings, prefix = 'lumen-data-'): Promise<string> {
  return copyFixture(await sharedExport(settings), tempDir(prefix));
}
