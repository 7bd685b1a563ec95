/**
 * Lists, feedback, learner profiles and digests at the enrolment grain, on a hand-made run folder:
 * U2 is at risk in C1 (60%) and in C2 (80%), U1 at risk in C1 only (fine in C2), U3 and U6 enrolled
 * and never started. Each course's list shows its own rows with their own risk, its not-started
 * enrolments first; course staff never see another course's row of the same learner; feedback is
 * per enrolment. A run folder written before the enrolment grain (a `courses` cell) still works.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, test } from 'vitest';
import { enrolmentKey } from '../../src/analytics/enrolment-key.ts';
import { readConfig } from '../../src/config.ts';
import { readJobsConfig } from '../../src/jobs/config.ts';
import type {
  JobContext,
  JobDataMap,
  JobName,
  LearnerProfileResult,
  LearnerScope,
} from '../../src/jobs/contracts.ts';
import { buildDigestContent, splitAtRisk } from '../../src/jobs/digest/content.ts';
import { scopedOutputs } from '../../src/jobs/digest/plan.ts';
import type { RunOutputs } from '../../src/jobs/digest/run-outputs.ts';
import { appendFeedback, latestFeedback } from '../../src/jobs/feedback-log.ts';
import { processLearnerProfile } from '../../src/jobs/processors/learner-profile.ts';
import { processPostAtRisk } from '../../src/jobs/processors/post-at-risk.ts';
import { processRecordFeedback } from '../../src/jobs/processors/record-feedback.ts';
import type { KnownBlock } from '../../src/slack/index.ts';
import { removeTempDirs } from '../helpers/fs.ts';
import {
  AS_OF,
  asLearnerRows,
  notStartedRow,
  outcomeRow,
  outWithRun,
  predictionRow,
  type Row,
  sortPredictions,
} from '../helpers/run-folder.ts';
import { limitViolations } from '../slack/block-limits.ts';
import { FakePublisher } from './redis-kit.ts';

afterAll(() => removeTempDirs());

const PREDICTIONS = sortPredictions([
  predictionRow('U1', 'C1', 0.9, { top_drivers: 'C1 quiz scores falling' }),
  predictionRow('U1', 'C2', 0.1, { top_drivers: 'C2 steady progress' }),
  predictionRow('U2', 'C1', 0.6),
  predictionRow('U2', 'C2', 0.8),
  notStartedRow('U3', 'C2', 0.7, '2026-06-05'),
  predictionRow('U4', 'C1', 0.3),
  predictionRow('U5', 'C2', 0.55),
  notStartedRow('U6', 'C1', 0.4, '2026-06-10'),
]);
const OUTCOMES = [
  outcomeRow('U1', 'C1', 'open'),
  outcomeRow('U1', 'C2', 'open'),
  outcomeRow('U1', 'C3', 'completed'),
  outcomeRow('U2', 'C1', 'open'),
  outcomeRow('U2', 'C2', 'open'),
  outcomeRow('U9', 'C1', 'dropped'),
];
const NEVER_ACTIVE = [
  {
    user_id: 'N1',
    first_name: 'Nia',
    last_name: 'Never',
    department: 'IT',
    registered_on: '2026-06-01',
    days_since_registration: '27',
    as_of: AS_OF,
  },
];

function run(predictions: readonly Row[] = PREDICTIONS): string {
  return outWithRun({ predictions, outcomes: OUTCOMES, neverActive: NEVER_ACTIVE });
}

let jobs = 0;
function jobOf<N extends JobName>(name: N, data: JobDataMap[N], logs: string[] = []): JobContext<N> {
  jobs += 1;
  return {
    id: `${name}-${jobs}`,
    name,
    data,
    timestamp: Date.now(),
    dueAt: Date.now(),
    attemptsMade: 0,
    updateProgress: async () => {},
    log: (line: string) => logs.push(line),
  };
}

function contextOf(outDir: string, publisher: FakePublisher | null = null) {
  return {
    config: readConfig({}),
    jobsConfig: readJobsConfig({ LUMEN_OUT_DIR: outDir }),
    history: null,
    publisher,
    signal: new AbortController().signal,
  };
}

interface Posted {
  readonly blocks: KnownBlock[];
  readonly text: string;
  /** The uploaded at-risk CSV's rows. */
  readonly csv: Row[];
}

