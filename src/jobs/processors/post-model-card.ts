/**
 * post-model-card: the answer to `/lumen train`, posted by the worker once the retrain (its child
 * in a flow) has finished: the model card summary, then the model-coefficients chart. When the
 * retrain failed, the channel gets one sentence saying why. Aggregates only. A retry after the card
 * went out (the chart upload failed) does not post the card again: its ledger (post-ledger.ts) says so.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { latestRunFolderOrFail, readModelCard } from '../../run-folder/index.ts';
import { escapeMrkdwn, section, withoutPaths } from '../../slack/index.ts';
import { chartAltText } from '../alt-text.ts';
import type { JobContext, PostResult } from '../contracts.ts';
import { modelCardMessage } from '../model-card-text.ts';
import { PostLedger } from '../post-ledger.ts';
import type { ProcessorContext } from '../processor-context.ts';
import { requirePublisher } from './require-publisher.ts';

export async function processPostModelCard(
  job: JobContext<'post-model-card'>,
  context: ProcessorContext,
): Promise<PostResult> {
  const publisher = requirePublisher(context);
  const { channel, outDir } = job.data;
  const ledger = new PostLedger(job, publisher, channel);
  const failures = (await job.childFailures?.()) ?? [];
  if (failures.length > 0) {
    const text = `Retraining failed, the current model stays in use: ${escapeMrkdwn(failures.map(withoutPaths).join('; '))}`;
    await ledger.message([section(text)], text);
    return { channel, posted: 'reason', count: 0 };
  }
  const runDir = latestRunFolderOrFail(outDir);
  const message = modelCardMessage(readModelCard(runDir));
  await ledger.message(message.blocks, message.text);
  // A model that could not be fitted (too few learners) has no coefficients chart.
  const chart = join(runDir, 'charts', 'model-coefficients.png');
  if (!existsSync(chart)) return { channel, posted: 'card', count: 1 };
  await ledger.upload('model-coefficients.png', () => readFileSync(chart), 'model coefficients', {
    altText: chartAltText(chart),
  });
  return { channel, posted: 'card', count: 2 };
}
