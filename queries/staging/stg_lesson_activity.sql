-- stg_lesson_activity: lms_lesson_activity.csv renamed, trimmed (lumen_trim: all surrounding whitespace) and typed. No joins, nothing dropped.
-- Grain: one row per data row of lms_lesson_activity.csv.
-- Columns: line_no, activity_id, user_id, module_id,
--   status (trimmed, lower-cased; 'in progress' / 'in-progress' -> 'in_progress'),
--   progress (DOUBLE or NULL when not a finite number), event_ts (TIMESTAMPTZ or NULL),
--   event_date (DATE in LUMEN_TZ)
-- Parameters: $day_first (0 or 1): slash dates are D/M/YYYY when 1, else M/D/YYYY (the order
--   decided for this file, src/analytics/date-order.ts)
with

-- line_no: the file line the record starts on (raw_lines_by_rowid / raw_lines_by_breaks).
source as (
    select * from raw_lesson_activity_numbered
),

renamed as (
    select
        -- ids
        line_no,
        lumen_trim(activity_id) as activity_id,
        lumen_trim(user_id) as user_id,
        lumen_trim(module_id) as module_id,

        -- enums and numerics
        -- Clean values skip the string functions: 10M rows, a few distinct statuses.
        case
            when status in ('started', 'in_progress', 'completed') then status
            else replace(replace(lower(lumen_trim(status)), ' ', '_'), '-', '_')
        end as status,
        lumen_parse_number(progress) as progress,

        -- timestamps
        lumen_parse_ts(event_time, $day_first) as event_ts
    from (select * replace (lumen_trim(event_time) as event_time) from source)
),

final as (
    select *, event_ts::date as event_date from renamed
)

select * from final