async function postList(
  outDir: string,
  scope: LearnerScope,
  courseId: string | null = null,
): Promise<Posted> {
  const publisher = new FakePublisher();
  await processPostAtRisk(
    jobOf('post-at-risk', { outDir, channel: 'C-list', scope, courseId, attachCsv: true, limit: 10 }),
    contextOf(outDir, publisher),
  );
  const message = publisher.messages[0];
  if (!message) throw new Error('nothing posted');
  const csv = publisher.files.find((f) => f.filename.startsWith('at-risk-'));
  return {
    blocks: message.blocks,
    text: JSON.stringify(message.blocks),
    csv: csv ? (parse(csv.content, { columns: true }) as Row[]) : [],
  };
}

/** The enrolment keys on the feedback buttons, in the message's order. */
function buttonValues(blocks: readonly KnownBlock[]): string[] {
  return blocks.flatMap((b) =>
    b.type === 'actions' && b.elements[0]?.type === 'button' ? [b.elements[0].value ?? ''] : [],
  );
}

/** The section texts of one course: from its heading to the next course's (or another) section. */
function courseSection(blocks: readonly KnownBlock[], course: string): string[] {
  const texts = blocks.map((b) => (b.type === 'section' ? (b.text?.text ?? '') : ''));
  const start = texts.findIndex((t) => t.startsWith(`*${course}*:`));
  if (start < 0) return [];
  const end = texts.findIndex(
    (t, i) => i > start && (/^\*C\d+\*:/.test(t) || (t.startsWith('*') && !t.includes('(U'))),
  );
  return texts.slice(start, end < 0 ? undefined : end).filter(Boolean);
}

/** The learner line of `user` in `course`'s section. */
function lineOf(blocks: readonly KnownBlock[], course: string, user: string): string | undefined {
  return courseSection(blocks, course).find((t) => t.includes(`(${user})`) && !t.startsWith(`*${course}*`));
}

describe('at-risk lists per course', () => {
  test("a learner in two courses is listed in each with that course's risk; at risk in C1 only, only in C1", async () => {
    const { blocks, csv } = await postList(run(), null);
    expect(limitViolations(blocks)).toEqual([]);
    expect(lineOf(blocks, 'C1', 'U2')).toMatch(/Research · C1\n60% risk, medium/);
    expect(lineOf(blocks, 'C2', 'U2')).toMatch(/Research · C2\n80% risk, high/);
    expect(lineOf(blocks, 'C1', 'U1')).toMatch(/90% risk, high\nC1 quiz scores falling/);
    expect(lineOf(blocks, 'C2', 'U1')).toBeUndefined();
    expect(buttonValues(blocks)).toEqual([
      enrolmentKey('U1', 'C1'),
      enrolmentKey('U2', 'C1'),
      enrolmentKey('U2', 'C2'),
      enrolmentKey('U5', 'C2'),
    ]);
    // Counts are of enrolments (U2 counts in both courses); not-started ones count apart.
    const headline = blocks[1]?.type === 'section' ? blocks[1].text?.text : '';
    expect(headline).toBe(
      `4 of 8 open enrolments at risk in 2 courses as of ${AS_OF}; 2 enrolled, not started`,
    );
    expect(courseSection(blocks, 'C1')[0]).toMatch(/^\*C1\*: 2 of 4 learners at risk \(top 2 below\)/);
    // The CSV: the listed courses' not-started and at-risk enrolments, in the file's order.
    expect(csv.map((r) => `${r.user_id}/${r.course_id}`)).toEqual([
      'U6/C1',
      'U1/C1',
      'U2/C1',
      'U3/C2',
      'U2/C2',
      'U5/C2',
    ]);
    // Programme staff, whole programme: registered learners with no course have their own section.
    expect(JSON.stringify(blocks)).toContain('Registered, never active: 1*');
  });

  test('never-active enrolments come first in their course, in their own section, without buttons', async () => {
    const { blocks } = await postList(run(), null);
    const c2 = courseSection(blocks, 'C2');
    expect(c2[0]).toBe(
      [
        '*C2*: 2 of 4 learners at risk (top 2 below)',
        '*Enrolled, not started (1)*',
        '• *FirstU3 LastU3* (U3) · C2: enrolled 2026-06-05, no activity in 23 days',
      ].join('\n'),
    );
    // Then the ranked at-risk enrolments of C2.
    expect(c2.slice(1).map((t) => /\((U\d)\)/.exec(t)?.[1])).toEqual(['U2', 'U5']);
    expect(buttonValues(blocks)).not.toContain(enrolmentKey('U3', 'C2'));
    expect(courseSection(blocks, 'C1')[0]).toContain(
      '*Enrolled, not started (1)*\n• *FirstU6 LastU6* (U6) · C1',
    );
  });

  test("course staff of C2 see C2's rows only: the list, its counts and the CSV", async () => {
    const { blocks, text, csv } = await postList(run(), ['C2']);
    expect(courseSection(blocks, 'C1')).toEqual([]);
    expect(text).not.toContain('C1 quiz scores falling');
    expect(text).not.toContain('· C1');
    expect(buttonValues(blocks)).toEqual([enrolmentKey('U2', 'C2'), enrolmentKey('U5', 'C2')]);
    const headline = blocks[1]?.type === 'section' ? blocks[1].text?.text : '';
    expect(headline).toBe(`2 of 4 learners in C2 at risk as of ${AS_OF}; 1 enrolled, not started`);
    expect(csv.map((r) => r.course_id)).toEqual(['C2', 'C2', 'C2']);
    expect(csv.map((r) => r.user_id)).toEqual(['U3', 'U2', 'U5']);
    // Registered learners with no course are programme-wide: not in a course's list.
    expect(text).not.toContain('Registered, never active');
  });

  test('the per-course limit, the 20-row cap and the block budget hold with many courses', async () => {
    const many = sortPredictions(
      Array.from({ length: 30 }, (_, c) =>
        Array.from({ length: 4 }, (_, u) =>
          predictionRow(`U${u}`, `C${String(c).padStart(2, '0')}`, 0.9 - u / 10),
        ),
      ).flat(),
    );
    const { blocks, csv } = await postList(run(many), null);
    expect(limitViolations(blocks)).toEqual([]);
    expect(buttonValues(blocks).length).toBeLessThanOrEqual(20);
    // Every course shown gets its riskiest enrolment before any gets a second.
    const perCourse = new Map<string, number>();
    for (const value of buttonValues(blocks)) {
      const course = value.split('\t')[1] ?? '';
      perCourse.set(course, (perCourse.get(course) ?? 0) + 1);
    }
    expect(Math.max(...perCourse.values()) - Math.min(...perCourse.values())).toBeLessThanOrEqual(1);
    expect(JSON.stringify(blocks)).toMatch(/More courses, in the CSV: C\d\d \(4 at risk, 0 not started\)/);
    expect(csv).toHaveLength(120);
  });
});

