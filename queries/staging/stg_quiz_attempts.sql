-- stg_quiz_attempts: lms_quiz_attempts.csv renamed, trimmed (lumen_trim, ids lumen_trim_id: all surrounding whitespace) and typed. No joins, nothing dropped.
-- Grain: one row per data row of lms_quiz_attempts.csv. No attempt_id: int_quiz_attempts_id_problems
--   checks it, and validate.ts drops it from the raw table before this view is read.
-- Columns: line_no, user_id, module_id, score (DOUBLE or NULL when not a finite number),
--   attempt_ts (TIMESTAMPTZ or NULL), attempt_date (DATE in LUMEN_TZ)
-- Parameters: $day_first (0 or 1): slash dates are D/M/YYYY when 1, else M/D/YYYY (the order
--   decided for this file, src/analytics/date-order.ts)
with

-- line_no: the file line the record starts on (raw_lines_by_rowid / raw_lines_by_breaks).
source as (
    select * from raw_quiz_attempts_numbered
),

renamed as (
    select
        line_no,
        lumen_trim_id(user_id) as user_id,
        lumen_trim_id(module_id) as module_id,
        lumen_parse_number(score) as score,
        lumen_parse_ts(lumen_trim(attempt_date), $day_first) as attempt_ts
    from source
),

final as (
    select *, attempt_ts::date as attempt_date from renamed
)

select * from final
