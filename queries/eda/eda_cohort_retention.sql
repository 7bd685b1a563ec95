-- eda_cohort_retention: how many of each first-activity-week cohort are still active in their later
-- weeks, for the cohort-retention heatmap.
-- Grain: one row per cohort (the ISO week of a learner's first event) x week_index 1..26 that the
--   cohort has reached by as-of (week 1 is the cohort week itself).
-- Columns: cohort_week (VARCHAR YYYY-MM-DD), cohort_learners, week_index, active_learners (learners
--   of the cohort with an event in that week), active_share (active_learners / cohort_learners),
--   chart_learners (learners with any event; the same on every row)
-- Weeks past 26 are left out: half a year is what the heatmap has room for.
-- Reads weekly_behavioral_features (one row per learner-week, weeks without events included).
with

cohorts as (
    select user_id, week_start as cohort_week
    from weekly_behavioral_features
    where week_index = 1
),

cohort_sizes as (
    select cohort_week, count(*)::INTEGER as cohort_learners from cohorts group by cohort_week
)

select
    strftime(cohorts.cohort_week, '%Y-%m-%d') as cohort_week,
    any_value(cohort_sizes.cohort_learners) as cohort_learners,
    weekly_behavioral_features.week_index::INTEGER as week_index,
    (count(*) filter (weekly_behavioral_features.active_days > 0))::INTEGER as active_learners,
    ((count(*) filter (weekly_behavioral_features.active_days > 0)) / any_value(cohort_sizes.cohort_learners))::DOUBLE
        as active_share,
    (select count(*) from cohorts)::INTEGER as chart_learners
from weekly_behavioral_features
join cohorts using (user_id)
join cohort_sizes using (cohort_week)
where weekly_behavioral_features.week_index <= 26
group by cohorts.cohort_week, weekly_behavioral_features.week_index
order by cohort_week, week_index