describe('feedback per enrolment', () => {
  test("snoozing U2 in C1 leaves U2 on C2's list", async () => {
    const outDir = run();
    const result = await processRecordFeedback(
      jobOf('record-feedback', {
        outDir,
        learnerId: 'U2',
        courseId: 'C1',
        slackUserId: 'W1',
        verdict: 'snoozed',
        scope: null,
      }),
      contextOf(outDir),
    );
    expect(result.recorded).toBe(true);
    expect([...latestFeedback(outDir).keys()]).toEqual([enrolmentKey('U2', 'C1')]);
    const { blocks, csv } = await postList(outDir, null);
    expect(lineOf(blocks, 'C1', 'U2')).toBeUndefined();
    expect(lineOf(blocks, 'C2', 'U2')).toMatch(/80% risk/);
    expect(courseSection(blocks, 'C1')[0]).toContain('1 snoozed not shown');
    expect(csv.map((r) => `${r.user_id}/${r.course_id}`)).not.toContain('U2/C1');
    expect(csv.map((r) => `${r.user_id}/${r.course_id}`)).toContain('U2/C2');
  });

  test("course staff of C2 clicking feedback on U1's C1 enrolment are refused, on U1's C2 enrolment recorded", async () => {
    const outDir = run();
    const logs: string[] = [];
    const refused = await processRecordFeedback(
      jobOf(
        'record-feedback',
        { outDir, learnerId: 'U1', courseId: 'C1', slackUserId: 'WC2', verdict: 'snoozed', scope: ['C2'] },
        logs,
      ),
      contextOf(outDir),
    );
    expect(refused).toEqual({ path: null, recorded: false });
    expect(logs.join('\n')).toContain('refused');
    // A learner-wide verdict (a button of a list without courses) would reach C1 too: refused as well.
    const learnerWide = await processRecordFeedback(
      jobOf('record-feedback', {
        outDir,
        learnerId: 'U1',
        courseId: '',
        slackUserId: 'WC2',
        verdict: 'snoozed',
        scope: ['C2'],
      }),
      contextOf(outDir),
    );
    expect(learnerWide.recorded).toBe(false);
    expect(latestFeedback(outDir).size).toBe(0);
    const own = await processRecordFeedback(
      jobOf('record-feedback', {
        outDir,
        learnerId: 'U1',
        courseId: 'C2',
        slackUserId: 'WC2',
        verdict: 'contacted',
        scope: ['C2'],
      }),
      contextOf(outDir),
    );
    expect(own.recorded).toBe(true);
    const line = JSON.parse(readFileSync(own.path ?? '', 'utf8').trim());
    expect(line).toMatchObject({ learnerId: 'U1', courseId: 'C2', slackUserId: 'WC2', verdict: 'contacted' });
  });

  test('a verdict logged before verdicts were per enrolment holds for every enrolment of the learner', async () => {
    const outDir = run();
    appendFeedback(outDir, {
      at: new Date().toISOString(),
      jobId: 'old',
      learnerId: 'U2',
      courseId: '',
      slackUserId: 'W1',
      verdict: 'snoozed',
      modelVersion: 'v0',
    });
    const { blocks } = await postList(outDir, null);
    expect(lineOf(blocks, 'C1', 'U2')).toBeUndefined();
    expect(lineOf(blocks, 'C2', 'U2')).toBeUndefined();
  });
});

