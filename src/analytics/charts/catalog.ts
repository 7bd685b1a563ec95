/**
 * Every chart Lumen draws: its id (also the file name under OUT/charts/), what it shows, and what it
 * needs. 'db' charts run queries/eda/<query>.sql on tables the pipeline has built; the others are
 * drawn from the model's outputs.
 */

export type ChartInputKind = 'db' | 'evaluation' | 'coefficients' | 'scores' | 'learnerId';

export interface ChartEntry {
  readonly id: ChartId;
  readonly title: string;
  readonly description: string;
  readonly needs: readonly ChartInputKind[];
  /** Named query (queries/eda/<query>.sql) for 'db' charts. */
  readonly query: string | null;
}

export const CHART_IDS = [
  'weekly_activity',
  'outcomes_by_course',
  'module_funnel',
  'quiz_scores',
  'engagement_by_outcome',
  'roc_curve',
  'pr_curve',
  'calibration',
  'auc_by_week',
  'feature_effects',
  'risk_distribution',
  'learner_profile',
] as const;

export type ChartId = (typeof CHART_IDS)[number];

export const CHART_CATALOG: readonly ChartEntry[] = [
  {
    id: 'weekly_activity',
    title: 'Active learners per week',
    description: 'Learners with at least one session in each calendar week.',
    needs: ['db'],
    query: 'eda_weekly_activity',
  },
  {
    id: 'outcomes_by_course',
    title: 'Learner outcomes by course',
    description: 'Completed, dropped and open learners in each course.',
    needs: ['db'],
    query: 'eda_outcomes_by_course',
  },
  {
    id: 'module_funnel',
    title: 'Module funnel',
    description: 'Learners who started and who completed each module, in course order.',
    needs: ['db'],
    query: 'eda_module_funnel',
  },
  {
    id: 'quiz_scores',
    title: 'Quiz score distribution by outcome',
    description: 'Quiz attempts in 10-point score bins, split by the learner outcome.',
    needs: ['db'],
    query: 'eda_quiz_scores',
  },
  {
    id: 'engagement_by_outcome',
    title: 'Sessions per week of study by outcome',
    description: 'Mean sessions per learner in their 1st, 2nd, ... week, for each outcome.',
    needs: ['db'],
    query: 'eda_engagement_by_outcome',
  },
  {
    id: 'roc_curve',
    title: 'ROC curve',
    description: 'Out-of-fold ROC curve of the completion model, with its cross-validated AUC.',
    needs: ['evaluation'],
    query: null,
  },
  {
    id: 'pr_curve',
    title: 'Precision-recall curve',
    description: 'Out-of-fold precision and recall for completion, against the base rate.',
    needs: ['evaluation'],
    query: null,
  },
  {
    id: 'calibration',
    title: 'Calibration',
    description: 'Mean predicted vs observed completion rate in 10 probability bins.',
    needs: ['evaluation'],
    query: null,
  },
  {
    id: 'auc_by_week',
    title: 'AUC by week of study',
    description: 'How well the model separates learners at weeks 1, 2, 3 and 4+.',
    needs: ['evaluation'],
    query: null,
  },
  {
    id: 'feature_effects',
    title: 'Feature effects',
    description: 'Odds ratio of completing per standard deviation of each feature.',
    needs: ['coefficients'],
    query: null,
  },
  {
    id: 'risk_distribution',
    title: 'Risk distribution',
    description: 'Histogram of open learners risk scores by band, with the at-risk threshold.',
    needs: ['scores'],
    query: null,
  },
  {
    id: 'learner_profile',
    title: 'Learner profile',
    description: 'One learner: weekly sessions, lesson progress and quiz scores, with risk and drivers.',
    needs: ['db', 'learnerId', 'scores'],
    query: 'eda_learner_weeks',
  },
];

export function chartEntry(id: ChartId): ChartEntry {
  const entry = CHART_CATALOG.find((c) => c.id === id);
  if (!entry) throw new Error(`no chart ${id} in the catalog`);
  return entry;
}
