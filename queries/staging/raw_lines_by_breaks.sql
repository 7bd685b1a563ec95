-- raw_lines_by_breaks: a raw_<source> view numbered with the file line each record starts on, for a
-- file where some quoted field holds a line break: each record starts lumen_line_breaks lines (the
-- LF characters inside its fields; CRLF counts once) plus one after the previous one.
-- Grain: one row per data row of the file (lumen_row: the record's index in file order, from 0; see
--   raw_lines_by_rowid).
-- Columns: line_no (header = line 1), raw_<source>.* but lumen_row (contract columns as text,
--   lumen_line_breaks)
-- A template: load.ts defines it as the view raw_<source>_numbered, with raw_source and $first_line
-- (the data's first line: 2 unless a quoted header name holds a line break) filled in.
select
    $first_line + lumen_row
        + coalesce(
            sum(lumen_line_breaks) over (order by lumen_row rows between unbounded preceding and 1 preceding), 0
        )::bigint as line_no,
    * exclude (lumen_row)
from raw_source
