/** The feedback log read back: latest verdict per enrolment, snooze window, CSV export. */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { enrolmentKey } from '../../src/analytics/enrolment-key.ts';
import { feedbackCsv, feedbackOn, isSnoozed, latestFeedback } from '../../src/jobs/feedback-log.ts';
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
    '{"at":"2026-06-01T10:00:00.000Z","learnerId":"U1","courseId":"C1","slackUserId":"W1","verdict":"snoozed","jobId":"j1"}',
    '{"at":"2026-06-20T10:00:00.000Z","learnerId":"U2","courseId":"C1","slackUserId":"W1","verdict":"snoozed","jobId":"j2"}',
    '{"at":"2026-06-21T10:00:00.000Z","learnerId":"U1","courseId":"C1","slackUserId":"W2","verdict":"contacted","jobId":"j3"}',
    '{"at":"2026-06-22T10:00:00.000Z","learnerId":"=cmd","courseId":"C1","slackUserId":"W2","verdict":"not-at-risk","jobId":"j4"}',
    // Written before verdicts were per enrolment: no courseId.
    '{"at":"2026-06-23T10:00:00.000Z","learnerId":"U3","slackUserId":"W1","verdict":"snoozed","jobId":"j5"}',
    '{"at":"2026-06-24T10:00:00.000Z","learnerId":"U3","courseId":"C2","slackUserId":"W1","verdict":"contacted","jobId":"j6"}',
    '{"at":"2026-06-22T1', // cut by a crash mid-append
  ]);

  test('the latest verdict per enrolment wins; a half-written line is skipped', () => {
    const latest = latestFeedback(outDir);
    expect(latest.get(enrolmentKey('U1', 'C1'))?.verdict).toBe('contacted');
    expect(latest.get('U1')).toBeUndefined();
    expect(latest.size).toBe(5);
  });

  test('a verdict without a course holds for every enrolment of the learner until a newer one replaces it', () => {
    const latest = latestFeedback(outDir);
    expect(latest.get(enrolmentKey('U3', ''))?.verdict).toBe('snoozed');
    expect(feedbackOn(latest, 'U3', 'C1')?.verdict).toBe('snoozed');
    expect(feedbackOn(latest, 'U3', 'C2')?.verdict).toBe('contacted');
    expect(feedbackOn(latest, 'U2', 'C2')).toBeUndefined();
  });

  test('a snooze lasts two weeks', () => {
    const latest = latestFeedback(outDir);
    const u2 = feedbackOn(latest, 'U2', 'C1');
    expect(isSnoozed(u2, new Date('2026-06-25T00:00:00Z'))).toBe(true);
    expect(isSnoozed(u2, new Date('2026-07-05T00:00:00Z'))).toBe(false);
    expect(isSnoozed(feedbackOn(latest, 'U1', 'C1'), new Date('2026-06-25T00:00:00Z'))).toBe(false);
  });

  test('CSV export, spreadsheet-safe, with the course of each verdict', () => {
    const csv = feedbackCsv(outDir).trim().split('\n');
    expect(csv[0]).toBe('at,learnerId,courseId,slackUserId,verdict,modelVersion,jobId');
    expect(csv).toHaveLength(7);
    expect(csv[1]).toBe('2026-06-01T10:00:00.000Z,U1,C1,W1,snoozed,,j1');
    expect(csv[4]).toContain("'=cmd");
    expect(csv[5]).toBe('2026-06-23T10:00:00.000Z,U3,,W1,snoozed,,j5');
    expect(feedbackCsv(tempDir()).trim()).toBe(
      'at,learnerId,courseId,slackUserId,verdict,modelVersion,jobId',
    );
  });
});
