-- eda_overview: the headline counts of a run, for the dashboard's KPI cards and chart subtitles.
-- Grain: one row.
-- Columns: learners (with at least one kept event), completed, dropped, open (learners, by their
--   overall outcome), active_last_7_days (learners with an event in the 7 days ending on as-of),
--   enrolments_completed, enrolments_dropped (enrolments, learner_outcomes: what the completion rate
--   is computed from, src/analytics/kpis.ts)
-- Parameters: $as_of (DATE). Reads learner_overall_outcomes, learner_outcomes and int_events.
with

outcomes as (
    select
        count(*)::INTEGER as learners,
        (count(*) filter (outcome = 'completed'))::INTEGER as completed,
        (count(*) filter (outcome = 'dropped'))::INTEGER as dropped,
        (count(*) filter (outcome = 'open'))::INTEGER as open
    from learner_overall_outcomes
),

enrolments as (
    select
        (count(*) filter (outcome = 'completed'))::INTEGER as enrolments_completed,
        (count(*) filter (outcome = 'dropped'))::INTEGER as enrolments_dropped
    from learner_outcomes
),

recent as (
    select count(distinct user_id)::INTEGER as active_last_7_days
    from int_events
    where event_date > $as_of::DATE - 7 and event_date <= $as_of::DATE
)

select
    outcomes.*,
    recent.active_last_7_days,
    enrolments.enrolments_completed,
    enrolments.enrolments_dropped
from outcomes, enrolments, recent
