-- int_courses_checked: every courses row with the reason it is excluded (NULL = kept).
-- Grain: one row per data row of lms_courses.csv.
-- Columns: stg_courses.*, exclusion_reason, exclusion_column
with

courses as (
    select * from stg_courses
),

repeated_ids as (
    select course_id, min(line_no) as first_line from courses group by course_id having count(*) > 1
),

checked as (
    select
        courses.*,
        case
            when courses.course_id = '' then 'unparseable_value'
            when courses.line_no > repeated_ids.first_line then 'duplicate_id'
        end as exclusion_reason,
        case when courses.course_id = '' or courses.line_no > repeated_ids.first_line then 'course_id' end
            as exclusion_column
    from courses
    left join repeated_ids on courses.course_id = repeated_ids.course_id
)

select * from checked
