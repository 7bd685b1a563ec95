-- int_event_span: the export's span, the dates its learner events can really lie in. Kept events
-- dated outside it are excluded downstream as 'outside_span' (like the as-of cut: the checked
-- models stay before both cuts), so a mistyped date never moves the as-of date or the week grid.
-- Grain: one row.
-- Columns: span_start, span_end (DATE; NULL when no kept event is left), written_on (DATE: the day the
--   event files were written, in LUMEN_TZ), run_gap_days, min_run_share (the rule's constants)
-- Parameters: $written_at (TIMESTAMPTZ): when the event files were written (their newest
--   modification time, never later than now)
-- The rule, on the kept events of both event files counted per day:
--   1. Days after written_on + 1 are out: nothing can be dated after the file holding it was
--      written (the extra day absorbs a time-zone or clock difference between the LMS and here).
--   2. The remaining event days split into runs wherever two consecutive event days are more than
--      run_gap_days (90) apart: a mistyped year (1900, 2031) or a day/month swap lands far from
--      the rest, while a sparse last week, a holiday or a summer break stays inside its run.
--   3. The span is the latest run holding at least min_run_share (10%) of those events, else the
--      largest run: a handful of outliers never holds a tenth of an export, and a new cohort after
--      a long break is kept rather than an older, larger one.
-- Per-day counts read only the two date columns: one pass over the checked tables, no sort of rows.
with

constants as (
    select 90 as run_gap_days, 0.10 as min_run_share, ($written_at::TIMESTAMPTZ)::DATE as written_on
),

event_days as (
    select event_date as day, count(*) as events
    from (
        select event_date from int_lesson_activity_checked where exclusion_reason is null
        union all
        select attempt_date from int_quiz_attempts_checked where exclusion_reason is null
    )
    group by day
),

written_days as (
    select event_days.*
    from event_days, constants
    where event_days.day <= constants.written_on + 1
),

run_starts as (
    select
        day,
        events,
        coalesce(day - lag(day) over (order by day) > (select run_gap_days from constants), true) as starts_run
    from written_days
),

runs as (
    select
        min(day) as run_start,
        max(day) as run_end,
        sum(events) as events
    from (select *, sum(starts_run::integer) over (order by day) as run_no from run_starts)
    group by run_no
),

chosen as (
    select run_start, run_end
    from runs
    order by
        events >= (select min_run_share from constants) * (select sum(events) from runs) desc,
        case when events >= (select min_run_share from constants) * (select sum(events) from runs)
            then run_end end desc nulls last,
        events desc,
        run_end desc
    limit 1
),

final as (
    select
        chosen.run_start as span_start,
        chosen.run_end as span_end,
        constants.written_on,
        constants.run_gap_days,
        constants.min_run_share
    from constants
    left join chosen on true
)

select * from final
