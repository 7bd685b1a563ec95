-- learner_week_snapshots: everything the model may know about a learner at the end of a week,
-- built only from events on or before that week's week_end (no look-ahead).
-- Grain: one row per learner per week (the weekly_behavioral_features grid).
-- Columns: user_id, week_start, week_end, week_index, study_week (= week_index, as a model feature), the six weekly features, cumulative-to-date
--   counts and means (cum_*), courses_to_date, required_modules_to_date, share_required_completed,
--   active_weeks_to_date, plus outcome, completed_at, last_event, dropout_days, dropped_at (of the
--   learner at as-of; used only to label and to select rows, never as features)
-- Parameters: none (reads weekly_behavioral_features, int_events, learner_outcomes)
with

weeks as (
    select * from weekly_behavioral_features
),

kept_modules as (
    select module_id, course_id from int_modules_checked where exclusion_reason is null
),

module_counts as (
    select course_id, count(*) as modules from kept_modules group by course_id
),

-- When each learner first touched each course: a course counts from that date on.
course_starts as (
    select events.user_id, kept_modules.course_id, min(events.event_date) as started
    from int_events as events
    join kept_modules using (module_id)
    group by all
),

courses_to_date as (
    select
        weeks.user_id,
        weeks.week_start,
        count(*) as courses_to_date,
        sum(module_counts.modules) as required_modules_to_date
    from weeks
    join course_starts on course_starts.user_id = weeks.user_id and course_starts.started <= weeks.week_end
    join module_counts using (course_id)
    group by all
),

final as (
    select
        weeks.user_id,
        weeks.week_start,
        weeks.week_end,
        weeks.week_index,
        -- The same number under a model-feature name: training_snapshots.csv starts with
        -- user_id, week_index, label, and a feature named week_index would repeat that header.
        weeks.week_index as study_week,
        weeks.sessions,
        weeks.avg_progress,
        weeks.modules_completed,
        weeks.avg_quiz_score,
        weeks.active_days,
        weeks.inactivity_days,
        weeks.lesson_events,
        weeks.quiz_attempts,
        weeks.cum_sessions,
        weeks.cum_active_days,
        weeks.cum_modules_completed,
        weeks.cum_lesson_events,
        weeks.cum_quiz_attempts,
        weeks.cum_avg_progress,
        weeks.cum_avg_quiz_score,
        courses_to_date.courses_to_date,
        courses_to_date.required_modules_to_date,
        weeks.cum_modules_completed / courses_to_date.required_modules_to_date as share_required_completed,
        count(*) filter (weeks.active_days > 0) over (
            partition by weeks.user_id order by weeks.week_start rows between unbounded preceding and current row
        ) as active_weeks_to_date,
        outcomes.outcome,
        outcomes.completed_at,
        outcomes.last_event,
        outcomes.dropout_days,
        outcomes.dropped_at
    from weeks
    join courses_to_date using (user_id, week_start)
    join learner_outcomes as outcomes using (user_id)
)

select * from final
