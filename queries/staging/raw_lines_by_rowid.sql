-- raw_lines_by_rowid: a raw_<source> view numbered with the file line each record starts on, for a
-- file where no field holds a line break, so every record after the header is one line.
-- Grain: one row per data row of the file (lumen_row: the record's index in file order, from 0; the
--   raw table's rowid, written with insertion order preserved, or the row number in its Parquet file).
-- Columns: line_no (header = line 1), raw_<source>.* but lumen_row (contract columns as text, and
--   lumen_line_breaks when load.ts counted them)
-- A template: load.ts defines it as the view raw_<source>_numbered, with raw_source and $first_line
-- (the data's first line: 2 unless a quoted header name holds a line break) filled in.
select $first_line + lumen_row as line_no, * exclude (lumen_row) from raw_source
