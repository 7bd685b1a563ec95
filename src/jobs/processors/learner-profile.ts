/** learner-profile: one learner's latest score, as ids and numbers (the name stays in the files). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { JobContext, LearnerProfileResult } from '../contracts.ts';
import { latestFolderOrFail, readPredictions } from '../latest-outputs.ts';
import type { ProcessorContext } from '../processor-context.ts';

export async function processLearnerProfile(
  job: JobContext<'learner-profile'>,
  _context: ProcessorContext,
): Promise<LearnerProfileResult> {
  const { learnerId, outDir } = job.data;
  const runDir = latestFolderOrFail(outDir);
  const row = readPredictions(runDir)?.find((r) => r.user_id === learnerId);
  const chart = join(runDir, 'charts', `learner-profile-${learnerId.replace(/[^A-Za-z0-9_-]/g, '_')}.png`);
  return {
    learnerId,
    found: row !== undefined,
    riskBand: row?.risk_band ?? null,
    completionProbability: row ? Number(row.completion_probability) : null,
    atRisk: row ? row.at_risk === 'true' : null,
    modelVersion: row?.model_version ?? null,
    chartPath: existsSync(chart) ? chart : null,
  };
}
