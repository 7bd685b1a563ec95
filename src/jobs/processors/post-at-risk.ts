/**
 * post-at-risk: the latest at-risk list to a Slack channel. When the model failed its reliability
 * gate (or no list was published) the channel gets the reason, never an empty list.
 */
import type { JobContext, PostResult } from '../contracts.ts';
import { latestFolderOrFail, readModelCard, readPredictions } from '../latest-outputs.ts';
import type { ProcessorContext } from '../processor-context.ts';
import { requirePublisher } from './require-publisher.ts';

export async function processPostAtRisk(
  job: JobContext<'post-at-risk'>,
  context: ProcessorContext,
): Promise<PostResult> {
  const publisher = requirePublisher(context);
  const { channel, outDir } = job.data;
  const limit = job.data.limit ?? 10;
  // Posted after a refresh in a flow: when the refresh failed, say why instead of posting old news.
  const failures = (await job.childFailures?.()) ?? [];
  if (failures.length > 0) {
    const text = `The refresh failed, so there is no new at-risk list: ${failures.join('; ')}`;
    await publisher.postMessage(channel, [{ type: 'section', text: { type: 'mrkdwn', text } }], text);
    return { channel, posted: 'reason', count: 0 };
  }
  const runDir = latestFolderOrFail(outDir);
  const card = readModelCard(runDir);
  const rows = readPredictions(runDir);

  if (!card?.reliable || rows === null) {
    const reasons = card?.gateReasons.length ? card.gateReasons.join(' ') : 'no at-risk list was produced';
    const text = `No at-risk list this time: the completion model is not reliable enough. ${reasons}`;
    await publisher.postMessage(channel, [{ type: 'section', text: { type: 'mrkdwn', text } }], text);
    return { channel, posted: 'reason', count: 0 };
  }

  const atRisk = rows.filter((r) => r.at_risk === 'true');
  if (atRisk.length === 0) {
    const text = `No learner is at risk as of ${rows[0]?.as_of ?? card.dataAsOf} (model ${card.modelVersion}).`;
    await publisher.postMessage(channel, [{ type: 'section', text: { type: 'mrkdwn', text } }], text);
    return { channel, posted: 'list', count: 0 };
  }
  const shown = atRisk.slice(0, limit);
  const lines = shown.map((r) => {
    const risk = Math.round(Number(r.risk_score) * 100);
    return `• *${r.first_name} ${r.last_name}* (${r.department}) – ${risk}% risk, ${r.risk_band}: ${r.top_drivers}`;
  });
  const header = `${atRisk.length} learners at risk as of ${shown[0]?.as_of ?? card.dataAsOf}; top ${shown.length}:`;
  const text = `${header}\n${lines.join('\n')}`;
  await publisher.postMessage(
    channel,
    [
      { type: 'header', text: { type: 'plain_text', text: 'Learners at risk' } },
      { type: 'section', text: { type: 'mrkdwn', text } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `model ${card.modelVersion}` }] },
    ],
    header,
  );
  return { channel, posted: 'list', count: shown.length };
}
