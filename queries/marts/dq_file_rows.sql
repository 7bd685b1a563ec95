-- dq_file_rows: rows read and kept per input file.
-- Grain: one row per input file; lms_enrolments.csv reads 0 rows when the optional file is not given
--   (validate.ts leaves it out of the report then).
-- Columns: file, rows_read (BIGINT), rows_kept (BIGINT)
-- Parameters: $as_of (DATE); event rows count as kept inside the export's span (int_event_span) only
select 'lms_users.csv' as file, count(*) as rows_read, count(*) filter (exclusion_reason is null) as rows_kept
from int_users_checked
union all
select 'lms_courses.csv', count(*), count(*) filter (exclusion_reason is null) from int_courses_checked
union all
select 'lms_modules.csv', count(*), count(*) filter (exclusion_reason is null) from int_modules_checked
union all
select
    'lms_lesson_activity.csv',
    count(*),
    count(*) filter (exclusion_reason is null and event_date between span.span_start and least(span.span_end, $as_of))
from int_lesson_activity_checked, int_event_span as span
union all
select
    'lms_quiz_attempts.csv',
    count(*),
    count(*) filter (
        exclusion_reason is null and attempt_date between span.span_start and least(span.span_end, $as_of)
    )
from int_quiz_attempts_checked, int_event_span as span
union all
select 'lms_enrolments.csv', count(*), count(*) filter (exclusion_reason is null) from int_enrolments_checked
