/** src/slack's text cuts, builders and the withinLimits guard, each against a hand-worked case. */
import { describe, expect, test } from 'vitest';
import {
  buttons,
  cutText,
  escapeMrkdwn,
  header,
  type KnownBlock,
  section,
  slackDate,
  truncateLines,
  truncateList,
  withinLimits,
  withoutPaths,
} from '../../src/slack/index.ts';
import { limitViolations } from './block-limits.ts';

describe('mrkdwn text', () => {
  test('escapes & < > so broadcasts and links in CSV text ping nobody', () => {
    expect(escapeMrkdwn('<!channel> & <@U1> <https://x|y>')).toBe(
      '&lt;!channel&gt; &amp; &lt;@U1&gt; &lt;https://x|y&gt;',
    );
  });

  test('a cut never leaves half an escape or half a mention', () => {
    expect(cutText('abcdef', 6)).toBe('abcdef');
    expect(cutText('abcdef', 4)).toBe('abc…');
    // 'ab &amp;' cut to 6 would end in '&a': the partial escape goes.
    expect(cutText('ab &amp; cd', 6)).toBe('ab …');
    expect(cutText('see <@U123456> now', 9)).toBe('see …');
  });

  test('a list keeps whole items and says how many it left out', () => {
    const courses = Array.from({ length: 400 }, (_, i) => `C${i + 1}`);
    const text = truncateList(courses, 100);
    expect(text.length).toBeLessThanOrEqual(100);
    const match = /^(.*), \.\.\. and (\d+) more$/.exec(text);
    if (!match) throw new Error(`no "... and N more" in ${text}`);
    const shown = (match[1] ?? '').split(', ');
    expect(shown).toEqual(courses.slice(0, shown.length));
    expect(Number(match[2])).toBe(400 - shown.length);
    // One more course would not have fitted.
    expect(
      `${[...shown, courses[shown.length]].join(', ')}, ... and ${399 - shown.length} more`.length,
    ).toBeGreaterThan(100);
    expect(truncateList(['C1', 'C2'], 100)).toBe('C1, C2');
  });

  test('a long text keeps whole lines and says how many it left out', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i + 1} ${'x'.repeat(40)}`);
    const text = truncateLines(lines.join('\n'), 500);
    expect(text.length).toBeLessThanOrEqual(500);
    const kept = text.split('\n');
    const last = kept.pop();
    expect(kept).toEqual(lines.slice(0, kept.length));
    expect(last).toBe(`... and ${100 - kept.length} more lines`);
    // A single line too long alone is cut inside.
    const one = truncateLines('y'.repeat(5000), 3000);
    expect(one).toBe(`${'y'.repeat(2999)}…`);
  });
});

describe('builders and the guard', () => {
  test('section, header and button labels are cut to Slack limits', () => {
    const long = section(`${'a'.repeat(2000)}\n${'b'.repeat(2000)}`);
    expect(long.text?.text).toBe(`${'a'.repeat(2000)}\n... and 1 more line`);
    expect(header('n'.repeat(500)).text.text).toHaveLength(150);
    const row = buttons('row', [{ actionId: 'a', label: 'L'.repeat(500), value: 'v' }]);
    expect(limitViolations([long, header('n'.repeat(500)), row])).toEqual([]);
  });

  test('hand-made blocks over the limits come out within them, the input untouched', () => {
    const bad: KnownBlock[] = [
      { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(400) } },
      { type: 'section', block_id: 'same', text: { type: 'mrkdwn', text: 's'.repeat(4000) } },
      { type: 'section', block_id: 'same', text: { type: 'mrkdwn', text: 'ok' } },
      {
        type: 'actions',
        block_id: 'i'.repeat(300),
        elements: [
          { type: 'button', action_id: 'go', text: { type: 'plain_text', text: 'b'.repeat(90) }, value: '1' },
          { type: 'button', action_id: 'go', text: { type: 'plain_text', text: 'ok' }, value: '2' },
        ],
      },
      {
        type: 'context',
        elements: Array.from({ length: 12 }, () => ({ type: 'mrkdwn' as const, text: 'c' })),
      },
    ];
    const before = JSON.stringify(bad);
    expect(limitViolations(bad).length).toBeGreaterThanOrEqual(6);
    const fixed = withinLimits(bad);
    expect(limitViolations(fixed)).toEqual([]);
    expect(JSON.stringify(bad)).toBe(before);
    expect(fixed.map((b) => b.block_id)).toEqual([undefined, 'same', 'same~2', 'i'.repeat(255), undefined]);
    // Button values (the learner id the click carries) are kept as they were.
    expect(JSON.stringify(fixed[3])).toContain('"value":"2"');
  });

  test('more than 50 blocks: the first 49 and a line saying how many were left out', () => {
    const many = Array.from({ length: 70 }, (_, i) => section(`row ${i}`));
    const fixed = withinLimits(many);
    expect(fixed).toHaveLength(50);
    expect(fixed.slice(0, 49)).toEqual(many.slice(0, 49));
    expect(JSON.stringify(fixed[49])).toContain('and 21 more blocks not shown');
  });
});

describe('slackDate', () => {
  test("a time in Slack's date formatting with a UTC fallback; an unreadable one stays as text", () => {
    expect(slackDate('2026-06-28T10:15:30Z')).toBe(
      '<!date^1782641730^{date_short_pretty} {time}|2026-06-28 10:15 UTC>',
    );
    expect(slackDate(new Date('2026-06-28T10:15:30Z'), '{date_short}')).toBe(
      '<!date^1782641730^{date_short}|2026-06-28>',
    );
    expect(slackDate('not a <date>')).toBe('not a &lt;date&gt;');
  });
});

describe('withoutPaths', () => {
  test('a failure reason keeps its file names, loses the server paths and every line but the first', () => {
    expect(
      withoutPaths(
        '/srv/lumen/out/runs/r1/run_summary.json is missing: the run is incomplete\n    at read (/app/src/x.ts:1:2)',
      ),
    ).toBe('run_summary.json is missing: the run is incomplete');
    expect(withoutPaths('lms_quiz_attempts.csv, column attempt_id, line 1: missing')).toBe(
      'lms_quiz_attempts.csv, column attempt_id, line 1: missing',
    );
    expect(withoutPaths("ENOENT: no such file or directory, open '/data/export/lms_users.csv'")).toBe(
      "ENOENT: no such file or directory, open 'lms_users.csv'",
    );
  });
});
