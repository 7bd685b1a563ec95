/**
 * Every named query: the file names of queries/<layer>/<name>.sql. The Db methods take a QueryName,
 * so a misspelt query fails the type check (as a misspelt ref() fails dbt compile); a test keeps this
 * list equal to the files.
 */
export const QUERY_NAMES = [
  // queries/macros/
  'lumen_checked_events',
  'lumen_macros',
  // queries/staging/
  'raw_blank_lines',
  'raw_date_order_evidence',
  'raw_lines_after_blanks',
  'raw_lines_by_breaks',
  'raw_lines_by_rowid',
  'stg_courses',
  'stg_enrolments',
  'stg_lesson_activity',
  'stg_modules',
  'stg_quiz_attempts',
  'stg_users',
  // queries/intermediate/
  'as_of_default',
  'int_course_dropout_gaps',
  'int_courses_checked',
  'int_enrolments',
  'int_enrolments_checked',
  'int_event_span',
  'int_events',
  'int_learner_roles',
  'int_lesson_activity_checked',
  'int_lesson_activity_id_problems',
  'int_modules_checked',
  'int_quiz_attempts_checked',
  'int_quiz_attempts_id_problems',
  'int_users_checked',
  // queries/features/
  'enrolment_week_base',
  'enrolment_week_snapshots',
  'weekly_behavioral_features',
  // queries/marts/
  'department_outcomes',
  'dq_exclusions',
  'dq_file_rows',
  'dq_warnings',
  'early_training_snapshots',
  'enrolment_weeks',
  'learner_feature_means',
  'learner_outcomes',
  'learner_overall_outcomes',
  'never_active_learners',
  'quiz_forecast_dataset',
  'scoring_snapshots',
  'training_snapshots',
  // queries/eda/
  'eda_cohort_retention',
  'eda_department_completion',
  'eda_enrolment_weeks',
  'eda_inactivity_vs_outcome',
  'eda_learner_known',
  'eda_learner_weeks',
  'eda_module_completion',
  'eda_overview',
  'eda_published_enrolment_weeks',
  'eda_published_learner_weeks',
  'eda_progress_distribution',
  'eda_quiz_scores',
  'eda_status_funnel',
  'eda_weekly_engagement',
] as const;

export type QueryName = (typeof QUERY_NAMES)[number];
