-- Purpose: scalar macros shared by the staging models. Loaded once per connection.
-- lumen_parse_ts(trimmed text, day_first) -> TIMESTAMPTZ (NULL when unparseable). Accepts
--   M/D/YYYY (the LMS export; D/M/YYYY when day_first = 1, the file's order as load.ts and
--   src/analytics/date-order.ts decided it), YYYY-MM-DD, and ISO-8601 date-times with 'T' or a space,
--   optional seconds and fraction, optional offset Z, +HH, +HHMM or +HH:MM.
--   Naive values are wall-clock times in the session TimeZone (LUMEN_TZ); date-only values
--   mean local midnight.
-- lumen_parse_number(text) -> DOUBLE (NULL when not a finite number).
-- lumen_trim(text) -> text without surrounding whitespace: spaces, tabs, line breaks, vertical tab,
--   form feed and no-break space (DuckDB's trim() strips spaces only). Used for every id and text
--   field, so ids that differ only by a trailing tab are one id.
-- lumen_trim_id(text) -> lumen_trim(text), cheaper per row, for the event files' id columns.
-- lumen_slash_order_hint(text) -> what one slash date says about the day/month order: 'dmy' (first
--   field 13-31: a day), 'mdy' (second field 13-31), 'either' (day and month differ, both 1-12: the
--   order changes the date), NULL (not a slash date, or the same either way).
-- lumen_line_breaks(text) -> INTEGER: the LF characters in a field (0 for NULL); a CRLF counts once.
-- lumen_csv_safe(text) -> text with a leading single quote when it starts with = + - @, tab, CR or the
--   full-width ＝ ＋ － ＠: the formula protection of every CSV (src/analytics/csv-safe.ts, the same
--   rule as csv-stringify's escape_formulas); Db.copyToCsv applies it to every text column.
-- lumen_csv_plain(text) -> the text before lumen_csv_safe: a leading single quote followed by a formula
--   start dropped (src/analytics/csv-safe.ts fromCsvSafe); for reading a run's own CSV files back.
CREATE OR REPLACE MACRO lumen_parse_number(s) AS (
  CASE WHEN isfinite(try_cast(trim(s) AS DOUBLE)) THEN try_cast(trim(s) AS DOUBLE) END
);

-- Clean values (nearly all) only pay for a match and are not copied: on 7M ids this measured about
-- 0.65x the time of DuckDB's trim(); trim(s, characters) was 3-4 times slower than trim().
CREATE OR REPLACE MACRO lumen_trim(s) AS (
  CASE
    WHEN regexp_matches(s, '^[\s\x{0B}\x{A0}]|[\s\x{0B}\x{A0}]$')
      THEN regexp_replace(s, '^[\s\x{0B}\x{A0}]+|[\s\x{0B}\x{A0}]+$', '', 'g')
    ELSE s
  END
);

-- lumen_trim_id: lumen_trim's result, for the id and status columns of the event files (millions of
-- rows, one call each): clean values only pay for a look at their first character and a few byte
-- suffix tests. The set is the regular expression's [\s\x{0B}\x{A0}] (RE2's \s is tab, LF, FF, CR
-- and space): 9-13, 32 and 160. On 9.5M rows x 3 id columns it measured ~1.0 s of CPU against ~2.4 s
-- for lumen_trim. Not for use inside other macros: it names s ten times, and a macro's argument is
-- copied wherever it is named (lumen_parse_ts(lumen_trim_id(x)) took ~1 s to bind).
CREATE OR REPLACE MACRO lumen_trim_id(s) AS (
  CASE
    WHEN ord(s) IN (9, 10, 11, 12, 13, 32, 160)
      OR suffix(s, ' ') OR suffix(s, chr(9)) OR suffix(s, chr(10)) OR suffix(s, chr(11))
      OR suffix(s, chr(12)) OR suffix(s, chr(13)) OR suffix(s, chr(160))
      THEN regexp_replace(s, '^[\s\x{0B}\x{A0}]+|[\s\x{0B}\x{A0}]+$', '', 'g')
    ELSE s
  END
);

CREATE OR REPLACE MACRO lumen_iso_parts(s) AS regexp_extract(
  s,
  '^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$',
  ['day', 'hh', 'mi', 'ss', 'frac', 'offset']
);

CREATE OR REPLACE MACRO lumen_offset_minutes(o) AS (
  CASE
    WHEN o = 'Z' THEN 0
    ELSE (CASE WHEN o[1] = '-' THEN -1 ELSE 1 END)
      * (try_cast(o[2:3] AS INTEGER) * 60 + coalesce(try_cast(nullif(replace(o[4:], ':', ''), '') AS INTEGER), 0))
  END
);

