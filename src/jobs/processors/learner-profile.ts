/**
 * learner-profile: one learner's latest scores, drivers and outcomes, one per enrolment (course) the
 * requester may see, as ids, numbers and feature phrases (the name and email stay in the files). A
 * learner with no enrolment in scope is answered like one the export does not know. A learner asked
 * for by email is found by its lookup key (HMAC-SHA256 of the trimmed, lower-cased email,
 * lookup-key.ts): the job data carries only that key.
 */
import { randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { normalizeHeaderName } from '../../analytics/load.ts';
import { drawLearnerProfile, publishedWeeksFile } from '../../run-folder/draw-run.ts';
import {
  byRiskDescending,
  chartPng,
  chartTitleLines,
  latestRunFolderOrFail,
  type CsvRow as PredictionRow,
  readDataQuality,
  readOutcomes,
  readPredictions,
} from '../../run-folder/index.ts';
import type {
  JobContext,
  LearnerEnrolmentOutcome,
  LearnerEnrolmentScore,
  LearnerProfileReceipt,
  LearnerProfileResult,
} from '../contracts.ts';
import { JobsError } from '../jobs-error.ts';
import { rowsInScope } from '../learner-scope.ts';
import { emailLookupKey } from '../lookup-key.ts';
import type { ProcessorContext } from '../processor-context.ts';

/**
 * Answer files the bot has not collected after this long are removed: the bot reads and deletes
 * its answer within minutes, so an older file is an orphan (the bot stopped) holding learner data.
 */
export const ANSWER_MAX_AGE_MS = 60 * 60 * 1000;

/**
 * Keeps OUT/learner-charts and OUT/learner-answers from growing without bound: profile charts of
 * runs other than the latest (a new ask draws against the latest run) and orphaned answer files go.
 * Returns the removed paths.
 */
export function pruneLearnerFiles(outDir: string, latestRunDir: string, now = Date.now()): string[] {
  const removed: string[] = [];
  const remove = (path: string) => {
    rmSync(path, { force: true });
    removed.push(path);
  };
  const charts = join(outDir, 'learner-charts');
  const current = `${basename(latestRunDir)}-`;
  if (existsSync(charts))
    for (const name of readdirSync(charts)) if (!name.startsWith(current)) remove(join(charts, name));
  const answers = join(outDir, 'learner-answers');
  if (existsSync(answers))
    for (const name of readdirSync(answers)) {
      const path = join(answers, name);
      if (now - statSync(path).mtimeMs > ANSWER_MAX_AGE_MS) remove(path);
    }
  return removed;
}

function readCsv(path: string): Record<string, string>[] {
  // Header cells of real exports carry stray spaces and capitals (" EMAIL "): compared as the
  // pipeline compares them.
  return parse(readFileSync(path, 'utf8'), {
    columns: (header: string[]) => header.map(normalizeHeaderName),
    skip_empty_lines: true,
    bom: true,
  }) as Record<string, string>[];
}

/** The export the latest run read: data_quality.json names its folder. */
function exportDir(runDir: string): string {
  const dataDir = readDataQuality(runDir)?.dataDir as unknown;
  if (typeof dataDir !== 'string' || dataDir === '') {
    throw new JobsError(
      'MISSING_OUTPUT',
      `the data quality report in ${runDir} does not name the export folder`,
    );
  }
  return isAbsolute(dataDir) ? dataDir : resolve(dataDir);
}

/** The user_id whose email has the lookup key `key` under `secret`, or null. */
export function userIdByEmailKey(runDir: string, secret: string, key: string): string | null {
  const users = join(exportDir(runDir), 'lms_users.csv');
  if (!existsSync(users)) throw new JobsError('MISSING_OUTPUT', `the export has no lms_users.csv (${users})`);
  const match = readCsv(users).find((row) => row.email && emailLookupKey(secret, row.email) === key);
  return match?.user_id?.trim() || null;
}

/** OUT/latest/charts/learner-profile.png when its spec is this learner's (the title names the id). */
function profileChart(runDir: string, learnerId: string): string | null {
  const png = chartPng(runDir, 'learner-profile');
  if (!png) return null;
  const text = chartTitleLines(png).join('\n');
  return new RegExp(`(^|[^A-Za-z0-9_.-])${learnerId.replace(/[.]/g, '\\.')}($|[^A-Za-z0-9_.-])`).test(text)
    ? png
    : null;
}

/**
 * Draws the learner-profile chart for `learnerId` against the latest run (its scores as published, the
 * export as of its as-of), only `courseId`'s weeks and score when that is set, and keeps the PNG under
 * OUT/learner-charts/<runId>-<id>[-<course>].png so a second ask for the same chart and run is
 * instant. OUT/latest itself is never written: it is a published run.
 */
async function renderProfileChart(
  job: JobContext<'learner-profile'>,
  context: ProcessorContext,
  runDir: string,
  learnerId: string,
  courseId: string | null,
): Promise<string | null> {
  const folder = join(job.data.outDir, 'learner-charts');
  const safe = (id: string) => id.replace(/[^A-Za-z0-9_-]/g, '_');
  const name = `${basename(runDir)}-${safe(learnerId)}${courseId === null ? '' : `--${safe(courseId)}`}.png`;
  const target = join(folder, name);
  if (existsSync(target)) return target;
  // The run's published weeks are enough; a run written before enrolment_weeks.csv needs its export,
  // and when that is gone (moved, or never named) the answer goes without a chart.
  let dataDir: string | null = null;
  if (publishedWeeksFile(runDir, courseId) === null) {
    const named = readDataQuality(runDir)?.dataDir;
    dataDir = typeof named === 'string' && named !== '' ? exportDir(runDir) : null;
    if (dataDir === null || !existsSync(dataDir)) return null;
  }
  const chart = await drawLearnerProfile(context.config, {
    runDir,
    dataDir,
    learnerId,
    courseId,
  });
  mkdirSync(folder, { recursive: true });
  // Write then rename: the bot never reads half a PNG.
  const temp = `${target}.${process.pid}.tmp`;
  writeFileSync(temp, chart.png);
  renameSync(temp, target);
  return target;
}

function enrolmentScore(row: PredictionRow): LearnerEnrolmentScore {
  const probability = Number(row.completion_probability);
  return {
    courseId: row.course_id ?? '',
    enrolledOn: row.enrolled_on || null,
    riskBand: row.risk_band || null,
    completionProbability: row.completion_probability && Number.isFinite(probability) ? probability : null,
    atRisk: row.at_risk === 'true',
    neverActive: row.never_active === 'true',
    drivers: (row.top_drivers ?? '').split(/;\s*/).filter(Boolean).slice(0, 3),
  };
}

function enrolmentOutcome(row: PredictionRow): LearnerEnrolmentOutcome {
  return {
    courseId: row.course_id ?? '',
    outcome: row.outcome ?? '',
    outcomeSource: row.outcome_source || null,
  };
}

async function progress(job: JobContext<'learner-profile'>, stage: string, percent: number): Promise<void> {
  await Promise.resolve(job.updateProgress({ stage, percent })).catch(() => {});
}

export async function processLearnerProfile(
  job: JobContext<'learner-profile'>,
  context: ProcessorContext,
): Promise<LearnerProfileReceipt> {
  const { outDir, emailKey } = job.data;
  await progress(job, 'looking up the learner', 10);
  const runDir = latestRunFolderOrFail(outDir);
  pruneLearnerFiles(outDir, runDir);
  const byEmail = typeof emailKey === 'string' && emailKey !== '';
  let asked = job.data.learnerId;
  if (byEmail) {
    if (!context.lookupSecret) throw new JobsError('BAD_CONFIG', 'no email lookup secret here (no Redis)');
    asked = userIdByEmailKey(runDir, await context.lookupSecret(), emailKey) ?? '';
  }
  const ofLearner = (rows: PredictionRow[] | null) =>
    asked ? (rows ?? []).filter((r) => r.user_id === asked) : [];
  // Only the enrolments of the requester's courses: one outside them all is answered exactly like a
  // learner the export does not know, and another course's enrolment is never mentioned.
  const learnerOpen = ofLearner(readPredictions(runDir));
  const learnerOutcomes = ofLearner(readOutcomes(runDir));
  const open = rowsInScope(learnerOpen, job.data.scope);
  const outcomes = rowsInScope(learnerOutcomes, job.data.scope);
  const known = open.length > 0 || outcomes.length > 0;
  const learnerId = known || !byEmail ? asked : '';
  // A requester who may not see all of the learner's courses gets the profile of one course they
  // may see (the riskiest open enrolment's, else the first finished one's): the whole-learner chart
  // would show the other courses' activity and risk.
  const allCourses = new Set([...learnerOpen, ...learnerOutcomes].map((r) => r.course_id ?? ''));
  const seenCourses = new Set([...open, ...outcomes].map((r) => r.course_id ?? ''));
  const courseId = [...allCourses].every((c) => seenCourses.has(c))
    ? null
    : ([...open].sort(byRiskDescending)[0]?.course_id ?? outcomes[0]?.course_id ?? null);
  let chartPath = known && courseId === null ? profileChart(runDir, learnerId) : null;
  if (known && chartPath === null) {
    // The chart OUT/latest carries is another learner's, or shows courses the requester may not see.
    await progress(job, 'drawing the profile chart', 40);
    chartPath = await renderProfileChart(job, context, runDir, learnerId, courseId);
  }
  const answer: LearnerProfileResult = {
    learnerId,
    found: open.length > 0,
    modelVersion: open[0]?.model_version ?? null,
    chartPath,
    enrolments: open.map(enrolmentScore),
    outcomes: outcomes.map(enrolmentOutcome),
    byEmail,
  };
  // The answer goes to a file in OUT, not into the job's return value (kept in Redis in plain text).
  const answers = join(outDir, 'learner-answers');
  mkdirSync(answers, { recursive: true });
  const answerPath = join(answers, `${randomUUID()}.json`);
  writeFileSync(`${answerPath}.tmp`, JSON.stringify(answer));
  renameSync(`${answerPath}.tmp`, answerPath);
  return { learnerId, found: answer.found, byEmail, answerPath };
}
