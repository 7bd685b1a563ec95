/**
 * The largest realistic messages Lumen sends, built by Lumen's own code paths (the post-at-risk
 * processor, the digest content), checked against every Block Kit limit: a top-20 list and digest
 * clicked 20 times and more, a 500-character name and drivers making a learner line of over 5,000
 * characters. Before src/slack the 6th click made 51 blocks and that line 5,000+.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { enrolmentKey } from '../../src/analytics/enrolment-key.ts';
import { readConfig } from '../../src/config.ts';
import { readJobsConfig } from '../../src/jobs/config.ts';
import type { JobContext, JobProgressReport } from '../../src/jobs/contracts.ts';
import { buildDigestContent } from '../../src/jobs/digest/content.ts';
import { processPostAtRisk } from '../../src/jobs/processors/post-at-risk.ts';
import type { MessageMetadata, PostedCheck, Publisher } from '../../src/jobs/publisher.ts';
import {
  blocksWithFeedback,
  FEEDBACK_ACTIONS,
  type FeedbackVerdict,
  feedbackNote,
  type KnownBlock,
  receivedBlocks,
} from '../../src/slack/index.ts';
import { removeTempDirs, tempDir } from '../helpers/fs.ts';
import { csvText, predictionRow } from '../helpers/run-folder.ts';
import { asSlackReturnsThem, limitViolations } from './block-limits.ts';

afterAll(() => removeTempDirs());

const COURSE = 'C001';
const LONG_NAME = `<!channel> ${'Maximiliana '.repeat(41)}`.slice(0, 500);

/** 25 enrolments of one course at risk; L01 has the 500-character name and long department and drivers. */
function predictionRows(): Record<string, string>[] {
  return Array.from({ length: 25 }, (_, i) => {
    const id = `L${String(i + 1).padStart(2, '0')}`;
    const big = i === 0;
    return predictionRow(id, COURSE, 0.99 - i / 100, {
      first_name: big ? LONG_NAME : `First${i}`,
      last_name: big ? 'Smith & Sons' : `Last${i}`,
      department: big ? `R&D ${'Department of '.repeat(60)}` : 'Research',
      risk_band: 'high',
      top_drivers: big
        ? ['no activity for 20 days', 'quiz '.repeat(400), 'sessions '.repeat(200)].join('; ')
        : 'no activity for 20 days',
    });
  });
}

/** The raw text of L01 that reaches its learner line: over 5,000 characters. */
function rawLineLength(row: Record<string, string>): number {
  return ['first_name', 'last_name', 'department', 'course_id', 'top_drivers'].reduce(
    (sum, key) => sum + (row[key]?.length ?? 0),
    0,
  );
}

/** The value of `learnerId`'s feedback buttons (their enrolment in the course). */
function key(learnerId: string): string {
  return enrolmentKey(learnerId, COURSE);
}

class CapturingPublisher implements Publisher {
  readonly messages: { blocks: KnownBlock[]; text: string }[] = [];
  async postMessage(_channel: string, blocks: KnownBlock[], text: string): Promise<{ ts: string }> {
    this.messages.push({ blocks, text });
    return { ts: `1782000000.${String(this.messages.length).padStart(6, '0')}` };
  }
  async findPosted(_channel: string, _metadata: MessageMetadata, _sinceMs: number): Promise<PostedCheck> {
    return { found: false };
  }
  async uploadFile(): Promise<void> {}
  async openDm(userId: string): Promise<string> {
    return `D-${userId}`;
  }
}

