/**
 * The model card: OUT/model_card.json (everything the run measured) and OUT/model_card.md (the same,
 * for people).
 */
import type { ForecastResult } from '../forecast.ts';
import type { StatsReport } from '../stats-report.ts';
import type { ModelArtifact } from './artifact.ts';
import { TARGET_WORDS, type TrainResult } from './train.ts';

/** Learners a reviewer marked with a feedback button, by their latest verdict and how they turned out. */
export interface FeedbackOutcome {
  readonly verdict: string;
  readonly learners: number;
  readonly completed: number;
  readonly dropped: number;
  readonly open: number;
  /** Not in this run's outcomes (no event up to as-of, or not a learner any more). */
  readonly unknown: number;
}

/**
 * A course's drop-out rule, measured on the export (queries/intermediate/int_course_dropout_gaps.sql):
 * the silence after which its learners rarely come back, and the evidence for it.
 */
export interface DropoutRule {
  readonly courseId: string;
  /** Days without activity after which a learner of the course counts as dropped. */
  readonly dropoutDays: number;
  /** Learners of the course with two or more active days in it (each one's longest gap measured). */
  readonly learnersMeasured: number;
  /** 95th percentile of those longest gaps (days), each followed by more activity. */
  readonly p95ReturningGap: number | null;
  /** Measured learners who came back after a longer silence than dropoutDays. */
  readonly returnedAfterLonger: number;
  /** course: its own learners; all courses: too few of its own (< 20), the pooled value; floor: LUMEN_DROPOUT_DAYS. */
  readonly source: 'course' | 'all courses' | 'floor';
}

/**
 * Below this cross-validated ROC AUC a published list is called weak wherever it is shown (card,
 * dashboard, Slack). LUMEN_MIN_AUC (0.55) lets such lists out: early in a single cohort the only
 * target is going quiet in the next weeks, a noisy label whose own AUC stays at 0.56-0.62 even when
 * the list ranks the final results at 0.66-0.74 (docs/BENCHMARKS.md, session 10), and no list at all
 * helps nobody; staff are told how little it knows.
 */
export const WEAK_LIST_AUC = 0.6;

/** The plain words for a weak list (ModelCard.weakList). */
export function weakListText(cvAuc: number): string {
  return `This list is weak: its model ranks its own target only a little better than chance (cross-validated ROC AUC ${cvAuc.toFixed(3)}). Treat it as a prompt to look, not a verdict.`;
}

export interface ModelCard {
  readonly modelVersion: string | null;
  readonly trainedAt: string;
  readonly dataAsOf: string;
  readonly dataFingerprint: string;
  readonly reliable: boolean;
  readonly gateReasons: string[];
  /** What the list ranks (train.ts ModelTarget), and why this target. */
  readonly target: TrainResult['target'];
  readonly targetNote: string | null;
  /** The disengagement target's horizon in days; null for the completion target. */
  readonly horizonDays: number | null;
  /** Set when the list is days since the last activity alone: the full model did not beat it. */
  readonly silenceOnly: TrainResult['silenceOnly'] | null;
  /**
   * Set when a list is published from a model whose cross-validated ROC AUC is below WEAK_LIST_AUC
   * (absent in cards written before it).
   */
  readonly weakList?: { readonly cvAuc: number } | null;
  /** Features left out of the fit (constant or collinear on the training rows). */
  readonly droppedFeatures: TrainResult['droppedFeatures'];
  /** Platt scaling and the out-of-fold calibration table after it. */
  readonly calibration: TrainResult['calibration'];
  readonly calibratedBins: TrainResult['calibratedBins'];
  readonly training: {
    rows: number;
    learners: { completed: number; dropped: number };
    rowLabels: { completed: number; dropped: number };
    baseRate: number;
    C: number;
    features: string[];
    /** Set when the fit learnt from a sample of its rows (LUMEN_MAX_TRAINING_ROWS). */
    sample: TrainResult['sample'] | null;
  };
  readonly evaluation: Omit<NonNullable<TrainResult['evaluation']>, 'oofProbabilities'> | null;
  readonly coefficients: TrainResult['coefficients'];
  readonly forecast: Omit<ForecastResult, 'model'>;
  readonly stats: StatsReport | null;
  /** Null when no feedback log was given. */
  readonly feedback: FeedbackOutcome[] | null;
  /** Each course's drop-out rule and its evidence; LUMEN_DROPOUT_DAYS is the floor. */
  readonly dropout: { readonly floorDays: number; readonly courses: DropoutRule[] } | null;
}

