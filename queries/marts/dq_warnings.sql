-- dq_warnings: data-quality findings that exclude nothing.
-- Grain: one row per file x check with at least one finding.
-- Columns: file, check_name, rows (BIGINT), first_lines (INTEGER[] of up to 5 line numbers)
-- Parameters: $as_of (DATE)
-- Letter case: ids are compared exactly (after lumen_trim). Ids of one reference file that differ
-- only in letter case, and event or module rows left out as unknown user / module / course whose id
-- matches a kept id once case is ignored, are named here by their first example (both ids and a
-- line of each) so the report says why 'u001' is not 'U001'. Activity and attempt ids are not
-- compared across case (they only identify rows; folding 10M of them would cost a full pass).
-- lms_enrolments.csv (optional; int_enrolments_checked has no row when it is not given, so none of
-- its checks finds anything then): blank enrolled_at; status_at before enrolled_at; status_at after
-- the day the export was written (int_event_span.written_on, with the span rule's one day of slack);
-- and, only when the file is given, learner-course pairs with kept events in the span up to as-of
-- but no kept enrolment row. That check counts pairs, not rows: it names its first pair (and the
-- event file line) in the check name and has no lines of lms_enrolments.csv to list. A kept
-- enrolment without any event is no finding: a never-active enrolment is normal.
with

kept_users as (
    select * from int_users_checked where exclusion_reason is null
),

-- Not materialised (read five times): a materialised copy of the kept lesson rows was the largest
-- buffer of the whole validation (100k learners: ~0.6 GB beside the checked tables).
kept_lessons as not materialized (
    select int_lesson_activity_checked.*
    from int_lesson_activity_checked, int_event_span as span
    where exclusion_reason is null and event_date between span.span_start and least(span.span_end, $as_of)
),

kept_quizzes as not materialized (
    select int_quiz_attempts_checked.*
    from int_quiz_attempts_checked, int_event_span as span
    where exclusion_reason is null and attempt_date between span.span_start and least(span.span_end, $as_of)
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

kept_enrolments as (
    select * from int_enrolments_checked where exclusion_reason is null
),

-- Learner-course pairs with activity and their first event line in each event file, only when
-- lms_enrolments.csv is given (the filter keeps the pass over the events out of runs without it).
active_pairs as (
    select
        events.user_id,
        modules.course_id,
        min(events.line_no) filter (events.source = 'lesson') as lesson_line,
        min(events.line_no) filter (events.source = 'quiz') as quiz_line
    from (
        select user_id, module_id, 'lesson' as source, line_no from kept_lessons
        union all
        select user_id, module_id, 'quiz', line_no from kept_quizzes
    ) as events
    join int_modules_checked as modules on events.module_id = modules.module_id
    where modules.exclusion_reason is null and exists (select 1 from int_enrolments_checked)
    group by all
),

unenrolled_pairs as (
    select * from active_pairs anti join kept_enrolments using (user_id, course_id)
),

unenrolled_example as (
    select format(
        'user ''{}'' in course ''{}'' ({} line {})',
        user_id,
        course_id,
        case when lesson_line is not null then 'lms_lesson_activity.csv' else 'lms_quiz_attempts.csv' end,
        coalesce(lesson_line, quiz_line)
    ) as example
    from unenrolled_pairs
    order by lesson_line nulls last, quiz_line
    limit 1
),

course_modules as (
    select course_id, count(*) as modules
    from int_modules_checked
    where exclusion_reason is null
    group by course_id
),

-- Kept ids of the reference files, with their case-folded form.
reference_ids as (
    select 'lms_users.csv' as file, 'user_id' as id_column, user_id as id, line_no from kept_users
    union all
    select 'lms_courses.csv', 'course_id', course_id, line_no from int_courses_checked where exclusion_reason is null
    union all
    select 'lms_modules.csv', 'module_id', module_id, line_no from int_modules_checked where exclusion_reason is null
),

folded_ids as (
    select file, id_column, lower(id) as folded, arg_min(id, line_no) as id, min(line_no) as line_no
    from reference_ids
    group by all
),

-- Rows of one reference file whose id has another spelling in that file that differs only in case.
case_twin_rows as (
    select reference_ids.*, lower(reference_ids.id) as folded
    from reference_ids
    semi join (
        select file, id_column, lower(id) as folded from reference_ids group by all having count(distinct id) > 1
    ) as twins on reference_ids.file = twins.file and reference_ids.id_column = twins.id_column
        and lower(reference_ids.id) = twins.folded
),

case_twin_spellings as (
    select file, id_column, folded, id, min(line_no) as line_no from case_twin_rows group by all
),

-- Per file: the first two spellings (and the line each first appears on) of the first such id.
case_twin_first as (
    select file, id_column, arg_min(folded, line_no) as folded from case_twin_spellings group by all
),

case_twin_example as (
    select file, id_column, string_agg(format('''{}'' (line {})', id, line_no), ' and ' order by line_no) as example
    from (
        select * from case_twin_spellings semi join case_twin_first using (file, id_column, folded)
        qualify row_number() over (partition by file, id_column order by line_no) <= 2
    )
    group by all
),

-- Rows left out because their id is unknown, although a kept id matches it once case is ignored.
case_mismatch_rows as (
    select 'lms_lesson_activity.csv' as file, 'user_id' as id_column, user_id as id, line_no, 'lms_users.csv' as ref_file
    from int_lesson_activity_checked where exclusion_reason = 'unknown_user'
    union all
    select 'lms_quiz_attempts.csv', 'user_id', user_id, line_no, 'lms_users.csv'
    from int_quiz_attempts_checked where exclusion_reason = 'unknown_user'
    union all
    select 'lms_lesson_activity.csv', 'module_id', module_id, line_no, 'lms_modules.csv'
    from int_lesson_activity_checked where exclusion_reason = 'unknown_module'
    union all
    select 'lms_quiz_attempts.csv', 'module_id', module_id, line_no, 'lms_modules.csv'
    from int_quiz_attempts_checked where exclusion_reason = 'unknown_module'
    union all
    select 'lms_modules.csv', 'course_id', course_id, line_no, 'lms_courses.csv'
    from int_modules_checked where exclusion_reason = 'unknown_course'
    union all
    select 'lms_enrolments.csv', 'user_id', user_id, line_no, 'lms_users.csv'
    from int_enrolments_checked where exclusion_reason = 'unknown_user'
    union all
    select 'lms_enrolments.csv', 'course_id', course_id, line_no, 'lms_courses.csv'
    from int_enrolments_checked where exclusion_reason = 'unknown_course'
),

case_mismatches as (
    select rows.file, rows.id_column, rows.id, rows.line_no, rows.ref_file, known.id as known_id,
        known.line_no as known_line
    from case_mismatch_rows as rows
    join folded_ids as known
        on known.file = rows.ref_file and known.id_column = rows.id_column and known.folded = lower(rows.id)
),

case_mismatch_example as (
    select file, id_column,
        arg_min(format('''{}'' (line {}) and ''{}'' ({} line {})', id, line_no, known_id, ref_file, known_line), line_no)
            as example
    from case_mismatches
    group by all
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
    union all
    select file, id_column || ' values differ only in letter case, e.g. ' || example, line_no
    from case_twin_rows join case_twin_example using (file, id_column)
    union all
    select file, id_column || ' unknown, but matches a kept id when letter case is ignored (row excluded), e.g. '
        || example, line_no
    from case_mismatches join case_mismatch_example using (file, id_column)
    union all
    select 'lms_enrolments.csv', 'blank enrolled_at (kept; enrolment date unknown)', line_no
    from kept_enrolments where enrolled_at is null
    union all
    select 'lms_enrolments.csv', 'status_at before enrolled_at', line_no
    from kept_enrolments where status_at < enrolled_at
    union all
    select 'lms_enrolments.csv', 'status_at after the export was written', line_no
    from kept_enrolments, int_event_span as span where status_on > span.written_on + 1
),

-- Counted per learner-course pair: no line of lms_enrolments.csv holds them.
pair_findings as (
    select
        'lms_enrolments.csv' as file,
        'activity in a course without an enrolment row (learner-course pairs), e.g. ' || example as check_name,
        count(*) as rows,
        []::integer[] as first_lines
    from unenrolled_pairs, unenrolled_example
    group by all
),

final as (
    select file, check_name, count(*) as rows, list(line_no order by line_no)[1:5] as first_lines
    from findings
    group by all
    union all
    select * from pair_findings
)

select * from final order by file, check_name
