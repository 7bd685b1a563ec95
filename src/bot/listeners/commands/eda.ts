/**
 * `/lumen eda` lists the charts; `/lumen eda <chart>` has the worker post that chart where it was
 * asked (charts are aggregates). Only names that are chart ids become a job: anything else, such as
 * `../../etc/passwd`, gets the catalogue and never reaches a file path.
 */
import { isChartId } from '../../../analytics/charts/catalog.ts';
import { enqueue } from '../../../jobs/index.ts';
import { plainMessage } from '../../../slack/index.ts';
import { chartCaption, chartCatalogMessage, EDA_CHART_IDS } from '../../blocks/chart-catalog.ts';
import {
  type CommandHandler,
  oncePerRequest,
  reply,
  reportFailure,
  reportJobFailure,
} from './command-request.ts';

export const handleEda: CommandHandler = async (request, deps) => {
  await request.ack();
  try {
    const name = request.args[0]?.toLowerCase() ?? null;
    if (name === null) {
      await reply(request, chartCatalogMessage());
      return;
    }
    if (!isChartId(name) || !EDA_CHART_IDS.includes(name)) {
      await reply(request, chartCatalogMessage(request.args[0] ?? name));
      return;
    }
    const job = await enqueue(
      deps.queues,
      'post-chart',
      {
        outDir: deps.jobsConfig.outDir,
        channel: request.command.channel_id,
        chart: name,
      },
      oncePerRequest(request),
    );
    if (job.deduplicated) return;
    await reply(request, plainMessage(chartCaption(name)), 'in_channel');
    reportJobFailure(request, deps, job, `post the ${name} chart`);
  } catch (error) {
    await reportFailure(request, deps, 'eda', error, 'queue that chart');
  }
};