CREATE OR REPLACE MACRO lumen_parse_iso(p) AS (
  CASE
    WHEN p.day = '' THEN NULL
    WHEN p.offset = '' THEN
      try_cast(p.day || ' ' || coalesce(nullif(p.hh, ''), '00') || ':' || coalesce(nullif(p.mi, ''), '00') || ':'
        || coalesce(nullif(p.ss, ''), '00') || p.frac AS TIMESTAMP)::TIMESTAMPTZ
    ELSE timezone('UTC',
      try_cast(p.day || ' ' || p.hh || ':' || p.mi || ':' || coalesce(nullif(p.ss, ''), '00') || p.frac AS TIMESTAMP)
        - to_minutes(lumen_offset_minutes(p.offset)))
  END
);

-- Fast paths first: DuckDB's own cast reads most ISO forms; the regular expression only sees the
-- rest (offsets without seconds, +HH offsets). The shape check keeps words like 'infinity' out.
-- day_first is a constant (0 or 1) filled in per file, so only one branch runs.
CREATE OR REPLACE MACRO lumen_parse_ts(s, day_first) AS (
  CASE
    WHEN contains(s, '/') THEN
      CASE WHEN length(s) BETWEEN 8 AND 10 AND s[-5] = '/' THEN
        (CASE WHEN day_first = 1 THEN try_strptime(s, '%d/%m/%Y') ELSE try_strptime(s, '%m/%d/%Y') END)::TIMESTAMPTZ
      END
    WHEN length(s) >= 10 AND s[5] = '-' AND s[8] = '-' THEN
      coalesce(try_cast(s AS TIMESTAMPTZ), lumen_parse_iso(lumen_iso_parts(s)))
  END
);

-- Days in month m of year y (leap years included).
CREATE OR REPLACE MACRO lumen_days_in_month(m, y) AS (
  CASE
    WHEN m IN (4, 6, 9, 11) THEN 30
    WHEN m = 2 THEN CASE WHEN y % 4 = 0 AND (y % 100 <> 0 OR y % 400 = 0) THEN 29 ELSE 28 END
    ELSE 31
  END
);

-- a/b/y: only a value that is a real date in exactly one order is evidence (2/30/2026 and
-- 13/45/2026 are no date at all: they stay unparseable values, not a vote for an order).
CREATE OR REPLACE MACRO lumen_slash_hint_of(a, b, y) AS (
  CASE
    WHEN NOT (y BETWEEN 1000 AND 9999) THEN NULL
    WHEN a BETWEEN 13 AND 31 AND b BETWEEN 1 AND 12 AND a <= lumen_days_in_month(b, y) THEN 'dmy'
    WHEN b BETWEEN 13 AND 31 AND a BETWEEN 1 AND 12 AND b <= lumen_days_in_month(a, y) THEN 'mdy'
    WHEN a <> b AND a BETWEEN 1 AND 12 AND b BETWEEN 1 AND 12 THEN 'either'
  END
);

CREATE OR REPLACE MACRO lumen_slash_order_hint(s) AS (
  CASE WHEN contains(s, '/') THEN
    lumen_slash_hint_of(
      try_cast(split_part(s, '/', 1) AS INTEGER),
      try_cast(split_part(s, '/', 2) AS INTEGER),
      try_cast(split_part(s, '/', 3) AS INTEGER)
    )
  END
);

-- contains() first: fields without a line break (nearly all) skip the replace().
CREATE OR REPLACE MACRO lumen_line_breaks(s) AS (
  CASE WHEN contains(s, chr(10)) THEN (strlen(s) - strlen(replace(s, chr(10), '')))::INTEGER ELSE 0 END
);

-- A value's place among its peers in [0, 1], ties counted half: (peers below + (ties - 1) / 2) /
-- (peers - 1), from rank() (1 + peers below), the count of equal values and the group's size; 0.5
-- for a group of one.
CREATE OR REPLACE MACRO lumen_mid_rank(rank_in_group, ties, group_size) AS (
  CASE WHEN group_size > 1 THEN (rank_in_group - 1 + (ties - 1) / 2.0) / (group_size - 1) ELSE 0.5 END
);

CREATE OR REPLACE MACRO lumen_csv_safe(s) AS (
  CASE WHEN regexp_matches(s, '^[=+\-@\t\r\x{FF1D}\x{FF0B}\x{FF0D}\x{FF20}]') THEN '''' || s ELSE s END
);

CREATE OR REPLACE MACRO lumen_csv_plain(s) AS (
  CASE WHEN regexp_matches(s, '^''[=+\-@\t\r\x{FF1D}\x{FF0B}\x{FF0D}\x{FF20}]') THEN substr(s, 2) ELSE s END
);
