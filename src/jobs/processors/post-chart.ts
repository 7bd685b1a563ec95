/** post-chart: uploads OUT/latest/charts/<chart>.png to a Slack channel. */
import { readFileSync } from 'node:fs';
import { latestChartOrFail as chartPath } from '../../run-folder/index.ts';
import { chartAltText } from '../alt-text.ts';
import type { JobContext, PostResult } from '../contracts.ts';
import type { ProcessorContext } from '../processor-context.ts';
import { requirePublisher } from './require-publisher.ts';

export async function processPostChart(
  job: JobContext<'post-chart'>,
  context: ProcessorContext,
): Promise<PostResult> {
  const publisher = requirePublisher(context);
  const { channel, chart, outDir } = job.data;
  const path = chartPath(outDir, chart);
  await publisher.uploadFile(channel, `${chart}.png`, readFileSync(path), chart.replace(/-/g, ' '), {
    altText: chartAltText(path),
  });
  return { channel, posted: 'file', count: 1 };
}
