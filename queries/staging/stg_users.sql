-- stg_users: lms_users.csv renamed, trimmed (lumen_trim: all surrounding whitespace) and typed. No joins, nothing dropped.
-- Grain: one row per data row of lms_users.csv.
-- Columns: line_no, user_id, first_name, last_name, email, department, role, is_learner,
--   created_at (TIMESTAMPTZ, NULL when blank or unparseable), updated_at, created_at_text, updated_at_text
-- Parameters: $day_first (0 or 1): slash dates are D/M/YYYY when 1, else M/D/YYYY (the order
--   decided for this file, src/analytics/date-order.ts)
with

-- line_no: the file line the record starts on (raw_lines_by_rowid / raw_lines_by_breaks).
source as (
    select * from raw_users_numbered
),

renamed as (
    select
        -- ids
        line_no,
        lumen_trim(user_id) as user_id,

        -- text
        lumen_trim(first_name) as first_name,
        lumen_trim(last_name) as last_name,
        lumen_trim(email) as email,
        lumen_trim(department) as department,
        lower(lumen_trim(role)) as role,
        lower(lumen_trim(role)) in ('learner', 'student') as is_learner,

        -- timestamps
        lumen_parse_ts(lumen_trim(created_at), $day_first) as created_at,
        lumen_parse_ts(lumen_trim(updated_at), $day_first) as updated_at,
        lumen_trim(created_at) as created_at_text,
        lumen_trim(updated_at) as updated_at_text
    from source
)

select * from renamed
