-- eda_weekly_activity: learners active and sessions started in each calendar week, for the
-- weekly_activity chart.
-- Grain: one row per ISO week (Monday start) from the first learner's first week to the as-of week.
-- Columns: week_start (VARCHAR YYYY-MM-DD), active_learners (learners with at least one session),
--   sessions
-- Reads weekly_behavioral_features (one row per learner-week, weeks without events included).
select
    strftime(week_start, '%Y-%m-%d') as week_start,
    (count(*) filter (sessions > 0))::INTEGER as active_learners,
    sum(sessions)::INTEGER as sessions
from weekly_behavioral_features
group by week_start
order by week_start
