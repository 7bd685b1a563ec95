-- int_modules_checked: every modules row with the reason it is excluded (NULL = kept).
-- Grain: one row per data row of lms_modules.csv.
-- Columns: stg_modules.*, exclusion_reason, exclusion_column
with

modules as (
    select * from stg_modules
),

kept_courses as (
    select distinct course_id from int_courses_checked where exclusion_reason is null
),

repeated_ids as (
    select module_id, min(line_no) as first_line from modules group by module_id having count(*) > 1
),

checked as (
    select
        modules.*,
        case
            when kept_courses.course_id is null then 'unknown_course'
            when modules.module_id = '' or modules.sequence_no is null then 'unparseable_value'
            when modules.line_no > repeated_ids.first_line then 'duplicate_id'
        end as exclusion_reason,
        case
            when kept_courses.course_id is null then 'course_id'
            when modules.module_id = '' then 'module_id'
            when modules.sequence_no is null then 'sequence_no'
            when modules.line_no > repeated_ids.first_line then 'module_id'
        end as exclusion_column
    from modules
    left join kept_courses on modules.course_id = kept_courses.course_id
    left join repeated_ids on modules.module_id = repeated_ids.module_id
)

select * from checked
