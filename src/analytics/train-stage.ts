/**
 * The training stage's pieces: which target ranks the list (completion, disengagement, or neither,
 * with the reason), the quiz-score forecast, the statistical tests and how flagged learners turned out.
 */
import type { Config } from '../config.ts';
import type { Db } from './db.ts';
import { enrolmentKey } from './enrolment-key.ts';
import { WEEKLY_FEATURES } from './features.ts';
import {
  FORECAST_FEATURES,
  type ForecastModel,
  type ForecastResult,
  predictForecast,
  trainQuizForecast,
} from './forecast.ts';
import type { FeedbackOutcome } from './model/card.ts';
import { allRows, type SnapshotColumns } from './model/features.ts';
import { rocAuc } from './model/metrics.ts';
import {
  predictRows,
  splitNeverActive,
  type TrainingData,
  type TrainingSample,
  type TrainResult,
  trainCompletionModel,
} from './model/train.ts';
import { numbers, readTrainingData } from './snapshot-data.ts';
import { buildStatsReport, type StatsReport } from './stats-report.ts';

/** Cross-validation of every model of a run: 5 folds grouped by learner, one seed. */
export const CV = { folds: 5, seed: 20261124 };

/** The regularisation of every fit (scikit-learn's C). */
export const MODEL_C = 1.0;

/**
 * Bounds what one fit learns from: when the table holds more than `cap` rows, keeps the learners
 * whose id hashes into the first cap/rows of the hash range, with all of their rows (so the folds,
 * grouped by learner, stay grouped, and every file drawn from the table stays row-aligned). The same
 * learners are kept on every run of the same data. Null when nothing was dropped.
 */
export async function capTrainingRows(db: Db, table: string, cap: number): Promise<TrainingSample | null> {
  const [count] = await db.all<{ n: bigint }>(`SELECT count(*) AS n FROM ${table}`);
  const rows = Number(count?.n ?? 0);
  if (rows <= cap) return null;
  const perMillion = Math.floor((1e6 * cap) / rows);
  await db.run(`DELETE FROM ${table} WHERE hash(user_id) % 1000000 >= $keep`, { keep: perMillion });
  const [kept] = await db.all<{ n: bigint }>(`SELECT count(*) AS n FROM ${table}`);
  return { rows, keptRows: Number(kept?.n ?? 0), learnerShare: perMillion / 1e6 };
}

/**
 * Trains both targets and picks the one that ranks the list: completion, learnt from enrolments whose
 * outcome is known (earlier cohorts, the enrolments file), and disengagement, which one running cohort
 * already shows. Needs training_snapshots (and materialises early_training_snapshots). Returns the
 * chosen result (with targetNote, or an unreliable gate naming why neither could be used) and the
 * training data it was fitted on.
 */
