/**
 * Every chart Lumen draws: its id (what users type in `/lumen eda <id>`, and the file name under
 * OUT/charts/), what it shows, and what it needs. 'db' charts run queries/eda/<query>.sql on tables
 * the pipeline has built; the others are drawn from the model's outputs.
 */
import type { QueryName } from '../query-names.ts';

export type ChartInputKind = 'db' | 'evaluation' | 'coefficients' | 'scores' | 'learnerId';

export interface ChartEntry {
  readonly id: ChartId;
  readonly title: string;
  readonly description: string;
  readonly needs: readonly ChartInputKind[];
  /** Named query (queries/eda/<query>.sql) for 'db' charts. */
  readonly query: QueryName | null;
}

/** In the order of the catalogue: data first, then the model, then one learner. */
export const CHART_IDS = [
  'progress-distribution',
  'module-completion',
  'quiz-scores',
  'weekly-engagement',
  'status-funnel',
  'cohort-retention',
  'department-completion',
  'inactivity-vs-outcome',
  'risk-distribution',
  'model-coefficients',
  'roc-pr',
  'calibration',
  'auc-by-week',
  'learner-profile',
] as const;

export type ChartId = (typeof CHART_IDS)[number];

const KNOWN_IDS: ReadonlySet<string> = new Set(CHART_IDS);

/**
 * Whether a name typed by a user is a chart id. Only ids that pass this may become file names, so an
 * unknown name (or '../x') never reaches the file system.
 */
export function isChartId(name: string): name is ChartId {
  return KNOWN_IDS.has(name);
}

export const CHART_CATALOG: readonly ChartEntry[] = [
  {
    id: 'progress-distribution',
    title: 'Lesson progress distribution',
    description: 'Histogram of the highest lesson progress (%) each learner reached in each module.',
    needs: ['db'],
    query: 'eda_progress_distribution',
  },
  {
    id: 'module-completion',
    title: 'Completion rate per module',
    description:
      'Share of the learners who started each module that completed it, in course and sequence order.',
    needs: ['db'],
    query: 'eda_module_completion',
  },
  {
    id: 'quiz-scores',
    title: 'Quiz scores',
    description: 'Distribution of quiz scores, and the mean score of each calendar week.',
    needs: ['db'],
    query: 'eda_quiz_scores',
  },
  {
    id: 'weekly-engagement',
    title: 'Weekly engagement',
    description: 'Active learners, sessions and modules completed in each calendar week.',
    needs: ['db'],
    query: 'eda_weekly_engagement',
  },
  {
    id: 'status-funnel',
    title: 'Status funnel per course',
    description: 'Learners who started, were in progress and completed each course.',
    needs: ['db'],
    query: 'eda_status_funnel',
  },
  {
    id: 'cohort-retention',
    title: 'Cohort retention',
    description: 'Share of each first-activity-week cohort that is active in its 1st, 2nd, ... week.',
    needs: ['db'],
    query: 'eda_cohort_retention',
  },
  {
    id: 'department-completion',
    title: 'Outcomes by department',
    description: 'Completed, open and dropped shares of the learners of each department.',
    needs: ['db'],
    query: 'eda_department_completion',
  },
  {
    id: 'inactivity-vs-outcome',
    title: 'Inactivity by outcome',
    description: 'Days since the last activity of completed, open and dropped learners.',
    needs: ['db'],
    query: 'eda_inactivity_vs_outcome',
  },
  {
    id: 'risk-distribution',
    title: 'Risk distribution',
    description: "Histogram of open learners' risk scores by band, with the at-risk threshold.",
    needs: ['scores'],
    query: null,
  },
  {
    id: 'model-coefficients',
    title: 'Model coefficients',
    description: 'Odds ratio of completing per standard deviation of each feature, sorted, by direction.',
    needs: ['coefficients'],
    query: null,
  },
  {
    id: 'roc-pr',
    title: 'ROC and precision-recall curves',
    description: 'Out-of-fold ROC and precision-recall curves of the completion model.',
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
    id: 'auc-by-week',
    title: 'AUC by week of study',
    description: 'How early the model knows: its AUC on snapshots at weeks 1, 2, 3 and 4+.',
    needs: ['evaluation'],
    query: null,
  },
  {
    id: 'learner-profile',
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
