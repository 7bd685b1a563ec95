/**
 * The at-risk change line: the previous run is the one the latest run's run.json says it replaced;
 * for runs written before run.json said so, the newest earlier finished run folder.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { atRiskChange } from '../../src/jobs/processors/post-at-risk.ts';
import { previousRunFolder } from '../../src/run-folder/index.ts';
import { removeTempDirs, tempDir } from '../helpers/fs.ts';

function run(
  outDir: string,
  runId: string,
  summary: object | null,
  finished = true,
  manifest: object = {},
): string {
  const dir = join(outDir, 'runs', runId);
  mkdirSync(dir, { recursive: true });
  if (summary) writeFileSync(join(dir, 'run_summary.json'), JSON.stringify(summary));
  if (finished) writeFileSync(join(dir, 'run.json'), JSON.stringify({ runId, ...manifest }));
  return dir;
}

afterAll(() => removeTempDirs());

describe('at-risk change since the previous run', () => {
  test('the only run says "first run"', () => {
    const outDir = tempDir('lumen-change-');
    const latest = run(outDir, '20260628T060000Z-a', { asOf: '2026-06-28', atRisk: 427 });
    expect(previousRunFolder(outDir, latest)).toBeNull();
    expect(atRiskChange(outDir, latest, 427)).toBe('at risk: 427 (first run)');
  });

  test('without a history, the newest earlier finished run folder is the previous run', () => {
    const outDir = tempDir('lumen-change-');
    run(outDir, '20260614T060000Z-a', { asOf: '2026-06-14', atRisk: 400 });
    run(outDir, '20260621T060000Z-b', { asOf: '2026-06-21', atRisk: 415 });
    // A failed run in between: it has a copied summary but never finished.
    run(outDir, '20260627T060000Z-c', { asOf: '2026-06-21', atRisk: 415 }, false);
    const latest = run(outDir, '20260628T060000Z-d', { asOf: '2026-06-28', atRisk: 427 });
    expect(atRiskChange(outDir, latest, 427)).toBe('at risk: 427 (+12 since 2026-06-21)');
  });

  test('run.json names the run it replaced, whatever the folder names; a drop is shown with a minus sign', () => {
    const outDir = tempDir('lumen-change-');
    run(outDir, 'old', { asOf: '2026-06-14', atRisk: 440 });
    run(outDir, 'zzz-finished-never-published', { asOf: '2026-06-21', atRisk: 1 });
    run(outDir, 'failed', { asOf: '2026-06-14', atRisk: 440 }, false);
    const latest = run(outDir, 'new', { asOf: '2026-06-28', atRisk: 427 }, true, { previousRunId: 'old' });
    expect(previousRunFolder(outDir, latest)).toBe(join(outDir, 'runs', 'old'));
    expect(atRiskChange(outDir, latest, 427)).toBe('at risk: 427 (-13 since 2026-06-14)');
  });

  test('previousRunId null: the first published run, even with older folders beside it', () => {
    const outDir = tempDir('lumen-change-');
    run(outDir, '20260614T060000Z-a', { asOf: '2026-06-14', atRisk: 400 });
    const latest = run(outDir, '20260628T060000Z-b', { asOf: '2026-06-28', atRisk: 427 }, true, {
      previousRunId: null,
    });
    expect(atRiskChange(outDir, latest, 427)).toBe('at risk: 427 (first run)');
  });
});