export async function chooseTarget(
  db: Db,
  config: Config,
  modelAsOf: string,
): Promise<{
  train: TrainResult;
  data: TrainingData;
  trainingTable: 'training_snapshots' | 'early_training_snapshots';
}> {
  let train: TrainResult;
  const [span] = await db.all<{ days: number }>(
    'SELECT ($as_of::DATE - min(event_date) + 1)::INTEGER AS days FROM int_events',
    {
      as_of: modelAsOf,
    },
  );
  const trainOptions = {
    C: MODEL_C,
    ...CV,
    minClass: config.minClass,
    minAuc: config.minAuc,
    asOf: modelAsOf,
    dataSpanDays: Number(span?.days ?? 0),
    dropoutDays: config.dropoutDays,
  };
  // Two targets: completion, learnt from enrolments whose outcome is known (earlier cohorts, the
  // enrolments file), and disengagement, which one running cohort already shows.
  const completionSample = await capTrainingRows(db, 'training_snapshots', config.maxTrainingRows);
  const completionData = await readTrainingData(db, 'training_snapshots');
  const completion = {
    ...trainCompletionModel(completionData, { ...trainOptions, target: 'completion' }),
    sample: completionSample,
  };
  let data = completionData;
  // The disengagement horizon: long enough to tell a quiet spell between deadlines from leaving
  // (up to 42 days), short enough for the weeks of a young cohort to be labelled: a third of how long
  // the typical started enrolment has run, in whole weeks from 14 to 42 days, shortened (down to 7)
  // while it would leave fewer than five weeks of that run labelled. A snapshot is labelled only once
  // its horizon has passed, so in a young cohort a long horizon leaves only the first weeks, when the
  // rows mostly tell who has started, to learn from (single generated cohorts, ranking AUC of the
  // final results with 7 days instead of 14: week 4 +0.04 on average over six, week 6 +0.04; week 8
  // -0.01, where 14 days leaves five weeks; docs/BENCHMARKS.md, session 11). When that horizon's model
  // does not pass the gate, the others from the longest (a third of the run) down to 7 days.
  // How long the typical enrolment has run is as-of minus the median first active day of the started
  // enrolments: neither activity nor enrolments that start weeks or months before a presentation
  // stretch it (registration often opens long before the start).
  const [typical] = await db.all<{ days: number | null }>(
    "SELECT date_diff('day', median(first_event)::DATE, $as_of::DATE)::INTEGER AS days FROM learner_outcomes WHERE first_event IS NOT NULL",
    { as_of: modelAsOf },
  );
  const horizons = config.earlyHorizonDays
    ? [config.earlyHorizonDays]
    : disengagementHorizons(Number(typical?.days ?? 0));
  const preferred = horizons[0] as number;
  const shortest = Math.min(...horizons);
  const longest = Math.max(...horizons);
  const horizonSpan = horizons.length > 1 ? `${shortest}-${longest}` : `${preferred}`;
  // The first horizon in that order whose model passes the gate: out-of-fold AUCs on different labels
  // do not compare (measured: picking the best of them ranked eventual non-completion worse).
  // A full model at any horizon before the baseline's order at the first.
  let lastReasons: string[] = [];
  type Early = { result: TrainResult; data: TrainingData; horizon: number };
  let early: Early | null = null;
  let silenceEarly: Early | null = null;
  for (const horizon of horizons) {
    await db.materialize('early_training_snapshots', { as_of: modelAsOf, horizon });
    const sample = await capTrainingRows(db, 'early_training_snapshots', config.maxTrainingRows);
    const { started: earlyData, neverActive } = splitNeverActive(
      await readTrainingData(db, 'early_training_snapshots'),
    );
    const result = {
      ...trainCompletionModel(earlyData, { ...trainOptions, target: 'disengagement' }),
      neverActive,
      sample,
    };
    if (!result.gate.reliable) lastReasons = result.gate.reasons;
    else if (result.silenceOnly) silenceEarly ??= { result, data: earlyData, horizon };
    else {
      early = { result, data: earlyData, horizon };
      break;
    }
  }
  if (!early && silenceEarly) {
    // The fit of the chosen horizon's table (the loop left the last horizon's in DuckDB).
    early = silenceEarly;
    if (early.horizon !== horizons.at(-1)) {
      await db.materialize('early_training_snapshots', { as_of: modelAsOf, horizon: early.horizon });
      await capTrainingRows(db, 'early_training_snapshots', config.maxTrainingRows);
    }
  }
  const earlyWords = (horizon: number) =>
    `going quiet or scoring low: no activity in the course in the ${horizon} days after a week, or quiz attempts in them averaging below the course's lower quartile of quiz scores, learnt from this export's own weeks${
      horizons.length === 1
        ? ''
        : horizon === preferred
          ? ` (${horizon} days, from how long the typical enrolment has run: a third of it in whole weeks from 14 to 42 days, shorter while that would leave fewer than five of its weeks labelled)`
          : ` (the horizon chosen from how long the typical enrolment has run, ${preferred} days, gave no model on every feature that passes the gate; ${horizon} days is the first of the others, tried from ${longest} days down to ${shortest}, whose model passes)`
    }`;
  // Both learnt: the one that ranks the final outcome better where it is known (the completion
  // model out of fold; the disengagement model never saw those labels) ranks the list.
  const completionAuc = completion.evaluation?.cvAuc ?? null;
  const earlyAuc =
    completion.gate.reliable && early?.result.model
      ? rocAuc(
          completionData.labels,
          predictRows(early.result.model, completionData.columns, allRows(completionData.labels.length)),
        )
      : null;
  const both = (winner: string) =>
    `Both targets could be learnt. On the ${completionData.labels.length} enrolment-weeks whose final outcome is known, the completion model ranks completion with ROC AUC ${completionAuc?.toFixed(3)} (out of fold) and the ${early?.horizon}-day disengagement model with ${earlyAuc?.toFixed(3)}, so the list ranks ${winner}.`;
  if (completion.gate.reliable && (earlyAuc === null || earlyAuc <= (completionAuc ?? 0))) {
    train = {
      ...completion,
      targetNote:
        earlyAuc === null
          ? 'The list ranks the risk of not completing, learnt from enrolments whose outcome is known (earlier cohorts, or lms_enrolments.csv).'
          : both(
              'the risk of not completing, learnt from enrolments whose outcome is known (earlier cohorts, or lms_enrolments.csv)',
            ),
    };
  } else if (early) {
    data = early.data;
    const notStarted = early.result.neverActive;
    const notStartedNote = notStarted
      ? ` The model learnt from started enrolments only (the weeks before a cohort starts are quiet for everyone); an enrolment not started yet gets the risk its kind showed: ${notStarted.concern} of ${notStarted.rows} not-started enrolment-weeks stayed quiet for ${early.horizon} days (${(100 * notStarted.risk).toFixed(0)}%).`
      : '';
    train = {
      ...early.result,
      horizonDays: early.horizon,
      targetNote:
        (completion.gate.reliable
          ? both(`the risk of ${earlyWords(early.horizon)}`)
          : `The completion model could not be used (${completion.gate.reasons.join(' ')}), so the list ranks the risk of ${earlyWords(early.horizon)}.`) +
        notStartedNote,
    };
  } else {
    train = {
      ...completion,
      targetNote:
        'The list ranks the risk of not completing, learnt from enrolments whose outcome is known (earlier cohorts, or lms_enrolments.csv).',
      gate: {
        reliable: false,
        reasons: [
          ...completion.gate.reasons,
          `Nor can the disengagement target be used (no activity in the next ${horizonSpan} days): ${lastReasons.join(' ')}`,
        ],
      },
    };
  }
  if (train.silenceOnly) {
    const { modelAuc, baselineAuc } = train.silenceOnly;
    train = {
      ...train,
      targetNote:
        `${train.targetNote ?? ''} The model fitted on every feature was no better than days since the last activity alone (cross-validated ROC AUC ${modelAuc.toFixed(3)} against ${baselineAuc.toFixed(3)}), so the list is that order: the enrolments quiet the longest first, with the risk that silence showed in the training weeks. It is no better than sorting by the last activity by hand.`.trim(),
    };
  }
  return {
    train,
    data,
    trainingTable: train.target === 'completion' ? 'training_snapshots' : 'early_training_snapshots',
  };
}

