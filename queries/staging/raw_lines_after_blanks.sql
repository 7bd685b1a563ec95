-- raw_lines_after_blanks: a numbered raw_<source> (raw_lines_by_rowid / raw_lines_by_breaks, which do
-- not count blank lines) moved down by the blank lines above each record, for a file with blank
-- lines between records: each record takes the blank_lines of the run of raw_blank_lines whose
-- [line_no, next_line_no) holds it, none before the first run. A range join: with a few runs DuckDB
-- streams it as a nested loop (no sort of the file's rows, unlike an ASOF join or a running sum).
-- Grain: one row per data row of the file.
-- Columns: line_no (the file line the record starts on, header = line 1), the other columns of the
--   numbered view unchanged
-- A template: load.ts defines it as the view raw_<source>_numbered, with raw_source (the numbered
-- view, raw_<source>_lines) and raw_blank_lines (the table raw_<source>_blank_lines) filled in.
select
    counted.line_no + coalesce(blanks.blank_lines, 0) as line_no,
    counted.* exclude (line_no)
from raw_source as counted
left join raw_blank_lines as blanks
    on counted.line_no >= blanks.line_no and counted.line_no < blanks.next_line_no
