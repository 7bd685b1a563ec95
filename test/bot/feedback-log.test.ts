/** The feedback log read back: latest verdict per learner, snooze window, CSV export. */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { feedbackCsv, isSnoozed, latestFeedback } from '../../src/jobs/feedback-log.ts';
import { removeTempDirs, tempDir } from '../helpers/fs.ts';

afterAll(() => removeTempDirs());

function logWith(lines: string[]): string {
  const outDir = tempDir('lumen-feedback-');
  mkdirSync(join(outDir, 'feedback'));
  appendFileSync(join(outDir, 'feedback', 'feedback.jsonl'), lines.join('\n'));
  return outDir;
}

describe('feedback log', () => {
  const outDir = logWith([
    '{"at":"2026-06-01T10:00:00.000Z","learnerId":"U1","slackUserId":"W1","verdict":"snoozed","jobId":"j1"}',
    '{"at":"2026-06-20T10:00:00.000Z","learnerId":"U2","slackUserId":"W1","verdict":"snoozed","jobId":"j2"}',
    '{"at":"2026-06-21T10:00:00.000Z","learnerId":"U1","slackUserId":"W2","verdict":"contacted","jobId":"j3"}',
    '{"at":"2026-06-22T10:00:00.000Z","learnerId":"=cmd","slackUserId":"W2","verdict":"not-at-risk","jobId":"j4"}',
    '{"at":"2026-06-22T1', // cut by a crash mid-append
  ]);

  test('the latest verdict wins; a half-written line is skipped', () => {
    const latest = latestFeedback(outDir);
    expect(latest.get('U1')?.verdict).toBe('contacted');
    expect(latest.size).toBe(3);
  });

  test('a snooze lasts two weeks', () => {
    const latest = latestFeedback(outDir);
    expect(isSnoozed(latest.get('U2'), new Date('2026-06-25T00:00:00Z'))).toBe(true);
    expect(isSnoozed(latest.get('U2'), new Date('2026-07-05T00:00:00Z'))).toBe(false);
    expect(isSnoozed(latest.get('U1'), new Date('2026-06-25T00:00:00Z'))).toBe(false);
  });

  test('CSV export, spreadsheet-safe', () => {
    const csv = feedbackCsv(outDir).trim().split('\n');
    expect(csv[0]).toBe('at,learnerId,slackUserId,verdict,modelVersion,jobId');
    expect(csv).toHaveLength(5);
    expect(csv[4]).toContain("'=cmd");
    expect(feedbackCsv(tempDir()).trim()).toBe('at,learnerId,slackUserId,verdict,modelVersion,jobId');
  });
});