describe('learner profile per enrolment', () => {
  async function profile(
    outDir: string,
    learnerId: string,
    scope: LearnerScope,
  ): Promise<LearnerProfileResult> {
    const receipt = await processLearnerProfile(
      jobOf('learner-profile', { outDir, learnerId, timeoutMs: 10_000, scope }),
      contextOf(outDir),
    );
    return JSON.parse(readFileSync(receipt.answerPath, 'utf8')) as LearnerProfileResult;
  }

  test('programme staff see every enrolment and outcome; C2 staff only C2; C3 staff only the C3 outcome', async () => {
    const outDir = run();
    const all = await profile(outDir, 'U1', null);
    expect(all.found).toBe(true);
    expect(all.enrolments.map((e) => [e.courseId, e.riskBand, e.atRisk])).toEqual([
      ['C1', 'high', true],
      ['C2', 'low', false],
    ]);
    expect(all.outcomes.map((o) => `${o.courseId} ${o.outcome}`)).toEqual([
      'C1 open',
      'C2 open',
      'C3 completed',
    ]);

    const c2 = await profile(outDir, 'U1', ['C2']);
    expect(c2.enrolments).toEqual([
      {
        courseId: 'C2',
        enrolledOn: '2026-03-02',
        riskBand: 'low',
        completionProbability: 0.9,
        atRisk: false,
        neverActive: false,
        drivers: ['C2 steady progress'],
      },
    ]);
    expect(c2.outcomes.map((o) => o.courseId)).toEqual(['C2']);
    expect(JSON.stringify(c2)).not.toContain('C1');

    const c3 = await profile(outDir, 'U1', ['C3']);
    expect(c3).toMatchObject({
      found: false,
      enrolments: [],
      outcomes: [{ courseId: 'C3', outcome: 'completed' }],
    });

    const notStarted = await profile(outDir, 'U3', ['C2']);
    expect(notStarted.enrolments[0]).toMatchObject({
      courseId: 'C2',
      neverActive: true,
      enrolledOn: '2026-06-05',
    });
  });

  test('a learner with no enrolment in scope is answered exactly like an unknown one', async () => {
    const outDir = run();
    const outside = await profile(outDir, 'U2', ['C3']);
    const unknown = await profile(outDir, 'U2-unknown', ['C3']);
    expect({ ...outside, learnerId: '' }).toEqual({ ...unknown, learnerId: '' });
    expect(outside).toMatchObject({ found: false, enrolments: [], outcomes: [] });
  });
});

