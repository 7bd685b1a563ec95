-- eda_published_enrolment_weeks: one learner's weeks in one course, read back from a published run's
-- enrolment_weeks.csv (the learner_profile chart for staff of that course, drawn without rebuilding
-- the export). Same rows and columns as eda_enrolment_weeks.
-- Grain: one row per week of the enrolment ($user_id, $course_id), from the week of enrolment to the
--   run's model as-of week.
-- Columns: week_start (VARCHAR YYYY-MM-DD), week_index, sessions, avg_progress, avg_quiz_score
-- Parameters: $path (VARCHAR: the CSV file), $user_id, $course_id (VARCHAR, as the export spells
--   them: the file's formula protection is undone by lumen_csv_plain).
select
    week_start,
    week_index::INTEGER as week_index,
    sessions::INTEGER as sessions,
    avg_progress::DOUBLE as avg_progress,
    avg_quiz_score::DOUBLE as avg_quiz_score
from read_csv($path, header = true, all_varchar = true)
where lumen_csv_plain(user_id) = $user_id and lumen_csv_plain(course_id) = $course_id
order by week_start
