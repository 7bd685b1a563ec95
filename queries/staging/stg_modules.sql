-- stg_modules: lms_modules.csv renamed, trimmed (lumen_trim: all surrounding whitespace) and typed. No joins, nothing dropped.
-- Grain: one row per data row of lms_modules.csv.
-- Columns: line_no, module_id, course_id, module_name, sequence_no (INTEGER or NULL),
--   sequence_no_text, content_type (NULL when the optional column is absent),
--   required (BOOLEAN: true/yes/1 or false/no/0; NULL when absent, blank or anything else),
--   required_text
with

-- line_no: the file line the record starts on (raw_lines_by_rowid / raw_lines_by_breaks).
source as (
    select * from raw_modules_numbered
),

renamed as (
    select
        line_no,
        lumen_trim(module_id) as module_id,
        lumen_trim(course_id) as course_id,
        lumen_trim(module_name) as module_name,
        try_cast(lumen_trim(sequence_no) as integer) as sequence_no,
        lumen_trim(sequence_no) as sequence_no_text,
        nullif(lumen_trim(content_type), '') as content_type,
        case
            when lower(lumen_trim(required)) in ('true', 'yes', 'y', '1') then true
            when lower(lumen_trim(required)) in ('false', 'no', 'n', '0') then false
        end as required,
        coalesce(lumen_trim(required), '') as required_text
    from source
)

select * from renamed