describe('digest per enrolment', () => {
  function outputs(predictions: Row[]): RunOutputs {
    return {
      runDir: '/nowhere',
      summary: { asOf: AS_OF, modelVersion: 'v1', scored: 8, atRisk: 5, bands: { high: 3 } },
      card: null,
      predictions,
      weekly: [],
      outcomes: OUTCOMES,
      quality: null,
      neverActive: NEVER_ACTIVE,
      charts: { weeklyEngagement: null, riskDistribution: null },
    };
  }
  const build = (current: RunOutputs, previousAtRisk: string[] | null = null) =>
    buildDigestContent({
      current,
      previous: null,
      previousAtRisk,
      feedback: new Map(),
      now: new Date('2026-06-29T08:00:00Z'),
      modelMaxAgeDays: 30,
    });

  test("a course digest is that course's enrolments only; the programme digest breaks the counts down by course", () => {
    const course = build(scopedOutputs(outputs(PREDICTIONS), ['C2']));
    expect(course.atRiskIds).toEqual([enrolmentKey('U2', 'C2'), enrolmentKey('U5', 'C2')]);
    const text = JSON.stringify(course.blocks);
    expect(text).toContain('*At risk: 2* of 4 learners in C2');
    expect(text).toContain('Enrolled, not started: 1');
    expect(text).not.toContain('· C1');
    expect(text).not.toContain('Registered, never active');
    const csv = parse(course.atRiskCsv ?? '', { columns: true }) as Row[];
    expect(csv.map((r) => `${r.user_id}/${r.course_id}`)).toEqual(['U3/C2', 'U2/C2', 'U5/C2']);
    expect(course.atRiskCsvAltText).toBe(
      `CSV file: 2 learners in C2 at risk and 1 enrolled, not started, as of ${AS_OF}, one row per enrolment with course, risk score, band and drivers.`,
    );

    const programme = build(outputs(PREDICTIONS));
    const all = JSON.stringify(programme.blocks);
    expect(all).toContain('*At risk: 4* of 8 open enrolments');
    expect(all).toContain('• C1: 2 at risk · 4 open · 1 not started');
    expect(all).toContain('• C2: 2 at risk · 4 open · 1 not started');
    // The top list across courses, highest risk first, after the not-started enrolments.
    expect(buttonValues(programme.blocks)).toEqual([
      enrolmentKey('U1', 'C1'),
      enrolmentKey('U2', 'C2'),
      enrolmentKey('U2', 'C1'),
      enrolmentKey('U5', 'C2'),
    ]);
    expect(all.indexOf('Enrolled, not started (2)')).toBeLessThan(all.indexOf('*Top 4 at risk*'));
  });

  test('the new / still-at-risk split compares enrolments; a baseline of learner ids stands for all their enrolments', () => {
    const split = splitAtRisk(PREDICTIONS, [
      enrolmentKey('U2', 'C1'),
      enrolmentKey('U1', 'C2'),
      enrolmentKey('U7', 'C1'),
    ]);
    // U2 in C1 still at risk; U1 in C1 and U2, U5 in C2 new; U1 in C2 recovered; U7 left.
    expect(split).toMatchObject({
      stillAtRisk: { medium: 1 },
      newThisWeek: { high: 2, medium: 1 },
      recovered: 1,
      left: 1,
    });
    const legacy = splitAtRisk(PREDICTIONS, ['U2', 'U4', 'U8']);
    expect(legacy).toMatchObject({ stillAtRisk: { medium: 1, high: 1 }, recovered: 1, left: 1 });
  });
});

describe('a run folder written before the enrolment grain', () => {
  test('its `courses` cell still scopes lists, feedback and profiles: each course id counts as in scope', async () => {
    const old = asLearnerRows(PREDICTIONS);
    expect(old[0]).toMatchObject({ user_id: 'U1', courses: 'C1;C2' });
    expect(Object.keys(old[0] ?? {})).not.toContain('course_id');
    const oldOutcomes = [
      { user_id: 'U1', department: 'Research', courses: 'C1;C2;C3', outcome: 'open' },
      { user_id: 'U9', department: 'Research', courses: 'C1', outcome: 'dropped' },
    ];
    const outDir = outWithRun({ predictions: old, outcomes: oldOutcomes });
    const { blocks, csv } = await postList(outDir, ['C2']);
    // U1 (at risk as a learner, enrolled in C1 and C2) is in C2's list, as it was before.
    expect(buttonValues(blocks)).toContain(enrolmentKey('U1', 'C2'));
    expect(lineOf(blocks, 'C2', 'U1')).toMatch(/Research · C2\n90% risk/);
    expect(courseSection(blocks, 'C1')).toEqual([]);
    expect(csv.every((r) => r.course_id === 'C2')).toBe(true);
    const recorded = await processRecordFeedback(
      jobOf('record-feedback', {
        outDir,
        learnerId: 'U1',
        courseId: 'C2',
        slackUserId: 'WC2',
        verdict: 'contacted',
        scope: ['C2'],
      }),
      contextOf(outDir),
    );
    expect(recorded.recorded).toBe(true);
    const refused = await processRecordFeedback(
      jobOf('record-feedback', {
        outDir,
        learnerId: 'U4',
        courseId: 'C2',
        slackUserId: 'WC2',
        verdict: 'snoozed',
        scope: ['C2'],
      }),
      contextOf(outDir),
    );
    expect(refused.recorded).toBe(false);
    const receipt = await processLearnerProfile(
      jobOf('learner-profile', { outDir, learnerId: 'U1', timeoutMs: 10_000, scope: ['C2'] }),
      contextOf(outDir),
    );
    const profile = JSON.parse(readFileSync(receipt.answerPath, 'utf8')) as LearnerProfileResult;
    expect(profile.enrolments.map((e) => [e.courseId, e.riskBand])).toEqual([['C2', 'high']]);
    expect(profile.outcomes).toEqual([{ courseId: 'C2', outcome: 'open', outcomeSource: null }]);
  });
});
