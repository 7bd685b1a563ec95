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

kept_courses as (
    select * from int_courses_checked where exclusion_reason is null
),

course_modules as (
    select course_id, count(*) as modules
    from int_modules_checked
    where exclusion_reason is null
    group by course_id
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
    union all
    select 'lms_courses.csv', 'modules_required not a whole number from 1 to the course''s modules (ignored: every required module counts)', line_no
    from kept_courses left join course_modules using (course_id)
    where kept_courses.modules_required_text <> ''
      and (kept_courses.modules_required is null or kept_courses.modules_required < 1
           or kept_courses.modules_required > coalesce(course_modules.modules, 0))
    union all
    select 'lms_courses.csv', 'unparseable ends_at (kept; value ignored)', line_no
    from kept_courses where ends_at is null and ends_at_text <> ''
    union all
    select 'lms_modules.csv', 'required is not true or false (counted as required)', line_no
    from int_modules_checked where exclusion_reason is null and required is null and required_text <> ''
),

final as (
    select file, check_name, count(*) as rows, list(line_no order by line_no)[1:5] as first_lines
    from findings
    group by all
)

select * from final order by file, check_name
