-- dq_exclusions: excluded rows counted by file, reason and column, with the first offending lines.
-- Grain: one row per file x exclusion reason x column.
-- Columns: file, reason, column_name, rows (BIGINT), first_lines (INTEGER[] of up to 5 line numbers)
-- Parameters: $as_of (DATE): kept events dated after it are excluded as 'after_as_of'.
-- Kept events dated outside the export's span (int_event_span) are excluded as 'outside_span' first.
-- lms_enrolments.csv has no row here when the optional file is not given.
with

all_rows as (
    select 'lms_users.csv' as file, line_no, exclusion_reason, exclusion_column from int_users_checked
    union all
    select 'lms_courses.csv', line_no, exclusion_reason, exclusion_column from int_courses_checked
    union all
    select 'lms_modules.csv', line_no, exclusion_reason, exclusion_column from int_modules_checked
    union all
    select
        'lms_lesson_activity.csv', line_no,
        coalesce(exclusion_reason, case
            when event_date not between span.span_start and span.span_end then 'outside_span'
            when event_date > $as_of then 'after_as_of'
        end),
        coalesce(exclusion_column, case
            when event_date not between span.span_start and span.span_end or event_date > $as_of then 'event_time'
        end)
    from int_lesson_activity_checked, int_event_span as span
    union all
    select
        'lms_quiz_attempts.csv', line_no,
        coalesce(exclusion_reason, case
            when attempt_date not between span.span_start and span.span_end then 'outside_span'
            when attempt_date > $as_of then 'after_as_of'
        end),
        coalesce(exclusion_column, case
            when attempt_date not between span.span_start and span.span_end or attempt_date > $as_of
                then 'attempt_date'
        end)
    from int_quiz_attempts_checked, int_event_span as span
    union all
    select 'lms_enrolments.csv', line_no, exclusion_reason, exclusion_column from int_enrolments_checked
),

final as (
    select
        file,
        exclusion_reason as reason,
        exclusion_column as column_name,
        count(*) as rows,
        list(line_no order by line_no)[1:5] as first_lines
    from all_rows
    where exclusion_reason is not null
    group by all
)

select * from final order by file, reason, column_name
