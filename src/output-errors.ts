/**
 * Failures of the output folder (a file where a folder should be, read-only, no permission, disk
 * full) as one line naming the path and what to do. Writes are staged (src/analytics/output.ts), so
 * outputs already in the folder are left as they were; the line says so.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { LumenError } from './errors.ts';

type FsProblem = 'not-a-folder' | 'read-only' | 'permission' | 'full';

const BY_CODE: Record<string, FsProblem> = {
  EEXIST: 'not-a-folder',
  ENOTDIR: 'not-a-folder',
  EROFS: 'read-only',
  EACCES: 'permission',
  EPERM: 'permission',
  ENOSPC: 'full',
  EDQUOT: 'full',
};

/** DuckDB reports its own writes (COPY, spill files) as text, without an errno code. */
const BY_MESSAGE: Array<[RegExp, FsProblem]> = [
  [/No space left on device|Disk quota exceeded/i, 'full'],
  [/Read-only file system/i, 'read-only'],
  [/Permission denied|Operation not permitted/i, 'permission'],
  [/Not a directory|File exists/i, 'not-a-folder'],
];

/**
 * A path inside the hidden staging folder or a run folder (OUT/runs/<id>, src/run-folder) names the
 * output folder the user gave instead.
 */
function userPath(path: string): string {
  const inside = /[\\/](\.staging-[^\\/]*|runs[\\/]\d{8}T\d{6}(\.\d+)?Z-[^\\/]*)/.exec(path);
  return inside ? path.slice(0, inside.index) : path;
}

/** The nearest existing ancestor of `path`: where a file stands in for a folder. */
function existingAncestor(path: string): string {
  let current = path;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

/** What to do, in the words of where the output folder was set: the CLI's --out or the worker's setting. */
const ADVICE = {
  cli: {
    folder: 'pass a folder as --out',
    another: 'pass another --out folder',
    writable: 'pass an --out folder on a writable disk',
    otherDisk: 'pass an --out folder on another disk',
  },
  worker: {
    folder: 'set LUMEN_OUT_DIR to a folder',
    another: 'set LUMEN_OUT_DIR to another folder',
    writable: 'set LUMEN_OUT_DIR to a folder on a writable disk',
    otherDisk: 'set LUMEN_OUT_DIR to a folder on another disk',
  },
} as const;

export type OutputFolderSetting = keyof typeof ADVICE;

function describe(problem: FsProblem, path: string, setting: OutputFolderSetting): string {
  const advice = ADVICE[setting];
  switch (problem) {
    case 'not-a-folder': {
      const blocker = existingAncestor(path);
      const isFile = existsSync(blocker) && !statSync(blocker).isDirectory();
      return isFile
        ? `${blocker} is a file, not a folder: ${advice.folder}, or move the file away`
        : `${path}: cannot create the output folder here: ${advice.another}`;
    }
    case 'read-only':
      return `${path}: read-only file system: ${advice.writable}`;
    case 'permission':
      return `${path}: permission denied: make the folder writable for this user, or ${advice.another}`;
    case 'full':
      return `${path}: no space left on the disk: free some space or ${advice.otherDisk}`;
  }
}

/**
 * The one-line LumenError (exit code 2) for an output-folder failure, or null when `error` is
 * something else. `outDir` names the folder when the error does not (a full disk fails a write to
 * an open file, which has no path).
 */
export function outputFolderError(
  error: unknown,
  outDir: string | null = null,
  setting: OutputFolderSetting = 'cli',
): LumenError | null {
  if (!(error instanceof Error) || error instanceof LumenError) return null;
  const { code, path } = error as NodeJS.ErrnoException;
  let problem: FsProblem | undefined = code ? BY_CODE[code] : undefined;
  let where = path;
  if (!problem) {
    problem = BY_MESSAGE.find(([pattern]) => pattern.test(error.message))?.[1];
    where = /"([^"]+)"/.exec(error.message)?.[1] ?? /'([^']+)'/.exec(error.message)?.[1];
  }
  where ??= outDir ?? undefined;
  if (!problem || !where) return null;
  return new LumenError(
    'OUTPUT_FOLDER',
    `${describe(problem, userPath(where), setting)} (outputs already there are unchanged)`,
    {
      cause: error,
    },
  );
}