/** What the post-at-risk processor posts for a top-20 list of `rows`. */
async function postedTop20(rows: Record<string, string>[]): Promise<KnownBlock[]> {
  const outDir = tempDir('lumen-slack-out-');
  const runDir = join(outDir, 'runs', 'r1');
  mkdirSync(runDir, { recursive: true });
  writeFileSync(
    join(runDir, 'model_card.json'),
    JSON.stringify({ modelVersion: 'v1', dataAsOf: '2026-06-28', reliable: true, gateReasons: [] }),
  );
  writeFileSync(join(runDir, 'ML_Prediction.csv'), csvText(rows));
  symlinkSync(join('runs', 'r1'), join(outDir, 'latest'));
  const publisher = new CapturingPublisher();
  const job: JobContext<'post-at-risk'> = {
    id: 'j1',
    name: 'post-at-risk',
    data: { outDir, channel: 'C-staff', limit: 20, scope: null },
    timestamp: 0,
    dueAt: 0,
    attemptsMade: 0,
    updateProgress: async (_progress: JobProgressReport) => {},
    log: () => {},
  };
  const result = await processPostAtRisk(job, {
    config: readConfig({}),
    jobsConfig: readJobsConfig({ LUMEN_OUT_DIR: outDir }),
    history: null,
    publisher,
    signal: new AbortController().signal,
  });
  expect(result.count).toBe(20);
  const posted = publisher.messages[0];
  if (!posted) throw new Error('nothing posted');
  return posted.blocks;
}

/** The section above the feedback buttons whose value is `value`. */
function sectionOf(blocks: readonly KnownBlock[], value: string): string {
  const at = blocks.findIndex(
    (b) => b.type === 'actions' && b.elements[0]?.type === 'button' && b.elements[0].value === value,
  );
  const block = blocks[at - 1];
  if (block?.type !== 'section' || !block.text) throw new Error(`no section above ${value}'s buttons`);
  return block.text.text;
}

const VERDICTS = Object.keys(FEEDBACK_ACTIONS) as FeedbackVerdict[];

/** A click as the bot handles it: the blocks Slack sends back, the note for this click. */
function click(blocks: readonly KnownBlock[], value: string, n: number): KnownBlock[] {
  const back = receivedBlocks(asSlackReturnsThem(blocks));
  if (!back) throw new Error('no blocks in the payload');
  const verdict = VERDICTS[n % VERDICTS.length] ?? 'contacted';
  return blocksWithFeedback(
    back,
    value,
    feedbackNote(verdict, `W${n}`, new Date(Date.UTC(2026, 5, 1, 0, n))),
  );
}

/** 20 clicks on 20 enrolments (button values), then 10 more on the first: every update is a message Slack takes. */
function clickThrough(blocks: KnownBlock[], ids: readonly string[]): KnownBlock[] {
  let current = blocks;
  const before = blocks.length;
  const clicks = [...ids, ...Array.from({ length: 10 }, () => ids[0] ?? '')];
  clicks.forEach((id, i) => {
    current = click(current, id, i + 1);
    // The 6th, 10th and 20th click (and every other): within every limit, and no block added.
    expect({ click: i + 1, problems: limitViolations(current) }).toEqual({ click: i + 1, problems: [] });
    expect(current).toHaveLength(before);
  });
  const json = JSON.stringify(current);
  expect(json.match(/:memo: /g)).toHaveLength(ids.length);
  // The first learner shows only the last of their 11 notes; the others their one note.
  expect(
    sectionOf(current, ids[0] ?? '')
      .split('\n')
      .at(-1),
  ).toBe(
    feedbackNote(
      VERDICTS[clicks.length % VERDICTS.length] ?? 'contacted',
      `W${clicks.length}`,
      new Date(Date.UTC(2026, 5, 1, 0, clicks.length)),
    ),
  );
  ids.slice(1).forEach((id, i) => {
    expect(sectionOf(current, id)).toMatch(
      new RegExp(
        `<@W${i + 2}>, <!date\\^\\d+\\^\\{date_short_pretty\\} \\{time\\}\\|2026-06-01 00:${String(i + 2).padStart(2, '0')} UTC>$`,
      ),
    );
  });
  return current;
}

