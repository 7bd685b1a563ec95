/**
 * post-at-risk: the latest at-risk list to a Slack channel. When the model failed its reliability
 * gate (or no list was published) the channel gets the reason, never an empty list. Names and
 * drivers come from the export, so they are escaped for mrkdwn.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { RunSummary } from '../../analytics/analysis.ts';
import {
  atRiskLearnerBlocks,
  context as contextLine,
  escapeMrkdwn,
  header as headerBlock,
  type KnownBlock,
  neverActiveBlocks,
  section,
  withinLimits,
  withoutPaths,
} from '../../slack/index.ts';
import { atRiskCsvAltText, neverActiveCsvAltText } from '../alt-text.ts';
import type { JobContext, PostResult } from '../contracts.ts';
import { isSnoozed, latestFeedback } from '../feedback-log.ts';
import {
  latestFolderOrFail,
  type PredictionRow,
  readModelCard,
  readNeverActive,
  readPredictions,
} from '../latest-outputs.ts';
import { coursesOf, rowsInScope } from '../learner-scope.ts';
import { PostLedger } from '../post-ledger.ts';
import type { ProcessorContext } from '../processor-context.ts';
import { runsDir } from '../runs/run-folders.ts';
import { readHistoryFile } from '../runs/run-history.ts';
import { requirePublisher } from './require-publisher.ts';

/** Each listed learner takes two blocks (text + buttons); Slack allows 50 blocks per message. */
export const MAX_LISTED = 20;

function inCourse(row: PredictionRow, courseId: string | null | undefined): boolean {
  if (!courseId) return true;
  return coursesOf(row.courses).includes(courseId);
}

function bandCounts(rows: PredictionRow[]): string {
  const bands = new Map<string, number>();
  for (const row of rows) bands.set(row.risk_band ?? '?', (bands.get(row.risk_band ?? '?') ?? 0) + 1);
  return [...bands].map(([band, n]) => `${escapeMrkdwn(band)}: ${n}`).join(' · ');
}

function readSummary(runDir: string): RunSummary | null {
  try {
    return JSON.parse(readFileSync(join(runDir, 'run_summary.json'), 'utf8')) as RunSummary;
  } catch {
    return null;
  }
}

/**
 * The run published before `latestDir`: the next succeeded run in OUT/runs/history.json, or, when
 * the history does not know the latest run, the newest earlier run folder that finished (run.json).
 */
export function previousRunFolder(outDir: string, latestDir: string): string | null {
  const latestId = basename(latestDir);
  const history = readHistoryFile(outDir);
  const at = history.findIndex((run) => run.runId === latestId);
  if (at >= 0) {
    for (const run of history.slice(at + 1)) {
      const dir = join(runsDir(outDir), run.runId);
      if (run.status === 'succeeded' && existsSync(join(dir, 'run_summary.json'))) return dir;
    }
    return null;
  }
  const dir = runsDir(outDir);
  if (!existsSync(dir)) return null;
  const earlier = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name < latestId)
    .map((e) => e.name)
    .sort()
    .reverse();
  const found = earlier.find(
    (name) => existsSync(join(dir, name, 'run.json')) && existsSync(join(dir, name, 'run_summary.json')),
  );
  return found ? join(dir, found) : null;
}

/** "at risk: 427 (+12 since 2026-06-21)", or "(first run)" when there is no earlier run to compare. */
export function atRiskChange(outDir: string, latestDir: string, atRiskNow: number): string {
  const previousDir = previousRunFolder(outDir, latestDir);
  const previous = previousDir ? readSummary(previousDir) : null;
  if (previous === null || previous.atRisk === null) return `at risk: ${atRiskNow} (first run)`;
  const delta = atRiskNow - previous.atRisk;
  const sign = delta > 0 ? '+' : delta < 0 ? '-' : '±';
  return `at risk: ${atRiskNow} (${sign}${Math.abs(delta)} since ${escapeMrkdwn(previous.asOf)})`;
}

function summaryBandCounts(bands: Record<string, number>): string {
  return Object.entries(bands)
    .map(([band, n]) => `${escapeMrkdwn(band)}: ${n}`)
    .join(' · ');
}

