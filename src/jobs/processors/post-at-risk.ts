/**
 * post-at-risk: the latest at-risk list to a Slack channel. When the model failed its reliability
 * gate (or no list was published) the channel gets the reason, never an empty list. Names and
 * drivers come from the export, so they are escaped for mrkdwn.
 */
import { stringify } from 'csv-stringify/sync';
import type { JobContext, PostResult } from '../contracts.ts';
import { isSnoozed, type LatestFeedback, latestFeedback } from '../feedback-log.ts';
import { latestFolderOrFail, type PredictionRow, readModelCard, readPredictions } from '../latest-outputs.ts';
import type { ProcessorContext } from '../processor-context.ts';
import type { SlackBlock } from '../publisher.ts';
import { escapeMrkdwn, feedbackButtons } from '../slack-text.ts';
import { requirePublisher } from './require-publisher.ts';

/** Each listed learner takes two blocks (text + buttons); Slack allows 50 blocks per message. */
export const MAX_LISTED = 20;

function inCourse(row: PredictionRow, courseId: string | null | undefined): boolean {
  if (!courseId) return true;
  return (row.courses ?? '').split(/[;,\s]+/).includes(courseId);
}

function learnerLine(row: PredictionRow, feedback: LatestFeedback | undefined): string {
  const risk = Math.round(Number(row.risk_score) * 100);
  const name = escapeMrkdwn(`${row.first_name ?? ''} ${row.last_name ?? ''}`.trim());
  const drivers = (row.top_drivers ?? '').split(/;\s*/).filter(Boolean).slice(0, 3);
  const details = [
    `${escapeMrkdwn(row.department ?? '')} · ${escapeMrkdwn(row.courses ?? '')}`,
    `${risk}% risk, ${escapeMrkdwn(row.risk_band ?? '?')}`,
    ...(drivers.length ? [drivers.map(escapeMrkdwn).join('; ')] : []),
  ];
  const contacted =
    feedback?.verdict === 'contacted' ? ` :white_check_mark: contacted ${feedback.at.slice(0, 10)}` : '';
  return `*${name}* (${escapeMrkdwn(row.user_id ?? '')})${contacted}\n${details.join('\n')}`;
}

function bandCounts(rows: PredictionRow[]): string {
  const bands = new Map<string, number>();
  for (const row of rows) bands.set(row.risk_band ?? '?', (bands.get(row.risk_band ?? '?') ?? 0) + 1);
  return [...bands].map(([band, n]) => `${escapeMrkdwn(band)}: ${n}`).join(' · ');
}

export async function processPostAtRisk(
  job: JobContext<'post-at-risk'>,
  context: ProcessorContext,
): Promise<PostResult> {
  const publisher = requirePublisher(context);
  const { channel, outDir, courseId } = job.data;
  const limit = Math.min(Math.max(job.data.limit ?? 10, 1), MAX_LISTED);
  // Posted after a refresh in a flow: when the refresh failed, say why instead of posting old news.
  const failures = (await job.childFailures?.()) ?? [];
  if (failures.length > 0) {
    const text = `The refresh failed, so there is no new at-risk list: ${escapeMrkdwn(failures.join('; '))}`;
    await publisher.postMessage(channel, [{ type: 'section', text: { type: 'mrkdwn', text } }], text);
    return { channel, posted: 'reason', count: 0 };
  }
  const runDir = latestFolderOrFail(outDir);
  const card = readModelCard(runDir);
  const rows = readPredictions(runDir);

  if (!card?.reliable || rows === null) {
    const reasons = card?.gateReasons.length ? card.gateReasons.join(' ') : 'no at-risk list was produced';
    const text = `No at-risk list this time: the completion model is not reliable enough. ${escapeMrkdwn(reasons)}`;
    await publisher.postMessage(channel, [{ type: 'section', text: { type: 'mrkdwn', text } }], text);
    return { channel, posted: 'reason', count: 0 };
  }

  const scope = rows.filter((r) => inCourse(r, courseId));
  // Feedback from the buttons: snoozed learners stay out of the list until the snooze ends.
  const feedback = latestFeedback(outDir);
  const now = new Date();
  const flagged = scope.filter((r) => r.at_risk === 'true');
  const atRisk = flagged.filter((r) => !isSnoozed(feedback.get(r.user_id ?? ''), now));
  const snoozed = flagged.length - atRisk.length;
  const asOf = rows[0]?.as_of ?? card.dataAsOf;
  const where = courseId ? ` in ${escapeMrkdwn(courseId)}` : '';
  if (atRisk.length === 0) {
    const hidden = snoozed > 0 ? ` (${snoozed} snoozed not shown)` : '';
    const text = `No learner${where} is at risk as of ${asOf}${hidden} (model ${card.modelVersion}).`;
    await publisher.postMessage(channel, [{ type: 'section', text: { type: 'mrkdwn', text } }], text);
    return { channel, posted: 'list', count: 0 };
  }
  const shown = atRisk.slice(0, limit);
  const header = `${atRisk.length} of ${scope.length} open learners${where} at risk as of ${asOf}; top ${shown.length}:`;
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Learners at risk' } },
    { type: 'section', text: { type: 'mrkdwn', text: header } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: bandCounts(scope) }] },
  ];
  for (const row of shown) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: learnerLine(row, feedback.get(row.user_id ?? '')) },
    });
    blocks.push(feedbackButtons(row.user_id ?? ''));
  }
  const more = atRisk.length - shown.length;
  const footer = [
    `model ${card.modelVersion}`,
    ...(more > 0 ? [`and ${more} more - see the CSV`] : []),
    ...(snoozed > 0 ? [`${snoozed} snoozed not shown`] : []),
  ].join(' · ');
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: footer }] });
  await publisher.postMessage(channel, blocks, header);
  if (job.data.attachCsv) {
    const csv = stringify(atRisk, { header: true, columns: Object.keys(atRisk[0] ?? {}) });
    await publisher.uploadFile(channel, `at-risk-${asOf}.csv`, Buffer.from(csv), `At-risk learners ${asOf}`);
  }
  return { channel, posted: 'list', count: shown.length };
}