export function buildModelCard(
  train: TrainResult,
  forecast: ForecastResult,
  stats: StatsReport | null,
  artifact: ModelArtifact | null,
  context: {
    asOf: string;
    trainedAt: string;
    C: number;
    features: readonly string[];
    feedback?: FeedbackOutcome[] | null;
    dropoutRules?: DropoutRule[] | null;
    dropoutFloorDays?: number;
  },
): ModelCard {
  const evaluation = train.evaluation
    ? (({ oofProbabilities: _oof, ...rest }) => rest)(train.evaluation)
    : null;
  const { model: _model, ...forecastSummary } = forecast;
  return {
    modelVersion: artifact?.version ?? null,
    trainedAt: context.trainedAt,
    dataAsOf: context.asOf,
    dataFingerprint: train.fingerprint,
    reliable: train.gate.reliable,
    gateReasons: train.gate.reasons,
    target: train.target,
    targetNote: train.targetNote ?? null,
    horizonDays: train.horizonDays ?? null,
    silenceOnly: train.silenceOnly ?? null,
    weakList:
      train.gate.reliable && train.evaluation && train.evaluation.cvAuc < WEAK_LIST_AUC
        ? { cvAuc: train.evaluation.cvAuc }
        : null,
    droppedFeatures: train.droppedFeatures,
    calibration: train.calibration,
    calibratedBins: train.calibratedBins,
    training: {
      rows: train.rows,
      learners: train.learners,
      rowLabels: train.rowLabels,
      baseRate: train.baseRate,
      C: context.C,
      features: train.model ? [...train.model.features] : [...context.features],
      sample: train.sample ?? null,
    },
    evaluation,
    coefficients: train.coefficients,
    forecast: forecastSummary,
    stats,
    feedback: context.feedback ?? null,
    dropout: context.dropoutRules
      ? { floorDays: context.dropoutFloorDays ?? 0, courses: context.dropoutRules }
      : null,
  };
}

const f3 = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v.toFixed(3));
const p = (v: number | null | undefined) =>
  v === null || v === undefined ? '-' : v < 1e-4 ? v.toExponential(2) : v.toFixed(4);

