-- stg_enrolments: lms_enrolments.csv renamed, trimmed (lumen_trim: all surrounding whitespace) and typed. No joins, nothing dropped.
-- Grain: one row per data row of lms_enrolments.csv (none when the optional file is not given:
--   load.ts then makes raw_enrolments empty, with the contract columns).
-- Columns: line_no, user_id, course_id,
--   status (normalised: 'active' | 'completed' | 'failed' | 'withdrawn'; NULL when not recognised),
--   status_text (as written, trimmed), enrolled_at, status_at (TIMESTAMPTZ, NULL when blank or
--   unparseable), enrolled_on, status_on (DATE in LUMEN_TZ), final_score (DOUBLE, NULL when blank or
--   not a finite number), enrolled_at_text, status_at_text, final_score_text ('' when blank)
-- Parameters: $day_first (0 or 1): slash dates are D/M/YYYY when 1, else M/D/YYYY (the order
--   decided for this file, src/analytics/date-order.ts)
-- Status: lower-cased, '_' and '-' read as a space, runs of spaces as one. completed: completed,
--   complete, passed, pass, distinction, merit, finished, graduated; failed: failed, fail, not
--   passed, did not pass; withdrawn: withdrawn, withdraw, withdrew, dropped, dropped out, cancelled,
--   canceled, unenrolled, unenroled, deregistered, unregistered, deleted; active: active, enrolled,
--   in progress, registered, current, ongoing, invited, started, not started.
with

-- line_no: the file line the record starts on (raw_lines_by_rowid / raw_lines_by_breaks).
source as (
    select * from raw_enrolments_numbered
),

renamed as (
    select
        -- ids
        line_no,
        lumen_trim(user_id) as user_id,
        lumen_trim(course_id) as course_id,

        -- enums and numerics
        coalesce(lumen_trim(status), '') as status_text,
        regexp_replace(lower(coalesce(lumen_trim(status), '')), '[\s_-]+', ' ', 'g') as status_words,
        lumen_parse_number(final_score) as final_score,
        coalesce(lumen_trim(final_score), '') as final_score_text,

        -- timestamps
        lumen_parse_ts(lumen_trim(enrolled_at), $day_first) as enrolled_at,
        lumen_parse_ts(lumen_trim(status_at), $day_first) as status_at,
        coalesce(lumen_trim(enrolled_at), '') as enrolled_at_text,
        coalesce(lumen_trim(status_at), '') as status_at_text
    from source
),

final as (
    select
        line_no,
        user_id,
        course_id,
        case
            when status_words in (
                'completed', 'complete', 'passed', 'pass', 'distinction', 'merit', 'finished', 'graduated'
            ) then 'completed'
            when status_words in ('failed', 'fail', 'not passed', 'did not pass') then 'failed'
            when status_words in (
                'withdrawn', 'withdraw', 'withdrew', 'dropped', 'dropped out', 'cancelled', 'canceled',
                'unenrolled', 'unenroled', 'deregistered', 'unregistered', 'deleted'
            ) then 'withdrawn'
            when status_words in (
                'active', 'enrolled', 'in progress', 'registered', 'current', 'ongoing', 'invited', 'started',
                'not started'
            ) then 'active'
        end as status,
        status_text,
        enrolled_at,
        enrolled_at::date as enrolled_on,
        status_at,
        status_at::date as status_on,
        final_score,
        enrolled_at_text,
        status_at_text,
        final_score_text
    from renamed
)

select * from final