/**
 * The disengagement horizons to try, in order (see chooseTarget): first a third of how long the
 * typical started enrolment has run (`typicalDays`), in whole weeks from 14 to 42 days, shortened down
 * to 7 while it would leave fewer than five weeks of that run labelled; then the others from the
 * longest down to 7 days.
 */
export function disengagementHorizons(typicalDays: number): number[] {
  const longest = Math.min(42, Math.max(14, 7 * Math.round(typicalDays / 3 / 7)));
  const first = Math.min(longest, Math.max(7, 7 * Math.floor((typicalDays - 35) / 7)));
  const rest = Array.from({ length: longest / 7 }, (_, k) => longest - 7 * k).filter((h) => h !== first);
  return [first, ...rest];
}

export async function trainForecast(
  db: Db,
  minLearners: number,
): Promise<{ result: ForecastResult; open: Map<string, number> }> {
  const raw = await db.columns(
    `SELECT user_id, outcome, final_avg_quiz, ${FORECAST_FEATURES.columns.map((c) => `${c}::DOUBLE AS ${c}`).join(', ')} FROM quiz_forecast_dataset`,
  );
  const userIds = (raw.user_id ?? []).map(String);
  const outcome = (raw.outcome ?? []).map(String);
  const target = numbers(raw.final_avg_quiz);
  const columns: SnapshotColumns = {};
  for (const name of FORECAST_FEATURES.columns) columns[name] = numbers(raw[name]);
  const known = userIds.map((_, i) => i).filter((i) => outcome[i] !== 'open' && target[i] !== null);
  const subsetColumns: SnapshotColumns = {};
  for (const name of FORECAST_FEATURES.columns)
    subsetColumns[name] = known.map((i) => columns[name]?.[i] ?? null);
  const result = trainQuizForecast(
    known.map((i) => userIds[i] as string),
    subsetColumns,
    known.map((i) => target[i] as number),
    { ...CV, minLearners: minLearners * 2 },
  );
  return { result, open: result.model ? await forecastOpen(db, result.model) : new Map() };
}

