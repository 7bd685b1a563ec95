/** weekly-digest: a short summary of the last good run (risk bands, model state) for a channel. */
import type { JobContext, PostResult } from '../contracts.ts';
import { readModelCard, readPredictions } from '../latest-outputs.ts';
import type { ProcessorContext } from '../processor-context.ts';
import { latestRunFolder } from '../runs/run-folders.ts';
import { requirePublisher } from './require-publisher.ts';

export async function processWeeklyDigest(
  job: JobContext<'weekly-digest'>,
  context: ProcessorContext,
): Promise<PostResult> {
  const publisher = requirePublisher(context);
  const { channel, outDir } = job.data;
  const runDir = latestRunFolder(outDir);
  const lines: string[] = [];
  if (!runDir) {
    lines.push('No successful refresh yet: there is nothing to summarise.');
  } else {
    const card = readModelCard(runDir);
    const rows = readPredictions(runDir) ?? [];
    const bands = new Map<string, number>();
    for (const row of rows) bands.set(row.risk_band ?? '?', (bands.get(row.risk_band ?? '?') ?? 0) + 1);
    lines.push(`Data as of ${card?.dataAsOf ?? 'unknown'}; model ${card?.modelVersion ?? 'none'}.`);
    if (card && !card.reliable) lines.push(`The model is not reliable: ${card.gateReasons.join(' ')}`);
    else if (rows.length) {
      lines.push(
        `${rows.filter((r) => r.at_risk === 'true').length} of ${rows.length} open learners at risk.`,
      );
      lines.push([...bands].map(([band, n]) => `${band}: ${n}`).join(', '));
    }
  }
  const text = `Weekly learning digest\n${lines.join('\n')}`;
  await publisher.postMessage(channel, [{ type: 'section', text: { type: 'mrkdwn', text } }], text);
  return { channel, posted: 'digest', count: lines.length };
}
