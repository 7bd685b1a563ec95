-- early_training_snapshots: the enrolment-weeks the disengagement model learns from, learnable inside
-- one running cohort before anybody completes: in the $horizon days after the week, was the learner
-- active in the course again, without their quiz attempts in that time averaging below the course's
-- lower quartile of quiz scores? (Going quiet is the first sign of leaving; scoring low while still
-- taking part is the first sign of failing, which silence alone does not show.) A row's features use
-- data to its week_end only (the snapshot); its label only data in (week_end, week_end + $horizon],
-- and only where week_end + $horizon <= $as_of. The lower quartile is of the course's quiz attempts up
-- to $as_of.
-- Grain: one row per enrolment per complete week, restricted as below.
-- Columns: enrolment_week_snapshots.*, label (1 = active again and not scoring low, 0 = went quiet or
--   scored low)
-- Parameters: $as_of (DATE), $horizon (INTEGER days, a whole number of weeks)
-- Rows: weeks that ended while the enrolment was still open (before completed_at / dropped_at, so a
-- learner already known to have finished or left is not counted), from the week its course began:
-- the first week with at least 5 started enrolments of which at least 10% were active again. The
-- weeks before it (registration open, the cohort not started: everyone stays quiet, bar a few who
-- browse) say nothing about leaving, and their peer ranks compare learners with people who have not
-- begun; kept, they taught the model that activity before the start means going quiet (a single
-- generated cohort with the enrolments file, week 4: ranking AUC of the final results 0.60 with them,
-- 0.71 without; docs/BENCHMARKS.md, session 10). A course without such a week keeps every week.
with

-- A course's low quiz score: the lower quartile of its quiz attempts up to as-of.
course_low_scores as (
    select modules.course_id, quantile_cont(events.score, 0.25) as low_score
    from int_events as events
    join int_modules_checked as modules using (module_id)
    where events.source = 'quiz' and events.event_date <= $as_of::date and modules.exclusion_reason is null
    group by modules.course_id
),

-- The rows kept, before the join: the snapshot table is read twice, each time only what is needed (a
-- CTE over it read twice was kept whole for the statement: 1M learners, 15M rows of every column,
-- 70 s mostly spilling to disk).
labelled_weeks as (
    select *
    from enrolment_week_snapshots
    where week_end + $horizon::integer <= $as_of::date
      and week_end = week_start + 6
      and (completed_at is null or week_end < completed_at)
      and (dropped_at is null or week_end < dropped_at)
),

-- The same enrolment's row $horizon days (whole weeks) later: its cumulative quiz figures minus
-- this week's are the attempts made in (week_end, week_end + $horizon].
later as (
    select user_id, course_id, week_start, cum_quiz_attempts, cum_avg_quiz_score
    from enrolment_week_snapshots
),

labelled as (
    select
        now_.*,
        low.low_score,
        later.cum_quiz_attempts - now_.cum_quiz_attempts as attempts_ahead,
        coalesce(later.cum_avg_quiz_score * later.cum_quiz_attempts, 0)
            - coalesce(now_.cum_avg_quiz_score * now_.cum_quiz_attempts, 0) as score_sum_ahead
    from labelled_weeks as now_
    join later
        on later.user_id = now_.user_id
        and later.course_id = now_.course_id
        and later.week_start = now_.week_start + $horizon::integer
    left join course_low_scores as low on low.course_id = now_.course_id
),

with_labels as (
    select
        * exclude (attempts_ahead, score_sum_ahead, low_score),
        case
            when next_active_on is null or next_active_on > week_end + $horizon::integer then 0
            when attempts_ahead > 0 and score_sum_ahead / attempts_ahead < low_score then 0
            else 1
        end as label
    from labelled
),

-- The week each course began (see Rows above).
course_began as (
    select course_id, min(week_start) as first_week
    from (
        select course_id, week_start
        from with_labels
        where never_active = 0
        group by all
        having count(*) >= 5 and avg(label) >= 0.1
    )
    group by course_id
)

-- No ORDER BY: every reader orders by enrolment and week (snapshot-data.ts SNAPSHOT_ORDER).
select with_labels.*
from with_labels
left join course_began using (course_id)
where course_began.first_week is null or with_labels.week_start >= course_began.first_week
