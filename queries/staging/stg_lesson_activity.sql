-- stg_lesson_activity: lms_lesson_activity.csv renamed, trimmed (lumen_trim, ids lumen_trim_id: all surrounding whitespace) and typed. No joins, nothing dropped.
-- Grain: one row per data row of lms_lesson_activity.csv. No activity_id: int_lesson_activity_id_problems
--   checks it, and validate.ts drops it from the raw table before this view is read.
-- Columns: line_no, user_id, module_id,
--   status (trimmed, lower-cased; 'in progress' / 'in-progress' -> 'in_progress'),
--   progress (DOUBLE or NULL when not a finite number), event_ts (TIMESTAMPTZ or NULL),
--   event_date (DATE in LUMEN_TZ)
-- Parameters: $day_first (0 or 1): slash dates are D/M/YYYY when 1, else M/D/YYYY (the order
--   decided for this file, src/analytics/date-order.ts)
with

-- line_no: the file line the record starts on (raw_lines_by_rowid / raw_lines_by_breaks).
-- Not materialised: read three times (the two distinct-text passes read one column each), DuckDB
-- would otherwise keep a full copy of the raw text table (100k learners: ~1 GB) for the statement.
source as not materialized (
    select * from raw_lesson_activity_numbered
),

-- Times and numbers are parsed once per distinct text: a date-only export holds a few hundred
-- distinct event_time texts and a few thousand progress texts in millions of rows (100k learners,
-- 9.5M rows: the parsing projection measured 17.5 s of the 23.5 s checked model at load 9).
-- The date too: the TIMESTAMPTZ -> DATE cast goes through the time zone (ICU), per row it measured
-- about 1 s of CPU on 9.5M rows.
parsed_times as (
    select event_time, event_ts, event_ts::date as event_date
    from (
        select event_time, lumen_parse_ts(lumen_trim(event_time), $day_first) as event_ts
        from (select distinct event_time from source)
    )
),

parsed_progress as (
    select progress, lumen_parse_number(progress) as progress_value
    from (select distinct progress from source)
),

renamed as (
    select
        -- ids
        source.line_no,
        lumen_trim_id(source.user_id) as user_id,
        lumen_trim_id(source.module_id) as module_id,

        -- enums and numerics
        -- Clean values skip the string functions: 10M rows, a few distinct statuses.
        case
            when source.status in ('started', 'in_progress', 'completed') then source.status
            else replace(replace(lower(lumen_trim(source.status)), ' ', '_'), '-', '_')
        end as status,
        parsed_progress.progress_value as progress,

        -- timestamps
        parsed_times.event_ts,
        parsed_times.event_date
    from source
    left join parsed_times on source.event_time = parsed_times.event_time
    left join parsed_progress on source.progress = parsed_progress.progress
),

final as (
    select * from renamed
)

select * from final
