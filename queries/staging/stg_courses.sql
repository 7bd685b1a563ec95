-- stg_courses: lms_courses.csv renamed, trimmed (lumen_trim: all surrounding whitespace) and typed. No joins, nothing dropped.
-- Grain: one row per data row of lms_courses.csv.
-- Columns: line_no, course_id, course_name, category, created_at (TIMESTAMPTZ or NULL), created_at_text,
--   modules_required (INTEGER: completed modules the course needs; NULL when the optional column is
--   absent, blank or not a whole number), modules_required_text, ends_at (TIMESTAMPTZ or NULL: the
--   optional end of the course), ends_at_text
-- Parameters: $day_first (0 or 1): slash dates are D/M/YYYY when 1, else M/D/YYYY (the order
--   decided for this file, src/analytics/date-order.ts)
with

-- line_no: the file line the record starts on (raw_lines_by_rowid / raw_lines_by_breaks).
source as (
    select * from raw_courses_numbered
),

renamed as (
    select
        line_no,
        lumen_trim(course_id) as course_id,
        lumen_trim(course_name) as course_name,
        lumen_trim(category) as category,
        lumen_parse_ts(lumen_trim(created_at), $day_first) as created_at,
        lumen_trim(created_at) as created_at_text,
        try_cast(lumen_trim(modules_required) as integer) as modules_required,
        coalesce(lumen_trim(modules_required), '') as modules_required_text,
        lumen_parse_ts(lumen_trim(ends_at), $day_first) as ends_at,
        coalesce(lumen_trim(ends_at), '') as ends_at_text
    from source
)

select * from renamed
