-- raw_date_order_evidence: what one date column of a numbered raw file says about its day/month
-- order (lumen_slash_order_hint): the first line of each kind of slash date, and its text.
-- Grain: one row.
-- Columns: dmy_line, dmy_value (first date only valid as D/M/YYYY), mdy_line, mdy_value (only valid
--   as M/D/YYYY), either_line, either_value (valid both ways, day <> month); NULL when none
-- A template: load.ts defines it as a view with raw_source (raw_<source>_numbered) and date_column
-- (the contract column) filled in. The hint is worked out per distinct text: an event file holds a
-- few hundred distinct dates in millions of rows (measured 5x cheaper than per row, about a fifth of
-- parsing the column once).
with

distinct_dates as (
    select date_column as value, min(line_no) as line_no
    from raw_source
    where contains(date_column, '/') and length(date_column) <= 16
    group by date_column
),

hinted as (
    select value, line_no, lumen_slash_order_hint(value) as hint from distinct_dates
)

select
    min(line_no) filter (hint = 'dmy') as dmy_line,
    arg_min(value, line_no) filter (hint = 'dmy') as dmy_value,
    min(line_no) filter (hint = 'mdy') as mdy_line,
    arg_min(value, line_no) filter (hint = 'mdy') as mdy_value,
    min(line_no) filter (hint = 'either') as either_line,
    arg_min(value, line_no) filter (hint = 'either') as either_value
from hinted
