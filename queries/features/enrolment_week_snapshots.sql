-- enrolment_week_snapshots: everything the model may know about an enrolment (one learner in one
-- course) at the end of a week, built only from the learner's events on that course's modules on or
-- before that week's week_end (no look-ahead).
-- Grain: one row per enrolment (int_enrolments) per ISO week, from the week of enrolled_on to the
--   $as_of week inclusive, including weeks with no events (a never-active enrolment has only those).
-- Columns: user_id, course_id, week_start (Monday, DATE), week_end (Sunday, or $as_of), week_index
--   (1 = the week of enrolment), study_week (= week_index, as a model feature), the six weekly
--   features in the course (sessions, avg_progress, modules_completed, avg_quiz_score, active_days,
--   inactivity_days), lesson_events, quiz_attempts, cum_sessions, cum_active_days,
--   cum_modules_completed, cum_lesson_events, cum_quiz_attempts, cum_avg_progress, cum_avg_quiz_score,
--   share_required_completed (cum completed modules / the course's required modules, at most 1),
--   active_weeks_to_date, courses_to_date (the learner's enrolments begun by week_end),
--   never_active_to_date (no event in the course yet), enrolled_on,
--   plus outcome, completed_at, dropped_at (of the enrolment at $as_of, learner_outcomes; used only to
--   label and to select rows, never as features)
-- Parameters: $as_of (DATE: the end of the last complete week). Reads int_events, int_enrolments,
--   learner_outcomes.
-- Definitions as weekly_behavioral_features, restricted to the course: a session starts at the first
--   event and at every event more than 30 minutes after the previous one in the course;
--   inactivity_days = week_end - the latest event date in the course on or before week_end, or -
--   enrolled_on while there is none.
with

kept_modules as (
    select module_id, course_id from int_modules_checked where exclusion_reason is null
),

events as (
    select events.user_id, kept_modules.course_id, events.source, events.module_id, events.event_ts,
           events.event_date, events.status, events.progress, events.score
    from int_events as events
    join kept_modules using (module_id)
    semi join int_enrolments as enrolments
        on enrolments.user_id = events.user_id and enrolments.course_id = kept_modules.course_id
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
        from events
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
        max(event_date) as last_event_date
    from events
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
        weekly_events.last_event_date
    from grid
    left join weekly_events using (user_id, course_id, week_start)
    left join weekly_sessions using (user_id, course_id, week_start)
    left join weekly_completions using (user_id, course_id, week_start)
),

to_date as (
    select
        *,
        row_number() over enrolment_weeks as week_index,
        sum(sessions) over enrolment_weeks as cum_sessions,
        sum(active_days) over enrolment_weeks as cum_active_days,
        sum(modules_completed) over enrolment_weeks as cum_modules_completed,
        sum(lesson_events) over enrolment_weeks as cum_lesson_events,
        sum(quiz_attempts) over enrolment_weeks as cum_quiz_attempts,
        sum(progress_sum) over enrolment_weeks as cum_progress_sum,
        sum(score_sum) over enrolment_weeks as cum_score_sum,
        count(*) filter (active_days > 0) over enrolment_weeks as active_weeks_to_date,
        last_value(last_event_date ignore nulls) over enrolment_weeks as latest_event_date
    from joined
    window enrolment_weeks as (
        partition by user_id, course_id order by week_start rows between unbounded preceding and current row
    )
),

courses_to_date as (
    select grid.user_id, grid.week_start, count(*) as courses_to_date
    from (select distinct user_id, week_start from grid) as grid
    join int_enrolments as enrolments
        on enrolments.user_id = grid.user_id and enrolments.enrolled_on <= grid.week_start + 6
    group by all
),

final as (
    select
        to_date.user_id,
        to_date.course_id,
        to_date.week_start,
        to_date.week_end,
        to_date.week_index,
        -- The same number under a model-feature name: training_snapshots.csv starts with
        -- user_id, course_id, week_index, label, and a feature named week_index would repeat that header.
        to_date.week_index as study_week,
        to_date.sessions,
        -- Means are rounded to 10 decimals: parallel summation order otherwise changes the last bits.
        case when to_date.lesson_events > 0 then round(to_date.progress_sum / to_date.lesson_events, 10) end as avg_progress,
        to_date.modules_completed,
        case when to_date.quiz_attempts > 0 then round(to_date.score_sum / to_date.quiz_attempts, 10) end as avg_quiz_score,
        to_date.active_days,
        greatest(to_date.week_end - coalesce(to_date.latest_event_date, to_date.enrolled_on), 0) as inactivity_days,
        to_date.lesson_events,
        to_date.quiz_attempts,
        to_date.cum_sessions,
        to_date.cum_active_days,
        to_date.cum_modules_completed,
        to_date.cum_lesson_events,
        to_date.cum_quiz_attempts,
        case when to_date.cum_lesson_events > 0 then round(to_date.cum_progress_sum / to_date.cum_lesson_events, 10) end as cum_avg_progress,
        case when to_date.cum_quiz_attempts > 0 then round(to_date.cum_score_sum / to_date.cum_quiz_attempts, 10) end as cum_avg_quiz_score,
        least(to_date.cum_modules_completed / outcomes.required_modules, 1) as share_required_completed,
        to_date.active_weeks_to_date,
        coalesce(courses_to_date.courses_to_date, 1) as courses_to_date,
        to_date.latest_event_date is null as never_active_to_date,
        to_date.enrolled_on,
        outcomes.outcome,
        outcomes.completed_at,
        outcomes.dropped_at
    from to_date
    join learner_outcomes as outcomes using (user_id, course_id)
    left join courses_to_date using (user_id, week_start)
)

select * from final
