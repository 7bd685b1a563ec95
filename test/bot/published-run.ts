/**
 * Shared set-up for the bot's end-to-end tests: a real scored run on generated data published as
 * OUT/latest (with a previous run in the history), and a real worker posting through the Slack
 * publisher to the fake Web API.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { expect } from 'vitest';
import { parseEnrolmentKey } from '../../src/analytics/enrolment-key.ts';
import type { BotConfig } from '../../src/bot/config.ts';
import { createSlackPublisher } from '../../src/bot/publish.ts';
import type { JobsConfig } from '../../src/jobs/config.ts';
import { type RunningWorker, startWorker } from '../../src/jobs/job-worker.ts';
import { byRiskDescending } from '../../src/run-folder/index.ts';
import { sharedAnalysis } from '../helpers/analysis-run.ts';
import { tempDir } from '../helpers/fs.ts';
import { copiedExport, copyFixture, sharedExport } from '../helpers/shared-fixtures.ts';
import { quietLog, testConfig } from '../jobs/redis-kit.ts';
import { type FakeSlack, type RecordedCall, textOf } from './fake-slack.ts';

/** Smallest valid PNG signature + IHDR start: enough for an upload, charts are tested elsewhere. */
export const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

/** The previous run's as-of date; it had 12 fewer learners at risk than the latest. */
export const PREVIOUS_AS_OF = '2026-06-21';

export interface PublishedRun {
  readonly dataDir: string;
  readonly outDir: string;
  /** The second at-risk learner's last name: a real name that must arrive unescaped. */
  readonly plainName: string;
  /** The latest run's at-risk count. */
  readonly atRiskNow: number;
  /** An at-risk learner looked up by email; the rendered profile chart in OUT/latest is theirs. */
  readonly emailLearner: { readonly id: string; readonly email: string };
}

function runRecord(runId: string): Record<string, unknown> {
  return {
    runId,
    jobId: `job-${runId}`,
    trigger: 'test',
    status: 'succeeded',
    startedAt: '2026-06-21T06:00:00.000Z',
    finishedAt: '2026-06-21T06:01:00.000Z',
    attempt: 1,
    stages: {},
    dataFingerprint: null,
    modelVersion: null,
    trained: true,
    error: null,
  };
}

/** A real scored run on generated data, published as OUT/latest by hand (refresh is tested in jobs). */
export async function publishedRun(): Promise<PublishedRun> {
  // The export and its scored run are built once per test run for all the bot files (the run is
  // the same for each); each file gets its own writable copies, edited below.
  const settings = { learners: 800, seed: 3 };
  // The run the chart and dashboard tests share (train, score, charts on this export). Its charts and
  // dashboard are left out: charts are drawn by a colleague's module and tested there; stand-in PNGs
  // below are what the bot uploads.
  const shared = await sharedAnalysis(settings.learners, settings.seed);
  const dataDir = await copiedExport(settings, 'lumen-bot-data-');
  const outDir = tempDir('lumen-bot-out-');
  const runDir = join(outDir, 'runs', 'r1');
  mkdirSync(join(outDir, 'runs'), { recursive: true });
  copyFixture(shared.outDir, runDir, ['charts', 'dashboard.html']);
  // The run names the export it read (the learner-profile job reads it there): this file's copy.
  const qualityPath = join(runDir, 'data_quality.json');
  const quality = JSON.parse(readFileSync(qualityPath, 'utf8')) as { dataDir: string };
  expect(quality.dataDir).toBe(await sharedExport(settings));
  writeFileSync(qualityPath, `${JSON.stringify({ ...quality, dataDir }, null, 2)}\n`);
  mkdirSync(join(runDir, 'charts'), { recursive: true });
  writeFileSync(join(runDir, 'charts', 'risk-distribution.png'), PNG);
  // A learner whose name is a Slack broadcast: it must arrive escaped and ping nobody. The riskiest
  // started enrolments over all courses: each is at the top of its course's list.
  const csvPath = join(runDir, 'ML_Prediction.csv');
  const rows = parse(readFileSync(csvPath, 'utf8'), { columns: true }) as Record<string, string>[];
  const atRisk = rows.filter((r) => r.at_risk === 'true' && r.never_active !== 'true').sort(byRiskDescending);
  expect(atRisk.length).toBeGreaterThan(2);
  (atRisk[0] as Record<string, string>).first_name = '<!channel>';
  const plainName = atRisk[1]?.last_name ?? '';
  const users = parse(readFileSync(join(dataDir, 'lms_users.csv'), 'utf8'), {
    columns: (header: string[]) => header.map((h) => h.trim()),
  }) as Record<string, string>[];
  const third = atRisk[2]?.user_id ?? '';
  const emailLearner = { id: third, email: users.find((u) => u.user_id === third)?.email ?? '' };
  expect(emailLearner.email).toContain('@');
  writeFileSync(join(runDir, 'charts', 'learner-profile.png'), PNG);
  writeFileSync(
    join(runDir, 'charts', 'learner-profile.vl.json'),
    JSON.stringify({ title: `Learner ${third}: weekly activity` }),
  );
  writeFileSync(csvPath, stringify(rows, { header: true, columns: Object.keys(rows[0] ?? {}) }));
  symlinkSync(join('runs', 'r1'), join(outDir, 'latest'));
  // A previous run with 12 fewer at risk: the run r1's run.json says it replaced.
  const summary = JSON.parse(readFileSync(join(runDir, 'run_summary.json'), 'utf8')) as { atRisk: number };
  const atRiskNow = summary.atRisk;
  const previousDir = join(outDir, 'runs', 'r0');
  mkdirSync(previousDir, { recursive: true });
  writeFileSync(
    join(previousDir, 'run_summary.json'),
    JSON.stringify({ ...summary, asOf: PREVIOUS_AS_OF, atRisk: atRiskNow - 12 }),
  );
  writeFileSync(join(outDir, 'runs', 'history.json'), JSON.stringify([runRecord('r1'), runRecord('r0')]));
  writeFileSync(join(previousDir, 'run.json'), JSON.stringify({ runId: 'r0', previousRunId: null }));
  writeFileSync(join(runDir, 'run.json'), JSON.stringify({ runId: 'r1', previousRunId: 'r0' }));
  return { dataDir, outDir, plainName, atRiskNow, emailLearner };
}

