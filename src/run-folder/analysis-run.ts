/**
 * One analysis run, published the same way by every caller (`lumen run`, `train`, `score`, `charts`
 * and the refresh job): a new run folder, the analysis written into it with the previous run's
 * summary, the saved model and the backtest handed over as inputs, the model it scored with recorded
 * beside its scores, then run.json and the switch of OUT/latest. A run that fails is removed before
 * it was ever published; a published run is never touched again.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AnalysisOptions, type AnalysisResult, runAnalysis } from '../analytics/analysis.ts';
import { type ModelArtifact, readArtifact } from '../analytics/model/artifact.ts';
import type { ModelCard } from '../analytics/model/card.ts';
import type { Config } from '../config.ts';
import { LumenError } from '../errors.ts';
import { LATEST_MODEL, MODEL_FILES, RUN_FILES, type RunManifest, type RunSource } from './files.ts';
import { createRunFolder, type LatestRun, latestPath, publishRun, readLatestRun } from './layout.ts';
import { readBacktest } from './read.ts';

export { type LatestRun, readLatestRun };

export interface PublishedAnalysisOptions
  extends Pick<AnalysisOptions, 'dataDir' | 'asOf' | 'onStage' | 'charts' | 'learnerId' | 'feedback'> {
  readonly outDir: string;
  readonly train: boolean;
  readonly score: boolean;
  /** Score with this model file instead of the latest run's model (when not training). */
  readonly modelPath?: string | null;
  /** The latest run as read before (the refresh decides on it whether to train); default: read now. */
  readonly latest?: LatestRun | null;
  readonly dataFingerprint: string | null;
  readonly source: RunSource;
  /** In the run id: a job id, or `cli`. */
  readonly label: string;
  /** Told the new run's id as soon as its folder exists. */
  readonly onRunFolder?: (runId: string, runDir: string) => void;
  /** Last check before publishing (a timed-out job throws here): a throw leaves OUT/latest as it was. */
  readonly beforePublish?: () => void;
}

export interface PublishedAnalysis {
  readonly runId: string;
  readonly runDir: string;
  readonly manifest: RunManifest;
  readonly analysis: AnalysisResult;
}

/** The model a scoring run uses: the file asked for, else the latest run's. */
function modelToScoreWith(
  outDir: string,
  latest: LatestRun | null,
  modelPath: string | null | undefined,
): { artifact: ModelArtifact; card: ModelCard | null; from: string | null } {
  if (modelPath) {
    const artifact = readArtifact(modelPath);
    const card = latest?.card?.modelVersion === artifact.version ? latest.card : null;
    return { artifact, card, from: card ? (latest?.dir ?? null) : null };
  }
  if (!latest?.model) {
    throw new LumenError(
      'NOT_FOUND',
      `${join(latestPath(outDir), LATEST_MODEL)}: no saved model to score with; train one first (lumen train --out ${outDir}) or pass --model FILE`,
    );
  }
  return { artifact: latest.model, card: latest.card, from: latest.dir };
}

/**
 * A scoring run records the model it used: models/<version>.json and models/latest.json from the
 * model itself, and the card and training evidence of the run that fitted it (when that run is known).
 */
function recordModel(runDir: string, artifact: ModelArtifact, from: string | null): void {
  mkdirSync(join(runDir, RUN_FILES.models), { recursive: true });
  const json = `${JSON.stringify(artifact, null, 2)}\n`;
  writeFileSync(join(runDir, RUN_FILES.models, `${artifact.version}.json`), json);
  writeFileSync(join(runDir, LATEST_MODEL), json);
  if (!from) return;
  for (const name of MODEL_FILES) {
    const source = join(from, name);
    const target = join(runDir, name);
    if (existsSync(source) && !existsSync(target)) copyFileSync(source, target);
  }
}

export async function analyseAndPublish(
  config: Config,
  options: PublishedAnalysisOptions,
): Promise<PublishedAnalysis> {
  const { outDir } = options;
  const latest = options.latest === undefined ? readLatestRun(outDir) : options.latest;
  // The model is read first: a missing or mismatching model stops the run before any work.
  const saved = !options.train && options.score ? modelToScoreWith(outDir, latest, options.modelPath) : null;
  const { runId, runDir } = createRunFolder(outDir, options.label);
  let published = false;
  try {
    options.onRunFolder?.(runId, runDir);
    const analysis = await runAnalysis(config, {
      dataDir: options.dataDir,
      outDir: runDir,
      asOf: options.asOf ?? null,
      onStage: options.onStage,
      train: options.train,
      score: options.score,
      savedModel: saved ? { artifact: saved.artifact, card: saved.card } : null,
      previousSummary: latest?.summary ?? null,
      backtest: readBacktest(outDir),
      charts: options.charts,
      learnerId: options.learnerId,
      feedback: options.feedback,
    });
    if (saved) recordModel(runDir, saved.artifact, saved.from);
    options.beforePublish?.();
    const manifest = publishRun(outDir, runDir, {
      dataFingerprint: options.dataFingerprint,
      modelVersion: analysis.artifact?.version ?? null,
      trained: options.train,
      source: options.source,
    });
    published = true;
    return { runId, runDir, manifest, analysis };
  } finally {
    // Never published: nobody reads it, and nothing else may be in it.
    if (!published) rmSync(runDir, { recursive: true, force: true });
  }
}
