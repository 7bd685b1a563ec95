-- enrolment_weeks: each enrolment's weeks as published in enrolment_weeks.csv, so that a learner's
-- profile in one course can be drawn from the published run without rebuilding the export.
-- Grain: one row per enrolment (user_id, course_id) per ISO week, from the week of enrolment to the
--   week of the run's model as-of (the end of the last complete week), weeks without events included.
-- Columns: user_id, course_id, week_start (DATE, Monday), week_index (1 = the week of enrolment),
--   sessions, active_days, modules_completed (INTEGER, in the course that week), avg_progress (0-100,
--   NULL without lesson rows), avg_quiz_score (NULL without quiz attempts)
-- Order: user_id, course_id, week_start. Reads enrolment_week_snapshots.
select
    user_id,
    course_id,
    week_start,
    week_index::INTEGER as week_index,
    sessions::INTEGER as sessions,
    active_days::INTEGER as active_days,
    modules_completed::INTEGER as modules_completed,
    avg_progress::DOUBLE as avg_progress,
    avg_quiz_score::DOUBLE as avg_quiz_score
from enrolment_week_snapshots
order by user_id, course_id, week_start
