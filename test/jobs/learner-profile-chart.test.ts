/**
 * The learner-profile chart a staff member receives: drawn from the published run's scores (nothing
 * scored again), and, for staff who may not see all of the learner's courses, only the course they
 * may see: its weeks and that enrolment's risk, never another course's.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readConfig } from '../../src/config.ts';
import { readJobsConfig } from '../../src/jobs/config.ts';
import type { JobContext, LearnerProfileResult, LearnerScope } from '../../src/jobs/contracts.ts';
import { processLearnerProfile } from '../../src/jobs/processors/learner-profile.ts';
import { drawLearnerProfile } from '../../src/run-folder/draw-run.ts';
import { publishedRun } from '../bot/published-run.ts';
import { removeTempDirs } from '../helpers/fs.ts';

afterAll(removeTempDirs);

type Row = Record<string, string>;
let outDir: string;
let dataDir: string;
/** A learner with open enrolments in two courses whose risks differ. */
let learner: { id: string; first: Row; second: Row };

beforeAll(async () => {
  ({ outDir, dataDir } = await publishedRun());
  const rows = parse(readFileSync(join(outDir, 'latest', 'ML_Prediction.csv'), 'utf8'), {
    columns: true,
  }) as Row[];
  const byLearner = new Map<string, Row[]>();
  for (const r of rows.filter((r) => r.never_active === 'false'))
    byLearner.set(r.user_id ?? '', [...(byLearner.get(r.user_id ?? '') ?? []), r]);
  const [id, [first, second] = []] =
    [...byLearner].find(
      ([, rs]) =>
        rs.length === 2 && (rs[0]?.risk_score ?? '').slice(0, 4) !== (rs[1]?.risk_score ?? '').slice(0, 4),
    ) ?? [];
  if (!id || !first || !second) throw new Error('no learner with two open enrolments of different risk');
  learner = { id, first, second };
}, 180_000);

function jobOf(learnerId: string, scope: LearnerScope): JobContext<'learner-profile'> {
  return {
    id: `learner-profile-${learnerId}-${String(scope)}`,
    name: 'learner-profile',
    data: { outDir, learnerId, timeoutMs: 60_000, scope },
    timestamp: Date.now(),
    dueAt: Date.now(),
    attemptsMade: 0,
    updateProgress: async () => {},
    log: () => {},
  };
}

async function profile(scope: LearnerScope): Promise<LearnerProfileResult> {
  const receipt = await processLearnerProfile(jobOf(learner.id, scope), {
    config: readConfig({}),
    jobsConfig: readJobsConfig({ LUMEN_OUT_DIR: outDir }),
    history: null,
    publisher: null,
    signal: new AbortController().signal,
  });
  return JSON.parse(readFileSync(receipt.answerPath, 'utf8')) as LearnerProfileResult;
}

const riskText = (r: Row) => `Risk ${(Number(r.risk_score) * 100).toFixed(0)}%`;

describe('the learner-profile chart per requester', () => {
  test("one course's staff get that course's profile: its weeks and its risk, not the other course's", async () => {
    const course = learner.second.course_id ?? '';
    const answer = await profile([course]);
    expect(answer.enrolments.map((e) => e.courseId)).toEqual([course]);
    expect(answer.chartPath && basename(answer.chartPath)).toBe(`r1-${learner.id}--${course}.png`);
    expect(existsSync(answer.chartPath ?? '')).toBe(true);
    expect(
      readFileSync(answer.chartPath ?? '')
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');

    const chart = await drawLearnerProfile(readConfig({}), {
      runDir: join(outDir, 'latest'),
      dataDir,
      learnerId: learner.id,
      courseId: course,
    });
    const title = chart.spec.title as { text: string; subtitle: string | string[] };
    const subtitle = [title.subtitle].flat().join(' ');
    expect(title.text).toBe(`Learner profile: ${learner.id} in ${course}`);
    expect(subtitle).toContain(riskText(learner.second));
    expect(subtitle).not.toContain(riskText(learner.first));
    const whole = await drawLearnerProfile(readConfig({}), {
      runDir: join(outDir, 'latest'),
      dataDir,
      learnerId: learner.id,
      courseId: null,
    });
    // The whole-learner profile counts both courses' sessions; the course's counts are its own.
    const sessions = (spec: typeof chart.spec) =>
      ((spec as { data: { values: { metric: string; value: number | null }[] } }).data.values ?? [])
        .filter((v) => v.metric === 'Sessions')
        .reduce((a, v) => a + (v.value ?? 0), 0);
    expect(sessions(chart.spec)).toBeGreaterThan(0);
    expect(sessions(chart.spec)).toBeLessThan(sessions(whole.spec));
    expect((whole.spec.title as { text: string }).text).toBe(`Learner profile: ${learner.id}`);
  }, 120_000);

  test('programme staff, who see every course, get the whole-learner profile', async () => {
    const answer = await profile(null);
    expect(answer.enrolments).toHaveLength(2);
    expect(answer.chartPath && basename(answer.chartPath)).toBe(`r1-${learner.id}.png`);
  }, 120_000);
});
