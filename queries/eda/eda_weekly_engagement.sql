-- eda_weekly_engagement: learners active, sessions started and modules completed in each calendar
-- week, for the weekly-engagement chart.
-- Grain: one row per ISO week (Monday start) from the first learner's first week to the as-of week.
-- Columns: week_start (VARCHAR YYYY-MM-DD), active_learners (learners with an event in the week),
--   sessions, modules_completed (modules whose first 'completed' lesson row falls in the week),
--   chart_learners (learners with any event; the same on every row)
-- Reads weekly_behavioral_features (one row per learner-week, weeks without events included).
select
    strftime(week_start, '%Y-%m-%d') as week_start,
    (count(*) filter (active_days > 0))::INTEGER as active_learners,
    sum(sessions)::INTEGER as sessions,
    sum(modules_completed)::INTEGER as modules_completed,
    (select count(distinct user_id) from weekly_behavioral_features)::INTEGER as chart_learners
from weekly_behavioral_features
group by week_start
order by week_start
