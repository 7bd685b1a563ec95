-- raw_blank_lines: where one file's blank lines fall between its records. DuckDB's CSV reader skips
-- blank lines (a blank line inside a quoted field is data, not one of these), so the numbered
-- views raw_lines_by_rowid / raw_lines_by_breaks count as if the file had none; load.ts finds them
-- with a byte scan and keeps this as the table raw_<source>_blank_lines.
-- Grain: one row per run of blank lines that is followed by a record (blank lines at the end of
--   the file are left out).
-- Columns: line_no (the line the record after the run gets from raw_lines_by_rowid /
--   raw_lines_by_breaks, which do not count blank lines), next_line_no (the same for the next run;
--   the largest BIGINT for the last run), blank_lines (the blank lines before that record, counted
--   from the top of the file)
with

runs as (
    select
        unnest($line_nos::BIGINT[]) as line_no,
        unnest($blank_lines::BIGINT[]) as blank_lines
)

select
    line_no,
    coalesce(lead(line_no) over (order by line_no), 9223372036854775807) as next_line_no,
    blank_lines
from runs
