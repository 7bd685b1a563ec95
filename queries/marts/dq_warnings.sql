-- dq_warnings: data-quality findings that exclude nothing.
-- Grain: one row per file x check with at least one finding.
-- Columns: file, check_name, rows (BIGINT), first_lines (INTEGER[] of up to 5 line numbers)
-- Parameters: $as_of (DATE)
with

kept_users as (
    select * from int_users_checked where exclusion_reason is null
),

kept_lessons as (
    select * from int_lesson_activity_checked where exclusion_reason is null and event_date <= $as_of
),

kept_quizzes as (
    select * from int_quiz_attempts_checked where exclusion_reason is null and attempt_date <= $as_of
),

active_learners as (
    select distinct user_id from kept_lessons
    union
    select distinct user_id from kept_quizzes
),

lesson_modules as (
    select distinct user_id, module_id from kept_lessons
),

findings as (
    select 'lms_users.csv' as file, 'updated_at before created_at' as check_name, line_no
    from kept_users where updated_at < created_at
    union all
    select 'lms_users.csv', 'unparseable created_at (kept; value ignored)', line_no
    from kept_users where created_at is null and created_at_text <> ''
    union all
    select 'lms_users.csv', 'unparseable updated_at (kept; value ignored)', line_no
    from kept_users where updated_at is null and updated_at_text <> ''
    union all
    select 'lms_users.csv', 'learner registered but never active', line_no
    from kept_users anti join active_learners using (user_id)
    union all
    select 'lms_courses.csv', 'unparseable created_at (kept; value ignored)', line_no
    from int_courses_checked where exclusion_reason is null and created_at is null and created_at_text <> ''
    union all
    select 'lms_lesson_activity.csv', 'completed with progress below 100', line_no
    from kept_lessons where status = 'completed' and progress < 100
    union all
    select 'lms_lesson_activity.csv', 'unknown status (counted as activity, never as a completion)', line_no
    from kept_lessons where status not in ('started', 'in_progress', 'completed')
    union all
    select 'lms_quiz_attempts.csv', 'quiz attempt without lesson activity on that module', line_no
    from kept_quizzes anti join lesson_modules using (user_id, module_id)
),

final as (
    select file, check_name, count(*) as rows, list(line_no order by line_no)[1:5] as first_lines
    from findings
    group by all
)

select * from final order by file, check_name