export function renderModelCard(card: ModelCard): string {
  const out: string[] = [];
  out.push('# At-risk model card', '');
  out.push(`- Model version: ${card.modelVersion ?? '(none: no model was fitted)'}`);
  out.push(
    `- Trained at: ${card.trainedAt}; data as of ${card.dataAsOf}; training data fingerprint ${card.dataFingerprint}`,
  );
  out.push(
    `- Quality gate: ${
      !card.reliable
        ? '**failed**: the model is unreliable and no at-risk list is published'
        : card.silenceOnly
          ? `**passed by days since the last activity alone**: the model fitted on every feature ranked no better (cross-validated ROC AUC ${card.silenceOnly.modelAuc.toFixed(3)} against ${card.silenceOnly.baselineAuc.toFixed(3)}), so the published lists are that order`
          : card.weakList
            ? `**passed, weak**: at-risk lists are published. ${weakListText(card.weakList.cvAuc)}`
            : '**passed**: at-risk lists are published'
    }`,
  );
  for (const reason of card.gateReasons) out.push(`  - ${reason}`);
  out.push(
    `- Target: **${card.target === 'completion' ? 'does not complete the course' : "goes quiet or scores low: no activity in the course in the coming weeks, or quiz scores in them below the course's lower quartile (the disengagement target)"}**`,
  );
  if (card.targetNote) out.push(`  - ${card.targetNote}`);
  if (card.droppedFeatures.length > 0) {
    out.push('- Features left out (the training rows cannot support them):');
    for (const d of card.droppedFeatures) out.push(`  - ${d.feature}: ${d.reason}`);
  }
  if (card.calibration) {
    out.push(
      `- Calibration: Platt scaling on the out-of-fold predictions (slope ${card.calibration.slope.toFixed(3)}, intercept ${card.calibration.intercept.toFixed(3)}); risks, bands and lists use the calibrated probability.`,
    );
  }
  out.push('');
  out.push('## Training data', '');
  const words = TARGET_WORDS[card.target];
  out.push(
    card.target === 'completion'
      ? 'One row per enrolment-week (a learner in one course, a week since enrolment) of enrolments whose outcome is known, for weeks that ended before the outcome became known ' +
          "(completed: before the completion date; dropped: before the status date of lms_enrolments.csv, or last activity in the course + the course's drop-out rule, or the course's end). " +
          'Label 1 = completed, 0 = dropped. The exact matrix is in training_snapshots.csv.'
      : `One row per enrolment-week (a learner in one course, a week since enrolment) of started enrolments, for weeks that ended while the enrolment was open and at least ${card.horizonDays ?? 'the horizon of'} days before the data's as-of date, from the week the course began (the first with at least 5 started enrolments, 10% of them active again). ` +
          `Label 1 = ${words.good} in the ${card.horizonDays ?? 'horizon'} days after the week without quiz attempts averaging below the course's lower quartile, 0 = ${words.bad}. The exact matrix is in training_snapshots.csv.`,
    '',
  );
  const t = card.training;
  out.push(`| | ${words.good} | ${words.bad} |`, `| --- | ---: | ---: |`);
  out.push(`| enrolments | ${t.learners.completed} | ${t.learners.dropped} |`);
  out.push(`| enrolment-weeks | ${t.rowLabels.completed} | ${t.rowLabels.dropped} |`);
  out.push(
    '',
    `Base rate (share of ${words.good} rows): ${f3(t.baseRate)}. Features: ${t.features.length}. L2 penalty C = ${t.C}.`,
    '',
  );
  if (t.sample) {
    out.push(
      `Sampled: the fit learnt from ${t.sample.keptRows.toLocaleString('en-US')} of ${t.sample.rows.toLocaleString('en-US')} enrolment-weeks, every row of ${(100 * t.sample.learnerShare).toFixed(1)}% of the learners (chosen by a hash of the learner id, the same learners on every run of the same data), because there were more than LUMEN_MAX_TRAINING_ROWS. training_snapshots.csv and oof_predictions.csv hold the rows it learnt from, and the statistical tests below compare the same learners.`,
      '',
    );
  }

  const e = card.evaluation;
  if (e) {
    out.push('## Evaluation (5-fold cross-validation grouped by learner, out-of-fold predictions)', '');
    out.push(`| metric | value |`, `| --- | ---: |`);
    out.push(`| ROC AUC | ${f3(e.cvAuc)} |`);
    out.push(`| ROC AUC per fold | ${e.foldAucs.map(f3).join(', ')} |`);
    out.push(`| PR AUC (average precision, ${words.good} class) | ${f3(e.prAuc)} |`);
    out.push(`| Brier score | ${f3(e.brier)} |`);
    out.push(`| Log loss | ${f3(e.logLoss)} |`);
    out.push('');
    out.push(
      `For reference, the risk that maximises the concern's F1 out of fold is ${f3(e.threshold)} (F1 = ${f3(e.thresholdF1)}); the lists do not use it: each course lists its top LUMEN_LIST_SIZE enrolments above the minimum risk (LUMEN_RISK_THRESHOLD, default the concern's base rate) that have at least one reason (a feature on which they are behind their peers at the same week).`,
      '',
    );
    out.push('Classification report at that threshold:', '', '```', e.reportText.trimEnd(), '```', '');
    const [[tn, fp] = [], [fn, tp] = []] = e.confusion.matrix;
    out.push('Confusion matrix (rows: actual, columns: predicted):', '');
    out.push(`| | predicted ${words.bad} | predicted ${words.good} |`, '| --- | ---: | ---: |');
    out.push(`| actual ${words.bad} | ${tn} | ${fp} |`, `| actual ${words.good} | ${fn} | ${tp} |`, '');
    out.push(`Calibration (10 equal-width bins of predicted P(${words.good})):`, '');
    out.push('| bin | rows | mean predicted | observed rate |', '| --- | ---: | ---: | ---: |');
    for (const b of e.calibration) {
      out.push(
        `| ${b.lower.toFixed(1)}-${b.upper.toFixed(1)} | ${b.count} | ${f3(b.mean_predicted)} | ${f3(b.observed_rate)} |`,
      );
    }
    out.push(
      '',
      'How early the model knows (out-of-fold ROC AUC by week since enrolment, beside days since the last activity alone):',
      '',
    );
    out.push('| week_index | rows | ROC AUC | baseline AUC |', '| --- | ---: | ---: | ---: |');
    for (const w of e.aucByWeek)
      out.push(`| ${w.weeks} | ${w.rows} | ${f3(w.auc)} | ${f3(w.baselineAuc ?? null)} |`);
    out.push('');
    if (e.baselineAuc !== null && e.baselineAuc !== undefined) {
      const better = e.cvAuc - e.baselineAuc;
      out.push(
        better >= 0.01
          ? `The model ranks these rows better than days since the last activity alone (ROC AUC ${f3(e.cvAuc)} against ${f3(e.baselineAuc)}).`
          : `**The model ranks these rows no better than days since the last activity alone** (ROC AUC ${f3(e.cvAuc)} against ${f3(e.baselineAuc)}): sorting the learners by their last activity would do as well.`,
        '',
      );
    }
    // The first weeks matter most for early warning and are the weakest: said plainly, week by week.
    const weak = e.aucByWeek.filter(
      (w) =>
        w.weeks !== '4+' &&
        w.auc !== null &&
        w.baselineAuc !== null &&
        w.baselineAuc !== undefined &&
        w.auc - w.baselineAuc < 0.01,
    );
    if (weak.length > 0) {
      out.push(
        `**In week ${weak.map((w) => w.weeks).join(', ')} since enrolment the model ranks no better than days since the last activity alone** (${weak.map((w) => `week ${w.weeks}: ${f3(w.auc)} against ${f3(w.baselineAuc ?? null)}`).join('; ')}): for learners that new, their last activity says as much as the list.`,
        '',
      );
    }
  }

  if (card.coefficients.length > 0) {
    out.push('## Coefficients (standardised features; odds ratio of completing per standard deviation)', '');
    out.push(
      '| feature | coefficient | odds ratio / SD | mean | SD |',
      '| --- | ---: | ---: | ---: | ---: |',
    );
    for (const c of card.coefficients) {
      out.push(
        `| ${c.feature} | ${c.coef.toFixed(4)} | ${c.oddsRatioPerSd.toFixed(3)} | ${c.mean.toFixed(3)} | ${c.std.toFixed(3)} |`,
      );
    }
    out.push('');
  }

  out.push('## Quiz-score forecast (final average quiz score from the first two weeks)', '');
  const fc = card.forecast;
  if (fc.cv && fc.baseline) {
    out.push(
      `Learners: ${fc.learners} (finished, with two weeks of data and a quiz score). Learner-grouped 5-fold CV:`,
      '',
    );
    out.push('| | R2 | MAE | RMSE |', '| --- | ---: | ---: | ---: |');
    out.push(`| linear regression | ${f3(fc.cv.r2)} | ${f3(fc.cv.mae)} | ${f3(fc.cv.rmse)} |`);
    out.push(
      `| predict the mean | ${f3(fc.baseline.r2)} | ${f3(fc.baseline.mae)} | ${f3(fc.baseline.rmse)} |`,
      '',
    );
  }
  out.push(
    fc.usable
      ? 'Used: predicted_final_quiz is filled in ML_Prediction.csv.'
      : `Not used: ${fc.reason}. predicted_final_quiz is left empty.`,
    '',
  );

  if (card.dropout) {
    out.push('## When a learner counts as dropped out (per course, measured on this export)', '');
    out.push(
      `Each course's rule is the silence its learners rarely come back from: the 95th percentile of each learner's longest gap between two active days in the course (a gap they did come back from), rounded up, never below LUMEN_DROPOUT_DAYS = ${card.dropout.floorDays}. Each enrolment is judged by its own course's rule, on its activity in that course; with lms_enrolments.csv the file's statuses decide instead and these rules are shown for reference only.`,
      '',
      '| course | drop-out after (days) | learners measured | p95 longest returning gap | came back after a longer silence | from |',
      '| --- | ---: | ---: | ---: | ---: | --- |',
    );
    for (const r of card.dropout.courses) {
      const share = r.learnersMeasured
        ? ` (${((100 * r.returnedAfterLonger) / r.learnersMeasured).toFixed(1)}%)`
        : '';
      out.push(
        `| ${r.courseId} | ${r.dropoutDays} | ${r.learnersMeasured} | ${r.p95ReturningGap === null ? '-' : f3(r.p95ReturningGap)} | ${r.returnedAfterLonger}${share} | ${r.source} |`,
      );
    }
    out.push('');
  }

  if (card.feedback) {
    out.push('## Flagged learners: how they turned out (latest feedback-button verdict per enrolment)', '');
    if (card.feedback.length === 0) out.push('No feedback recorded yet.', '');
    else {
      out.push(
        '| verdict | enrolments | completed | dropped | still open | not in this run |',
        '| --- | ---: | ---: | ---: | ---: | ---: |',
      );
      for (const f of card.feedback) {
        out.push(
          `| ${f.verdict} | ${f.learners} | ${f.completed} | ${f.dropped} | ${f.open} | ${f.unknown} |`,
        );
      }
      out.push('');
    }
  }

  const s = card.stats;
  if (s) {
    out.push('## Statistical tests (learner-level means over the training weeks)', '');
    out.push(`Completed learners: ${s.learners.completed}; dropped learners: ${s.learners.dropped}.`, '');
    out.push(
      '| feature | mean completed | mean dropped | Welch t | p | Cohen d | Mann-Whitney U | p | rank-biserial |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const c of s.features) {
      out.push(
        `| ${c.feature} | ${f3(c.completed.mean)} | ${f3(c.dropped.mean)} | ${f3(c.welch.t)} | ${p(c.welch.pValue)} | ${f3(c.welch.cohensD)} | ${c.mannWhitney.u ?? '-'} | ${p(c.mannWhitney.pValue)} | ${f3(c.mannWhitney.rankBiserial)} |`,
      );
    }
    const chi = s.departmentOutcome.test;
    out.push('');
    out.push(
      `Department x outcome (${s.departmentOutcome.departments.length} departments x ${s.departmentOutcome.outcomes.join('/')}): chi-square ${f3(chi.chi2)}, df ${chi.df ?? '-'}, p ${p(chi.pValue)}, Cramér's V ${f3(chi.cramersV)}${chi.reason ? ` (${chi.reason})` : ''}.`,
      '',
      `Pearson and Spearman correlation matrices of the six features (n = ${s.correlations.n} learners) are in stats.json.`,
      '',
    );
  }
  return `${out.join('\n')}\n`;
}
