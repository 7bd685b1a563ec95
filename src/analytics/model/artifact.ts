/**
 * The saved model: a versioned JSON file under OUT/models/ holding everything needed to score new
 * data the same way (features, imputation, scaler, coefficients, threshold, gate, metrics).
 */
import { readFileSync } from 'node:fs';
import { LumenError } from '../../errors.ts';
import type { ForecastModel, ForecastResult } from '../forecast.ts';
import { MODEL_FEATURES } from './features.ts';
import type {
  Calibration,
  DroppedFeature,
  FittedModel,
  Gate,
  ModelTarget,
  SilenceOnly,
  TrainedOn,
  TrainResult,
} from './train.ts';

/** /2: per-enrolment snapshots, peer-relative features, a target, Platt calibration. */
export const ARTIFACT_FORMAT = 'lumen-completion-model/2';

export interface ModelArtifact extends FittedModel {
  readonly format: typeof ARTIFACT_FORMAT;
  readonly version: string;
  readonly createdAt: string;
  readonly dataAsOf: string;
  readonly dataFingerprint: string;
  /** What the model predicts (train.ts ModelTarget). */
  readonly target: ModelTarget;
  /** Platt scaling applied to every probability before risk, bands and lists. */
  readonly calibration: Calibration | null;
  /** Features the training rows could not support (constant, collinear), left out. */
  readonly droppedFeatures: DroppedFeature[];
  /** Base rate of the concern (1 - good outcome) on the training rows: the least risk ever listed. */
  readonly concernRate: number;
  /**
   * The risk given to an enrolment not started yet when the model learnt from started ones only (the
   * share of such training rows with the concern); absent or null: the model scores them itself.
   */
  readonly neverActiveRisk?: number | null;
  /** What it learnt from (absent in models saved before it was recorded). */
  readonly trainedOn?: TrainedOn;
  /** Set when the list is days since the last activity alone: the full model did not beat it. */
  readonly silenceOnly?: SilenceOnly | null;
  readonly threshold: number;
  readonly thresholdSource: string;
  readonly gate: Gate;
  readonly metrics: { cvAuc: number; prAuc: number; brier: number; logLoss: number } | null;
  readonly training: { rows: number; completedLearners: number; droppedLearners: number };
  readonly forecast: ForecastModel | null;
}

export function modelVersion(createdAt: Date, fingerprint: string): string {
  const stamp = createdAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${fingerprint.slice(0, 8)}`;
}

export function buildArtifact(
  train: TrainResult,
  forecast: ForecastResult,
  context: { asOf: string; createdAt: Date },
): ModelArtifact | null {
  const { model, evaluation } = train;
  if (!model || !evaluation) return null;
  return {
    format: ARTIFACT_FORMAT,
    version: modelVersion(context.createdAt, train.fingerprint),
    createdAt: context.createdAt.toISOString(),
    dataAsOf: context.asOf,
    dataFingerprint: train.fingerprint,
    target: train.target,
    calibration: train.calibration,
    droppedFeatures: train.droppedFeatures,
    concernRate: 1 - train.baseRate,
    neverActiveRisk: train.neverActive?.risk ?? null,
    trainedOn: train.trainedOn,
    silenceOnly: train.silenceOnly ?? null,
    ...model,
    threshold: evaluation.threshold,
    thresholdSource: 'maximises F1 of the at-risk (dropped) class on out-of-fold predictions',
    gate: train.gate,
    metrics: {
      cvAuc: evaluation.cvAuc,
      prAuc: evaluation.prAuc,
      brier: evaluation.brier,
      logLoss: evaluation.logLoss,
    },
    training: {
      rows: train.rows,
      completedLearners: train.learners.completed,
      droppedLearners: train.learners.dropped,
    },
    forecast: forecast.model,
  };
}

/** Reads a saved model and refuses one whose format differs or that holds a feature this version lacks. */
export function readArtifact(path: string): ModelArtifact {
  let artifact: Partial<ModelArtifact>;
  try {
    artifact = JSON.parse(readFileSync(path, 'utf8')) as Partial<ModelArtifact>;
  } catch (cause) {
    throw new LumenError('NOT_FOUND', `${path}: cannot read the model file`, { cause });
  }
  if (artifact.format !== ARTIFACT_FORMAT) {
    throw new LumenError(
      'MODEL_MISMATCH',
      `${path}: not a ${ARTIFACT_FORMAT} model (format ${String(artifact.format)})`,
    );
  }
  // A model keeps the features its training rows supported: any subset of this version's, in order.
  const features = artifact.features ?? [];
  const unknown = features.filter((f) => !MODEL_FEATURES.includes(f));
  const order = features.map((f) => MODEL_FEATURES.indexOf(f));
  if (
    features.length === 0 ||
    unknown.length > 0 ||
    order.some((k, i) => i > 0 && k < (order[i - 1] as number))
  ) {
    const detail = unknown.length
      ? `unknown ${unknown.join(', ')}`
      : features.length
        ? 'features out of order'
        : 'no features';
    throw new LumenError(
      'MODEL_MISMATCH',
      `${path}: the model's feature list does not match this version of Lumen (${detail}); retrain with lumen train`,
    );
  }
  return artifact as ModelArtifact;
}

const listed = (ids: readonly string[], most = 6) =>
  ids.length <= most ? ids.join(', ') : `${ids.slice(0, most).join(', ')} and ${ids.length - most} more`;

/**
 * What a scoring run with a saved model says about it: what it was trained on, and which of the
 * courses scored it never saw (a model carried over from earlier cohorts or other courses).
 */
export function describeSavedModel(artifact: ModelArtifact, scoredCourses: readonly string[]): string {
  const head = `Scored with model ${artifact.version} (target: ${artifact.target}), trained on data up to ${artifact.dataAsOf}`;
  const on = artifact.trainedOn;
  if (!on) return `${head}; what it was trained on was not recorded (a model saved by an earlier version).`;
  const courses = [...new Set(scoredCourses)].sort();
  const unseen = courses.filter((c) => !on.courses.includes(c));
  const learnt = `${on.enrolments} enrolments of ${on.learners} learners in ${on.courses.length} ${on.courses.length === 1 ? 'course' : 'courses'} (${listed(on.courses)})`;
  const scored =
    unseen.length === 0
      ? `every course scored here was in its training data.`
      : `${unseen.length} of the ${courses.length} courses scored here ${unseen.length === 1 ? 'was' : 'were'} not in its training data: ${listed(unseen)}.`;
  return `${head}: ${learnt}; ${scored}`;
}
