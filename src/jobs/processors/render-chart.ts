/**
 * render-chart: charts are rendered by the refresh into OUT/latest/charts/ (issue 4); this job
 * confirms one is there and returns where, so the bot can post it.
 */
import { statSync } from 'node:fs';
import { latestChartOrFail as chartPath } from '../../run-folder/index.ts';
import type { JobContext, RenderChartResult } from '../contracts.ts';
import type { ProcessorContext } from '../processor-context.ts';

export async function processRenderChart(
  job: JobContext<'render-chart'>,
  _context: ProcessorContext,
): Promise<RenderChartResult> {
  const path = chartPath(job.data.outDir, job.data.chart);
  return { path, bytes: statSync(path).size };
}