/** The feedback-button values of a posted list, in order: one enrolment key (learner, course) per row. */
export function listedEnrolments(list: RecordedCall): string[] {
  return (list.params.blocks as { type: string; elements?: { value?: string }[] }[])
    .filter((b) => b.type === 'actions')
    .map((b) => b.elements?.[0]?.value ?? '');
}

/** A programme-wide list's rows: per course at most `top`, at most 20 in all, each naming its course. */
export function expectTopPerCourse(values: readonly string[], top: number): void {
  expect(values.length).toBeGreaterThan(0);
  expect(values.length).toBeLessThanOrEqual(20);
  const perCourse = new Map<string, number>();
  for (const value of values) {
    const { courseId } = parseEnrolmentKey(value);
    expect(courseId).not.toBe('');
    perCourse.set(courseId, (perCourse.get(courseId) ?? 0) + 1);
  }
  for (const n of perCourse.values()) expect(n).toBeLessThanOrEqual(top);
}

/** A real worker that posts through the Slack publisher (fast retries) to `botConfig`'s Web API. */
export function startTestWorker(botConfig: BotConfig, jobsConfig: JobsConfig): Promise<RunningWorker> {
  const fastRetries = { retries: 2, factor: 1, minTimeout: 100, maxTimeout: 2000 };
  return startWorker(
    testConfig(),
    jobsConfig,
    createSlackPublisher(botConfig, { retryConfig: fastRetries }),
    {
      upsertSchedules: false,
      log: quietLog,
    },
  );
}

/**
 * The files of an at-risk answer, uploaded through the three-step upload (URL, bytes, complete) and
 * completed into `channel`: the risk-distribution chart, whose bytes are the run's PNG, and the CSV.
 */
export async function expectAtRiskFiles(fake: FakeSlack, channel: string): Promise<void> {
  for (const title of ['risk distribution', 'At-risk learners'])
    await fake.waitFor(
      (c) =>
        c.method === 'files.completeUploadExternal' &&
        c.params.channel_id === channel &&
        textOf(c).includes(title),
    );
  expect(fake.callsTo('files.getUploadURLExternal').length).toBeGreaterThanOrEqual(2);
  expect(fake.callsTo('upload').some((c) => c.body?.includes(PNG) === true)).toBe(true);
}