/**
 * The quiz-score forecast of every learner with an open enrolment (quiz_forecast_dataset), by
 * learner id: from the model just trained, or the saved model a scoring run uses.
 */
export async function forecastOpen(db: Db, model: ForecastModel): Promise<Map<string, number>> {
  const raw = await db.columns(
    `SELECT user_id, ${FORECAST_FEATURES.columns.map((c) => `${c}::DOUBLE AS ${c}`).join(', ')} FROM quiz_forecast_dataset WHERE outcome = 'open'`,
  );
  const columns: SnapshotColumns = {};
  for (const name of FORECAST_FEATURES.columns) columns[name] = numbers(raw[name]);
  const ids = (raw.user_id ?? []).map(String);
  const open = new Map<string, number>();
  predictForecast(model, columns, allRows(ids.length)).forEach((p, i) => {
    open.set(ids[i] as string, p);
  });
  return open;
}

export async function buildStats(db: Db): Promise<StatsReport> {
  const means = await db.all<Record<string, unknown>>('SELECT * FROM learner_feature_means');
  const departments = await db.query<{ department: string; outcome: string; learners: bigint }>(
    'department_outcomes',
  );
  return buildStatsReport(
    means.map((row) => ({
      outcome: String(row.outcome),
      values: Object.fromEntries(WEEKLY_FEATURES.map((f) => [f, row[f] === null ? null : Number(row[f])])),
    })),
    departments.map((d) => ({ department: d.department, outcome: d.outcome, learners: Number(d.learners) })),
  );
}

export async function feedbackOutcomes(
  db: Db,
  feedback: ReadonlyMap<string, { readonly verdict: string }>,
): Promise<FeedbackOutcome[]> {
  const outcomes = await db.all<{ user_id: string; course_id: string; outcome: string }>(
    'SELECT user_id, course_id, outcome FROM learner_outcomes',
  );
  const outcomeOf = new Map(outcomes.map((o) => [enrolmentKey(o.user_id, o.course_id), o.outcome]));
  const counts = new Map<string, FeedbackOutcome>();
  for (const [enrolment, { verdict }] of feedback) {
    const row = counts.get(verdict) ?? {
      verdict,
      learners: 0,
      completed: 0,
      dropped: 0,
      open: 0,
      unknown: 0,
    };
    const outcome = outcomeOf.get(enrolment);
    const key = outcome === 'completed' || outcome === 'dropped' || outcome === 'open' ? outcome : 'unknown';
    counts.set(verdict, { ...row, learners: row.learners + 1, [key]: row[key] + 1 });
  }
  return [...counts.values()].sort((a, b) => a.verdict.localeCompare(b.verdict));
}
