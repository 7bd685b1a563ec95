-- stg_courses: lms_courses.csv renamed, trimmed and typed. No joins, nothing dropped.
-- Grain: one row per data row of lms_courses.csv.
-- Columns: line_no, course_id, course_name, category, created_at (TIMESTAMPTZ or NULL), created_at_text,
--   modules_required (INTEGER: completed modules the course needs; NULL when the optional column is
--   absent, blank or not a whole number), modules_required_text, ends_at (TIMESTAMPTZ or NULL: the
--   optional end of the course), ends_at_text
with

-- line_no: the file line the record starts on (raw_lines_by_rowid / raw_lines_by_breaks).
source as (
    select * from raw_courses_numbered
),

renamed as (
    select
        line_no,
        trim(course_id) as course_id,
        trim(course_name) as course_name,
        trim(category) as category,
        lumen_parse_ts(trim(created_at)) as created_at,
        trim(created_at) as created_at_text,
        try_cast(trim(modules_required) as integer) as modules_required,
        coalesce(trim(modules_required), '') as modules_required_text,
        lumen_parse_ts(trim(ends_at)) as ends_at,
        coalesce(trim(ends_at), '') as ends_at_text
    from source
)

select * from renamed
