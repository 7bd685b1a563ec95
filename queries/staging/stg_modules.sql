-- stg_modules: lms_modules.csv renamed, trimmed and typed. No joins, nothing dropped.
-- Grain: one row per data row of lms_modules.csv.
-- Columns: line_no, module_id, course_id, module_name, sequence_no (INTEGER or NULL),
--   sequence_no_text, content_type (NULL when the optional column is absent)
with

source as (
    select rowid as row_index, * from raw_modules
),

renamed as (
    select
        row_index + 2 as line_no,
        trim(module_id) as module_id,
        trim(course_id) as course_id,
        trim(module_name) as module_name,
        try_cast(trim(sequence_no) as integer) as sequence_no,
        trim(sequence_no) as sequence_no_text,
        nullif(trim(content_type), '') as content_type
    from source
)

select * from renamed
