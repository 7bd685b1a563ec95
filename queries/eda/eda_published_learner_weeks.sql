-- eda_published_learner_weeks: one learner's weeks read back from a published run's
-- weekly_behavioral_features.csv (the learner_profile chart drawn without rebuilding the export).
-- Same rows and columns as eda_learner_weeks.
-- Grain: one row per week of $user_id, from their first week to the run's as-of week.
-- Columns: week_start (VARCHAR YYYY-MM-DD), week_index, sessions, avg_progress, avg_quiz_score
-- Parameters: $path (VARCHAR: the CSV file), $user_id (VARCHAR, as the export spells it: the file's
--   formula protection is undone by lumen_csv_plain).
select
    week_start,
    week_index::INTEGER as week_index,
    sessions::INTEGER as sessions,
    avg_progress::DOUBLE as avg_progress,
    avg_quiz_score::DOUBLE as avg_quiz_score
from read_csv($path, header = true, all_varchar = true)
where lumen_csv_plain(user_id) = $user_id
order by week_start
