-- enrolment_week_base: the per-enrolment part of enrolment_week_snapshots (everything but the peer
-- comparisons), kept as its own table for the one statement that adds them, then dropped
-- (pipeline.ts buildEnrolmentWeeks). As a CTE read six times by the peer statements it was kept whole,
-- every column, for the statement (1M learners: 15M rows spilling to disk); as a table each peer
-- query reads only the columns it groups.
-- Grain: one row per enrolment (int_enrolments) per ISO week, from the week of enrolled_on to the
--   $as_of week inclusive, including weeks with no events.
-- Columns: enrolment_week_snapshots' columns except the peer ones (peers, pct_*, peer_*), plus stage
--   (1, 2, 3 or 4: weeks since enrolment, at most 4; the peer group's stage).
-- Parameters: $as_of (DATE: the end of the last complete week). Reads int_events, int_enrolments,
--   learner_outcomes. Definitions: see enrolment_week_snapshots.
with

kept_modules as (
    select module_id, course_id from int_modules_checked where exclusion_reason is null
),

-- Events of every (learner, course) pair, enrolled or not: the grid below starts from int_enrolments
-- and left-joins the weekly figures, so a pair without an enrolment (activity in a course the
-- enrolments file does not list) drops out there, without a join of every event to the enrolments.
events as not materialized (
    select events.user_id, kept_modules.course_id, events.source, events.module_id, events.event_ts,
           events.event_date, events.status, events.progress, events.score
    from int_events as events
    join kept_modules using (module_id)
    where events.event_date <= $as_of::date
),

session_starts as (
    select user_id, course_id, date_trunc('week', event_date)::date as week_start
    from (
        select
            user_id,
            course_id,
            event_date,
            epoch_us(event_ts)
                - lag(epoch_us(event_ts)) over (partition by user_id, course_id order by event_ts) as gap_us
        -- Events at the same instant are one gap of 0, never a session start, so the window sorts each
        -- enrolment's distinct instants only (as weekly_behavioral_features does).
        from (select distinct user_id, course_id, event_ts, event_date from events)
    )
    where gap_us is null or gap_us > 30 * 60 * 1000000
),

weekly_sessions as (
    select user_id, course_id, week_start, count(*) as sessions from session_starts group by all
),

weekly_completions as (
    select user_id, course_id, date_trunc('week', completed_date)::date as week_start, count(*) as modules_completed
    from (
        select user_id, course_id, module_id, min(event_ts)::date as completed_date
        from events
        where source = 'lesson' and status = 'completed'
        group by all
    )
    group by all
),

weekly_events as (
    select
        user_id,
        course_id,
        date_trunc('week', event_date)::date as week_start,
        count(*) filter (source = 'lesson') as lesson_events,
        count(*) filter (source = 'quiz') as quiz_attempts,
        fsum(progress) as progress_sum,
        fsum(score) as score_sum,
        count(distinct event_date) as active_days,
        min(event_date) as first_event_date,
        max(event_date) as last_event_date
    from events
    group by all
),

-- Progress per lesson step: how much lesson progress the learner's in-progress rows gain, against
-- the typical gain on the same module as known at the end of each week (so modules of different
-- lengths compare, and a snapshot never changes when later weeks arrive). By sums that add up week
-- by week, without ordering every event (a window over every lesson row measured +93 s at 1M
-- learners): on each module the learner's gain so far is the highest in-progress progress so far
-- minus the lowest progress of a started or in-progress row so far, over the in-progress rows so far
-- (the steps). Completed rows' jump to 100 is not a step; a reset lowers nothing.
-- Completed rows are left out before grouping (no step, and never the lowest row in practice);
-- the course is carried, not grouped by (a module belongs to one course).
learner_module_weeks as (
    select
        user_id,
        module_id,
        date_trunc('week', event_date)::date as week_start,
        any_value(course_id) as course_id,
        max(progress) filter (status = 'in_progress') as top_in_progress,
        min(progress) as lowest,
        count(*) filter (status = 'in_progress') as steps
    from events
    where source = 'lesson' and progress is not null and status in ('started', 'in_progress')
    group by user_id, module_id, week_start
),

learner_module_gains as (
    select
        user_id, course_id, module_id, week_start, steps,
        greatest(gain_to_date - lag(gain_to_date, 1, 0) over module_weeks, 0) as gain
    from (
        select
            *,
            greatest(
                coalesce(max(top_in_progress) over module_weeks - min(lowest) over module_weeks, 0), 0
            ) as gain_to_date
        from learner_module_weeks
        window module_weeks as (partition by user_id, module_id order by week_start)
    )
    window module_weeks as (partition by user_id, module_id order by week_start)
),

typical_gains as (
    select
        module_id,
        week_start,
        sum(gain) over to_week / nullif(sum(steps) over to_week, 0) as typical_gain
    from (
        select module_id, week_start, fsum(gain) as gain, sum(steps) as steps
        from learner_module_gains
        group by all
    )
    window to_week as (partition by module_id order by week_start rows between unbounded preceding and current row)
),

weekly_gains as (
    select
        user_id,
        course_id,
        week_start,
        fsum(gain / typical_gain) as gain_ratio_sum,
        sum(steps) as gain_steps
    from learner_module_gains
    join typical_gains using (module_id, week_start)
    where typical_gain > 0
    group by all
),

grid as (
    select
        user_id,
        course_id,
        enrolled_on,
        unnest(generate_series(
            date_trunc('week', enrolled_on),
            date_trunc('week', $as_of::date),
            interval 7 day
        ))::date as week_start
    from int_enrolments
),

joined as (
    select
        grid.user_id,
        grid.course_id,
        grid.enrolled_on,
        grid.week_start,
        least(grid.week_start + 6, $as_of::date) as week_end,
        coalesce(weekly_sessions.sessions, 0) as sessions,
        coalesce(weekly_completions.modules_completed, 0) as modules_completed,
        coalesce(weekly_events.lesson_events, 0) as lesson_events,
        coalesce(weekly_events.quiz_attempts, 0) as quiz_attempts,
        coalesce(weekly_events.progress_sum, 0) as progress_sum,
        coalesce(weekly_events.score_sum, 0) as score_sum,
        coalesce(weekly_events.active_days, 0) as active_days,
        coalesce(weekly_gains.gain_ratio_sum, 0) as gain_ratio_sum,
        coalesce(weekly_gains.gain_steps, 0) as gain_steps,
        weekly_events.first_event_date,
        weekly_events.last_event_date
    from grid
    left join weekly_events using (user_id, course_id, week_start)
    left join weekly_sessions using (user_id, course_id, week_start)
    left join weekly_completions using (user_id, course_id, week_start)
    left join weekly_gains using (user_id, course_id, week_start)
),

to_date as (
    select
        *,
        row_number() over enrolment_weeks as week_index,
        sum(active_days) over enrolment_weeks as cum_active_days,
        sum(modules_completed) over enrolment_weeks as cum_modules_completed,
        sum(quiz_attempts) over enrolment_weeks as cum_quiz_attempts,
        sum(score_sum) over enrolment_weeks as cum_score_sum,
        sum(gain_ratio_sum) over enrolment_weeks as cum_gain_ratio_sum,
        sum(gain_steps) over enrolment_weeks as cum_gain_steps,
        last_value(last_event_date ignore nulls) over enrolment_weeks as latest_event_date,
        active_days + coalesce(lag(active_days) over (partition by user_id, course_id order by week_start), 0)
            as active_days_14,
        min(first_event_date) over (
            partition by user_id, course_id order by week_start rows between 1 following and unbounded following
        ) as next_active_on
    from joined
    window enrolment_weeks as (
        partition by user_id, course_id order by week_start rows between unbounded preceding and current row
    )
),

snapshots as (
    select
        to_date.user_id,
        to_date.course_id,
        to_date.week_start,
        to_date.week_end,
        to_date.week_index,
        to_date.sessions,
        -- Means are rounded to 10 decimals: parallel summation order otherwise changes the last bits.
        case when to_date.lesson_events > 0 then round(to_date.progress_sum / to_date.lesson_events, 10) end as avg_progress,
        to_date.modules_completed,
        case when to_date.quiz_attempts > 0 then round(to_date.score_sum / to_date.quiz_attempts, 10) end as avg_quiz_score,
        to_date.active_days,
        greatest(to_date.week_end - coalesce(to_date.latest_event_date, to_date.enrolled_on), 0) as inactivity_days,
        to_date.lesson_events,
        to_date.quiz_attempts,
        to_date.cum_active_days,
        to_date.cum_modules_completed,
        to_date.cum_quiz_attempts,
        case when to_date.cum_quiz_attempts > 0 then round(to_date.cum_score_sum / to_date.cum_quiz_attempts, 10) end as cum_avg_quiz_score,
        least(to_date.cum_modules_completed / outcomes.required_modules, 1) as share_required_completed,
        case when to_date.cum_gain_steps > 0 then round(to_date.cum_gain_ratio_sum / to_date.cum_gain_steps, 10) end
            as progress_per_step,
        to_date.latest_event_date is null as never_active_to_date,
        to_date.enrolled_on,
        to_date.active_days_14,
        outcomes.required_modules,
        least(to_date.cum_modules_completed, outcomes.required_modules) as modules_done,
        ln(1 + greatest(to_date.week_end - coalesce(to_date.latest_event_date, to_date.enrolled_on), 0))
            as days_inactive_log,
        (to_date.latest_event_date is null)::integer as never_active,
        -- Peers: same course, same calendar week, same stage since enrolment.
        least(to_date.week_index, 4) as stage,
        outcomes.outcome,
        outcomes.completed_at,
        outcomes.dropped_at,
        to_date.next_active_on
    from to_date
    join learner_outcomes as outcomes using (user_id, course_id)
)

select * from snapshots
