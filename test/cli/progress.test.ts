/**
 * Progress you can see: the real `lumen` process on a generated export, its stderr a pipe (as in a
 * log or CI), writes status lines while the stages run (stage, stage and overall percentage,
 * elapsed and time left) besides the line per finished stage, and LUMEN_PROGRESS=tty redraws one
 * line in place instead. Structure only, no timing: LUMEN_PROGRESS_SECONDS makes the lines come
 * often enough that a run of a few seconds shows several. (runCli turns progress off unless asked.)
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generateLmsData } from '../../src/analytics/generate.ts';
import { LiveProgress } from '../../src/cli/progress.ts';
import { runCli } from '../helpers/cli.ts';
import { removeTempDirs, tempDir } from '../helpers/fs.ts';

const STATUS =
  /^(\w+) · (.+) \(stage (\d+)\/(\d+)\) (\d+)% · overall (\d+)% · .*elapsed \d+ s, about \d+ s left$/;

let data: string;
beforeAll(async () => {
  data = tempDir('lumen-progress-data-');
  await generateLmsData({ learners: 400, seed: 7, outDir: data });
});
afterAll(() => removeTempDirs());

function statusLines(stderr: string): RegExpMatchArray[] {
  return stderr
    .split('\n')
    .map((line) => line.match(STATUS))
    .filter((m): m is RegExpMatchArray => m !== null);
}

describe('lumen run with stderr not a terminal', () => {
  test('status lines between the finished-stage lines, with stage and overall percentages', async () => {
    const result = await runCli(['run', '--data', data, '--out', tempDir('lumen-progress-out-')], {
      LUMEN_PROGRESS: 'lines',
      LUMEN_PROGRESS_SECONDS: '0.05',
    });
    expect(result.code, result.stderr).toBe(0);
    const lines = statusLines(result.stderr);
    expect(lines.length).toBeGreaterThan(1);
    for (const [, label, , index, stages, stagePercent, overall] of lines) {
      expect(label).toBe('run');
      expect(Number(index)).toBeGreaterThanOrEqual(1);
      expect(Number(index)).toBeLessThanOrEqual(Number(stages));
      expect(Number(stagePercent)).toBeLessThan(100);
      expect(Number(overall)).toBeLessThan(100);
    }
    // Overall never goes back.
    const overall = lines.map((m) => Number(m[6]));
    expect(overall).toEqual([...overall].sort((a, b) => a - b));
    // The stages are the run's, in order, each finished with its own line.
    expect(result.stderr).toMatch(/^ {2}load\+validate \d+\.\d\d s$/m);
    expect(result.stderr).toMatch(/^ {2}write \d+\.\d\d s$/m);
    expect(lines.some((m) => m[2] === 'load+validate' && m[3] === '1' && m[4] === '9')).toBe(true);
    // No terminal control codes in a log.
    expect(result.stderr).not.toContain('\r');
    expect(result.stderr).not.toContain('\x1b[');
  });

  test('lumen features and lumen validate show theirs; LUMEN_PROGRESS=off only the stage lines', async () => {
    const features = await runCli(['features', '--data', data, '--out', tempDir('lumen-progress-out-')], {
      LUMEN_PROGRESS: 'lines',
      LUMEN_PROGRESS_SECONDS: '0.05',
    });
    expect(features.code, features.stderr).toBe(0);
    const featureLines = statusLines(features.stderr);
    expect(featureLines.length).toBeGreaterThan(0);
    expect(featureLines.every((m) => m[1] === 'features' && m[4] === '3')).toBe(true);

    const validate = await runCli(['validate', '--data', data], {
      LUMEN_PROGRESS: 'lines',
      LUMEN_PROGRESS_SECONDS: '0.05',
    });
    expect(validate.code, validate.stderr).toBe(0);
    expect(statusLines(validate.stderr).every((m) => m[1] === 'validate')).toBe(true);
    expect(validate.stderr).toMatch(/^ {2}load\+validate \d+\.\d\d s$/m);
    // The report stays alone on stdout.
    expect(validate.stdout).not.toMatch(STATUS);

    const off = await runCli(['features', '--data', data, '--out', tempDir('lumen-progress-out-')], {
      LUMEN_PROGRESS: 'off',
      LUMEN_PROGRESS_SECONDS: '0.05',
    });
    expect(off.code, off.stderr).toBe(0);
    expect(statusLines(off.stderr)).toEqual([]);
    expect(off.stderr).toMatch(/^ {2}features \d+\.\d\d s$/m);
  });

  test('a LUMEN_PROGRESS or LUMEN_PROGRESS_SECONDS it does not know stops the command in one line', async () => {
    const envs: Record<string, string>[] = [
      { LUMEN_PROGRESS: 'fast' },
      { LUMEN_PROGRESS: 'lines', LUMEN_PROGRESS_SECONDS: '0' },
    ];
    for (const env of envs) {
      const result = await runCli(['validate', '--data', data], env);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain(`${Object.keys(env).at(-1)}=`);
    }
  });

  test('LUMEN_TRACE_SQL=1 adds one line per DuckDB statement with its wall and CPU time; unset, none', async () => {
    const traced = await runCli(['validate', '--data', data], { LUMEN_TRACE_SQL: '1' });
    expect(traced.code, traced.stderr).toBe(0);
    const lines = traced.stderr.split('\n').filter((l) => l.startsWith('[sql]'));
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(line).toMatch(/^\[sql\] +\d+ ms wall +\d+ ms cpu {2}\S/);
    const plain = await runCli(['validate', '--data', data]);
    expect(plain.stderr).not.toContain('[sql]');
  });

  test('LUMEN_PROGRESS=tty redraws one status line in place and clears it before each stage line', async () => {
    const result = await runCli(['features', '--data', data, '--out', tempDir('lumen-progress-out-')], {
      LUMEN_PROGRESS: 'tty',
    });
    expect(result.code, result.stderr).toBe(0);
    const redraws = result.stderr.split('\r\x1b[2K').slice(1);
    expect(redraws.length).toBeGreaterThan(0);
    // After each clear comes either a status line, never ended by a line break (the next clear
    // overwrites it), or the finished-stage lines.
    for (const redraw of redraws) {
      if (redraw.includes('\n')) {
        for (const line of redraw.split('\n').filter((l) => l !== ''))
          expect(line).toMatch(/^ {2}\S.* \d+\.\d\d s$/);
      } else expect(redraw).toMatch(STATUS);
    }
    expect(statusLines(result.stderr.replaceAll('\r\x1b[2K', '\n')).length).toBeGreaterThan(0);
  });
});

describe('LiveProgress', () => {
  test('a stage with known steps reports them; a stage the plan did not name goes after the current one', () => {
    const written: string[] = [];
    const stream = { write: (s: string) => written.push(s), isTTY: false } as unknown as NodeJS.WriteStream;
    const progress = new LiveProgress('backtest', {
      stages: [
        ['outcomes at the end', 10],
        ['report', 1],
      ],
      settings: { mode: 'off', everyMs: 1000 },
      stream,
      activity: () => ({ statements: 42, query: { percent: 50, rows: 1_500_000, totalRows: 3_000_000 } }),
    });
    progress.stage('outcomes at the end');
    progress.stage('3 as-of dates');
    progress.weigh(90);
    progress.step(1, 3, '1/3 dates done');
    const status = progress.status() ?? '';
    expect(status).toMatch(STATUS);
    expect(status).toContain('3 as-of dates (stage 2/3) 33%');
    expect(status).toContain('1/3 dates done');
    expect(status).toContain('rows 1.5M/3.0M');
    expect(status).toContain('0 queries');
    progress.done();
    expect(progress.status()).toBeNull();
    expect(written.join('')).toMatch(
      /^ {2}outcomes at the end \d+\.\d\d s\n {2}3 as-of dates \d+\.\d\d s\n$/,
    );
  });
});

test("DuckDB's overflowed row estimates are not shown as a total: only the rows done", () => {
  const stream = { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream;
  let query = { percent: 1, rows: 2_200_000, totalRows: 282_808_011_300_000 };
  const progress = new LiveProgress('run', {
    stages: [['outcomes', 1]],
    settings: { mode: 'off', everyMs: 1000 },
    stream,
    activity: () => ({ statements: 8, query }),
  });
  progress.stage('outcomes');
  expect(progress.status()).toContain('rows 2.2M ·');
  query = { percent: 1, rows: 2_200_000, totalRows: 1_000_000 };
  expect(progress.status()).toContain('rows 2.2M ·');
  query = { percent: 50, rows: 2_200_000, totalRows: 4_400_000 };
  expect(progress.status()).toContain('rows 2.2M/4.4M ·');
  progress.done();
});