describe('the top-20 at-risk list', () => {
  test('a learner line of over 5,000 characters is cut to fit, naming its course', async () => {
    const rows = predictionRows();
    expect(rawLineLength(rows[0] ?? {})).toBeGreaterThan(5000);
    const blocks = await postedTop20(rows);
    // Header, headline, two context lines, the course's heading, 20 x (line + buttons), the footer.
    expect(blocks).toHaveLength(46);
    expect(limitViolations(blocks)).toEqual([]);
    const line = sectionOf(blocks, key('L01'));
    expect(line.length).toBeLessThanOrEqual(3000);
    expect(line).toContain('&lt;!channel&gt;');
    expect(line).not.toContain('<!channel>');
    expect(line).toContain('R&amp;D Department of');
    // The 500-character name is cut to its own budget (the surname with it), ending in "…".
    expect(line).toMatch(/^\*&lt;!channel&gt; Maximiliana [^*\n]{1,130}…\* \(L01\)\n/);
    // The department is cut to its budget; the course follows it whole.
    expect(line).toMatch(/Department of [^\n]*… · C001\n99% risk, high\n/);
    // Room is left for a feedback note.
    expect(line.length).toBeLessThanOrEqual(2800);
  });

  test('20 clicks on 20 learners and 10 more on one keep the list at 46 valid blocks', async () => {
    const blocks = await postedTop20(predictionRows());
    const ids = Array.from({ length: 20 }, (_, i) => key(`L${String(i + 1).padStart(2, '0')}`));
    clickThrough(blocks, ids);
  });

  test('a list posted before notes moved into sections (and before buttons named a course): its note blocks move in and the list shrinks', async () => {
    const blocks = await postedTop20(predictionRows());
    // Such a list's buttons carry the learner id alone, and the old chat.update added a context block
    // under each clicked learner's buttons.
    const old: KnownBlock[] = blocks.flatMap((block) => {
      if (block.type !== 'actions' || !block.block_id?.startsWith('lumen-feedback:')) return [block];
      const learner = block.block_id.slice('lumen-feedback:'.length).split(':')[0] ?? '';
      return [
        {
          ...block,
          block_id: `lumen-feedback:${learner}`,
          elements: block.elements.map((e) => (e.type === 'button' ? { ...e, value: learner } : e)),
        },
        {
          type: 'context',
          block_id: `lumen-feedback-note:${learner}`,
          elements: [{ type: 'mrkdwn', text: ':memo: Contacted - <@W0>, 2026-05-01 10:00 UTC' }],
        },
      ];
    });
    expect(old).toHaveLength(66);
    const updated = click(old, 'L03', 1);
    expect(limitViolations(updated)).toEqual([]);
    expect(updated).toHaveLength(46);
    expect(sectionOf(updated, 'L03')).toMatch(/<@W1>, <!date\^\d+\^[^|]+\|2026-06-01 00:01 UTC>$/);
    expect(sectionOf(updated, 'L04')).toMatch(/:memo: Contacted - <@W0>, 2026-05-01 10:00 UTC$/);
  });
});

describe('the weekly digest with its top 20', () => {
  test('the digest of the same learners stays within every limit through 30 clicks', () => {
    const rows = predictionRows();
    const content = buildDigestContent({
      current: {
        runDir: '/nowhere',
        summary: { asOf: '2026-06-28', modelVersion: 'v1', scored: 25, atRisk: 25, bands: { high: 25 } },
        card: null,
        predictions: rows,
        weekly: [],
        outcomes: [],
        quality: null,
        // 500 learners registered and never active, with 500-character names: one section, cut.
        neverActive: Array.from({ length: 500 }, (_, i) => ({
          user_id: `N${i}`,
          first_name: 'N'.repeat(500),
          last_name: 'A',
          registered_on: '2026-06-01',
          days_since_registration: '27',
        })),
        charts: { weeklyEngagement: null, riskDistribution: null },
      },
      previous: null,
      previousAtRisk: null,
      feedback: new Map(),
      now: new Date('2026-06-29T08:00:00Z'),
      top: 20,
      modelMaxAgeDays: 30,
    });
    expect(limitViolations(content.blocks)).toEqual([]);
    expect(content.blocks.length).toBeLessThanOrEqual(50);
    expect(sectionOf(content.blocks, key('L01'))).toMatch(/Maximiliana [^*\n]{1,130}…\*/);
    const ids = Array.from({ length: 20 }, (_, i) => key(`L${String(i + 1).padStart(2, '0')}`));
    clickThrough(content.blocks, ids);
  });
});
