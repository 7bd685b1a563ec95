-- eda_learner_weeks: one learner's weeks, for the learner_profile chart.
-- Grain: one row per week of $user_id, from their first week to the as-of week.
-- Columns: week_start (VARCHAR YYYY-MM-DD), week_index, sessions, avg_progress (0-100, NULL without
--   lesson rows), avg_quiz_score (NULL without quiz attempts)
-- Parameters: $user_id (VARCHAR). Reads weekly_behavioral_features.
select
    strftime(week_start, '%Y-%m-%d') as week_start,
    week_index::INTEGER as week_index,
    sessions::INTEGER as sessions,
    avg_progress::DOUBLE as avg_progress,
    avg_quiz_score::DOUBLE as avg_quiz_score
from weekly_behavioral_features
where user_id = $user_id
order by week_start
