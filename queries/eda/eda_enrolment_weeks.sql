-- eda_enrolment_weeks: one learner's weeks in one course, for the learner_profile chart drawn for staff
-- of that course only (the learner's other courses stay out of it).
-- Grain: one row per week of the enrolment ($user_id, $course_id), from the week of enrolment to the
--   as-of week.
-- Columns: week_start (VARCHAR YYYY-MM-DD), week_index, sessions, avg_progress (0-100, NULL without
--   lesson rows), avg_quiz_score (NULL without quiz attempts): as eda_learner_weeks, in the course.
-- Parameters: $user_id (VARCHAR), $course_id (VARCHAR). Reads enrolment_week_snapshots.
select
    strftime(week_start, '%Y-%m-%d') as week_start,
    week_index::INTEGER as week_index,
    sessions::INTEGER as sessions,
    avg_progress::DOUBLE as avg_progress,
    avg_quiz_score::DOUBLE as avg_quiz_score
from enrolment_week_snapshots
where user_id = $user_id and course_id = $course_id
order by week_start
