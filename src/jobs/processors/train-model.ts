/**
 * train-model: a refresh that always fits a new model, so the model, its card and the scores it
 * produces are published together as one run (OUT/latest never pairs a new model with old scores).
 */
import { join } from 'node:path';
import { readModelCard } from '../../run-folder/index.ts';
import type { JobContext, TrainModelResult } from '../contracts.ts';
import type { ProcessorContext } from '../processor-context.ts';
import { processRefresh } from './refresh.ts';

export async function processTrainModel(
  job: JobContext<'train-model'>,
  context: ProcessorContext,
): Promise<TrainModelResult> {
  const refreshJob: JobContext<'refresh'> = {
    id: job.id,
    name: 'refresh',
    timestamp: job.timestamp,
    dueAt: job.dueAt,
    attemptsMade: job.attemptsMade,
    data: { ...job.data, forceTrain: true },
    updateProgress: (progress) => job.updateProgress(progress),
    log: (line) => job.log(line),
  };
  const run = await processRefresh(refreshJob, context);
  const card = readModelCard(run.runDir);
  return {
    modelVersion: run.modelVersion,
    reliable: card?.reliable ?? false,
    gateReasons: card?.gateReasons ?? ['no model card was written'],
    modelPath: run.modelVersion ? join(run.runDir, 'models', `${run.modelVersion}.json`) : null,
  };
}
