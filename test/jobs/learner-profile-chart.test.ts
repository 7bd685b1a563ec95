/**
 * The learner-profile chart a staff member receives: drawn from the published run's scores (nothing
 * scored again), and, for staff who may not see all of the learner's courses, only the course they
 * may see: its weeks and that enrolment's risk, never another course's.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readConfig } from '../../src/config.ts';
import { readJobsConfig } from '../../src/jobs/config.ts';
import type { JobContext, LearnerProfileResult, LearnerScope } from '../../src/jobs/contracts.ts';
import { processLearnerProfile } from '../../src/jobs/processors/learner-profile.ts';
import { drawLearnerProfile } from '../../src/run-folder/draw-run.ts';
import { publishedRun } from '../bot/published-run.ts';
import { removeTempDirs, tempDir } from '../helpers/fs.ts';
import { copyFixture } from '../helpers/shared-fixtures.ts';

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

describe('drawn from the published run', () => {
  const weekValues = (spec: unknown) =>
    (spec as { data?: { values?: { metric: string; value: number | null }[] } }).data?.values ?? [];

  test('its published weeks give the chart that rebuilding the export gives; without either, a clear refusal', async () => {
    const config = readConfig({});
    const runDir = join(outDir, 'latest');
    const course = learner.second.course_id ?? '';
    // The same run without its published weeks (as runs were before enrolment_weeks.csv): drawn by
    // rebuilding the export as of the run's as-of.
    const older = copyFixture(join(outDir, 'runs', 'r1'), tempDir('lumen-older-run-'), [
      'enrolment_weeks.csv',
      'weekly_behavioral_features.csv',
    ]);
    for (const courseId of [course, null]) {
      const published = await drawLearnerProfile(config, {
        runDir,
        dataDir: null,
        learnerId: learner.id,
        courseId,
      });
      const rebuilt = await drawLearnerProfile(config, {
        runDir: older,
        dataDir,
        learnerId: learner.id,
        courseId,
      });
      expect(weekValues(published.spec).filter((v) => v.metric === 'Sessions').length).toBeGreaterThan(1);
      // As JSON: rendering tags each data value with a vega id of its own.
      expect(JSON.stringify(published.spec)).toBe(JSON.stringify(rebuilt.spec));
    }
    await expect(
      drawLearnerProfile(config, { runDir: older, dataDir: null, learnerId: learner.id, courseId: course }),
    ).rejects.toThrow(/holds no weeks of its learners and the export it read is not at hand/);
    await expect(
      drawLearnerProfile(config, { runDir, dataDir: null, learnerId: 'U-NOT-THERE', courseId: null }),
    ).rejects.toThrow("learner U-NOT-THERE is not in the run's published files");
  }, 120_000);

  test('a course profile is drawn after the export has moved away', async () => {
    const course = learner.first.course_id ?? '';
    const moved = `${dataDir}-moved`;
    renameSync(dataDir, moved);
    try {
      const answer = await profile([course]);
      expect(answer.chartPath && basename(answer.chartPath)).toBe(`r1-${learner.id}--${course}.png`);
      expect(
        readFileSync(answer.chartPath ?? '')
          .subarray(1, 4)
          .toString(),
      ).toBe('PNG');
    } finally {
      renameSync(moved, dataDir);
    }
  }, 120_000);
});