export async function processPostAtRisk(
  job: JobContext<'post-at-risk'>,
  context: ProcessorContext,
): Promise<PostResult> {
  const publisher = requirePublisher(context);
  const { channel, outDir, courseId } = job.data;
  const limit = Math.min(Math.max(job.data.limit ?? 10, 1), MAX_LISTED);
  // What earlier attempts already sent: a retry finishes the rest and never posts the list twice.
  const ledger = new PostLedger(job, publisher, channel);
  // Posted after a refresh in a flow: when the refresh failed, say why instead of posting old news.
  const failures = (await job.childFailures?.()) ?? [];
  if (failures.length > 0) {
    const text = `The refresh failed, so there is no new at-risk list: ${escapeMrkdwn(failures.map(withoutPaths).join('; '))}`;
    await ledger.message([section(text)], text);
    return { channel, posted: 'reason', count: 0 };
  }
  await ledger.stage('reading the latest scores and the previous run', 20);
  const runDir = latestFolderOrFail(outDir);
  const card = readModelCard(runDir);
  const rows = readPredictions(runDir);

  if (!card?.reliable || rows === null) {
    const reasons = card?.gateReasons.length ? card.gateReasons.join(' ') : 'no at-risk list was produced';
    const text = `No at-risk list this time: the completion model is not reliable enough. ${escapeMrkdwn(reasons)}`;
    await ledger.message([section(text)], text);
    return { channel, posted: 'reason', count: 0 };
  }

  const summary = readSummary(runDir);
  const allAtRisk = summary?.atRisk ?? rows.filter((r) => r.at_risk === 'true').length;
  const change = atRiskChange(outDir, runDir, allAtRisk);
  const allBands = summary?.bands ? summaryBandCounts(summary.bands) : bandCounts(rows);
  // Aggregates over all learners (the course filter narrows the list, not the run's totals).
  const totals = `${change} · ${allBands}${courseId ? ' (all courses)' : ''}`;
  // Only the learners the requester may see, then the course asked for.
  const scope = rowsInScope(rows, job.data.scope).filter((r) => inCourse(r, courseId));
  // Feedback from the buttons: snoozed learners stay out of the list until the snooze ends.
  const feedback = latestFeedback(outDir);
  const now = new Date();
  const flagged = scope.filter((r) => r.at_risk === 'true');
  const atRisk = flagged.filter((r) => !isSnoozed(feedback.get(r.user_id ?? ''), now));
  const snoozed = flagged.length - atRisk.length;
  const asOf = rows[0]?.as_of ?? card.dataAsOf;
  const where = courseId ? ` in ${escapeMrkdwn(courseId)}` : '';
  // Registered learners with no activity at all belong to no course: programme-wide answers only.
  const neverActive = job.data.scope === null && !courseId ? readNeverActive(runDir) : [];
  if (atRisk.length === 0) {
    const hidden = snoozed > 0 ? ` (${snoozed} snoozed not shown)` : '';
    const text = `No learner${where} is at risk as of ${asOf}${hidden} (model ${card.modelVersion}).`;
    await ledger.stage('posting the list', 70);
    await ledger.message([section(text), contextLine(totals), ...neverActiveBlocks(neverActive)], text);
    return { channel, posted: 'list', count: 0, summary: totals };
  }
  const shown = atRisk.slice(0, limit);
  const header = `${atRisk.length} of ${scope.length} open learners${where} at risk as of ${asOf}; top ${shown.length}:`;
  const blocks: KnownBlock[] = [
    headerBlock('Learners at risk'),
    section(header),
    contextLine(courseId ? `${where.trim()}: ${bandCounts(scope)}` : bandCounts(scope)),
    contextLine(totals),
  ];
  blocks.push(...atRiskLearnerBlocks(shown, feedback));
  blocks.push(...neverActiveBlocks(neverActive));
  const more = atRisk.length - shown.length;
  const footer = [
    `model ${card.modelVersion}`,
    ...(more > 0 ? [`and ${more} more - see the CSV`] : []),
    ...(snoozed > 0 ? [`${snoozed} snoozed not shown`] : []),
  ].join(' · ');
  blocks.push(contextLine(footer));
  await ledger.stage('posting the list', 70);
  await ledger.message(withinLimits(blocks), header);
  if (job.data.attachCsv) {
    await ledger.stage('uploading the CSV', 85);
    // LMS text (names, departments) that a spreadsheet would run as a formula is neutralised.
    const csv = () =>
      Buffer.from(
        stringify(atRisk, { header: true, columns: Object.keys(atRisk[0] ?? {}), escape_formulas: true }),
      );
    await ledger.upload(`at-risk-${asOf}.csv`, csv, `At-risk learners ${asOf}`, {
      altText: atRiskCsvAltText(atRisk.length, asOf, where),
    });
    // The run's own never_active.csv, as written (formula-safe).
    if (neverActive.length > 0)
      await ledger.upload(
        `never-active-${asOf}.csv`,
        () => readFileSync(join(runDir, 'never_active.csv')),
        `Registered, never active ${asOf}`,
        { altText: neverActiveCsvAltText(neverActive.length, asOf) },
      );
  }
  return {
    channel,
    posted: 'list',
    count: shown.length,
    summary: `${shown.length} listed · ${totals}`,
  };
}
