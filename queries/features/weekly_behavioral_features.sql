-- weekly_behavioral_features: six behavioural features per learner per week, plus counts and
-- cumulative-to-date columns the model uses.
-- Grain: one row per learner per ISO week, from the week of the learner's first event to the as-of
--   week inclusive, including weeks with no events.
-- Columns (in order): user_id, week_start (Monday, DATE), week_index (1 = first week), sessions,
--   avg_progress (NULL without lesson rows), modules_completed, avg_quiz_score (NULL without quiz
--   attempts), active_days, inactivity_days, then week_end, lesson_events, quiz_attempts,
--   cum_sessions, cum_active_days, cum_modules_completed, cum_lesson_events, cum_quiz_attempts,
--   cum_avg_progress, cum_avg_quiz_score, last_event_date
-- Parameters: $as_of (DATE). Reads int_events, which holds no event after as-of.
-- Definitions: a session starts at a learner's first event and at every event more than 30 minutes
--   after the previous one (absolute instants); it counts in the week of its first event's date.
--   modules_completed counts modules whose first 'completed' lesson row falls in the week.
--   inactivity_days = week_end - the latest event date on or before week_end.
with

-- Not materialised: int_events is a table already; a materialised CTE would copy all of it.
events as not materialized (
    select * from int_events
),

-- Each learner's distinct instants: a date-only export has one per active day (100k learners:
-- 9.5M events, about 1.6M instants). Read by the sessions and the active days.
instants as (
    select distinct user_id, event_ts, event_date from events
),

session_starts as (
    -- Gaps in microseconds: comparing INTERVALs measured 8x slower on 10M events.
    select user_id, date_trunc('week', event_date)::date as week_start
    from (
        select
            user_id,
            event_date,
            epoch_us(event_ts) - lag(epoch_us(event_ts)) over (partition by user_id order by event_ts) as gap_us
        -- Events at the same instant are one gap of 0, never a session start, so the window sorts
        -- each learner's distinct instants only.
        from instants
    )
    where gap_us is null or gap_us > 30 * 60 * 1000000
),

-- Active days from the instants, not from every event: a distinct count inside the 9.5M-row weekly
-- group measured as its most expensive part.
weekly_active_days as (
    select user_id, date_trunc('week', event_date)::date as week_start, count(distinct event_date) as active_days
    from instants
    group by all
),

first_completions as (
    select user_id, module_id, min(event_ts)::date as completed_date
    from events
    where source = 'lesson' and status = 'completed'
    group by user_id, module_id
),

weekly_sessions as (
    select user_id, week_start, count(*) as sessions
    from session_starts
    group by user_id, week_start
),

weekly_completions as (
    select user_id, date_trunc('week', completed_date)::date as week_start, count(*) as modules_completed
    from first_completions
    group by all
),

weekly_events as (
    select
        user_id,
        date_trunc('week', event_date)::date as week_start,
        count(*) filter (source = 'lesson') as lesson_events,
        count(*) filter (source = 'quiz') as quiz_attempts,
        fsum(progress) as progress_sum,
        fsum(score) as score_sum,
        max(event_date) as last_event_date
    from events
    group by all
),

learner_span as (
    select user_id, min(event_date) as first_event_date
    from events
    group by user_id
),

grid as (
    select
        user_id,
        unnest(generate_series(
            date_trunc('week', first_event_date),
            date_trunc('week', $as_of::date),
            interval 7 day
        ))::date as week_start
    from learner_span
),

joined as (
    select
        grid.user_id,
        grid.week_start,
        least(grid.week_start + 6, $as_of::date) as week_end,
        coalesce(weekly_sessions.sessions, 0) as sessions,
        coalesce(weekly_completions.modules_completed, 0) as modules_completed,
        coalesce(weekly_events.lesson_events, 0) as lesson_events,
        coalesce(weekly_events.quiz_attempts, 0) as quiz_attempts,
        coalesce(weekly_events.progress_sum, 0) as progress_sum,
        coalesce(weekly_events.score_sum, 0) as score_sum,
        coalesce(weekly_active_days.active_days, 0) as active_days,
        weekly_events.last_event_date
    from grid
    left join weekly_events using (user_id, week_start)
    left join weekly_sessions using (user_id, week_start)
    left join weekly_completions using (user_id, week_start)
    left join weekly_active_days using (user_id, week_start)
),

to_date as (
    select
        *,
        row_number() over learner_weeks as week_index,
        sum(sessions) over learner_weeks as cum_sessions,
        sum(active_days) over learner_weeks as cum_active_days,
        sum(modules_completed) over learner_weeks as cum_modules_completed,
        sum(lesson_events) over learner_weeks as cum_lesson_events,
        sum(quiz_attempts) over learner_weeks as cum_quiz_attempts,
        sum(progress_sum) over learner_weeks as cum_progress_sum,
        sum(score_sum) over learner_weeks as cum_score_sum,
        last_value(last_event_date ignore nulls) over learner_weeks as latest_event_date
    from joined
    window learner_weeks as (partition by user_id order by week_start rows between unbounded preceding and current row)
),

final as (
    select
        -- ids and time
        user_id,
        week_start,
        week_index,

        -- the six weekly features
        sessions,
        -- Means are rounded to 10 decimals: parallel summation order otherwise changes the last bits
        -- from run to run, and a snapshot must be reproducible exactly.
        case when lesson_events > 0 then round(progress_sum / lesson_events, 10) end as avg_progress,
        modules_completed,
        case when quiz_attempts > 0 then round(score_sum / quiz_attempts, 10) end as avg_quiz_score,
        active_days,
        week_end - latest_event_date as inactivity_days,

        -- counts and cumulative-to-date
        week_end,
        lesson_events,
        quiz_attempts,
        cum_sessions,
        cum_active_days,
        cum_modules_completed,
        cum_lesson_events,
        cum_quiz_attempts,
        case when cum_lesson_events > 0 then round(cum_progress_sum / cum_lesson_events, 10) end as cum_avg_progress,
        case when cum_quiz_attempts > 0 then round(cum_score_sum / cum_quiz_attempts, 10) end as cum_avg_quiz_score,
        latest_event_date as last_event_date
    from to_date
)

select * from final
