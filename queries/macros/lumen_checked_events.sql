-- Purpose: the row checks of the two event files, shared (one definition, not two copies).
-- lumen_event_id_problems(source, id_column): table macro; the rows of the numbered raw table
--   `source` (raw_<file>_numbered) whose id (after lumen_trim_id, as the staging model would trim
--   it) is blank, or repeats an id first seen on an earlier line (a 'duplicate_id'). Its own
--   statement (int_<file>_id_problems), before the checked table: it reads the raw table, not the
--   staging model (none of the staging model's parsing joins run for it), and it is the only reader
--   of the id column, which validate.ts then drops from the raw table (100k learners: ~0.2 GB less
--   beside the checked table being written); its 10M-row sort is gone before that table is written.
--   Grain: one row per data row with an id problem. Columns: line_no, id_blank (the trimmed id is
--   '', or the field is empty), id_repeated (a later row of a repeated id).
-- lumen_checked_events(events, id_problems, id_column, time_column, time_label, value_column): table
--   macro; every row of the event file's staging model `events` (stg_lesson_activity or
--   stg_quiz_attempts, which have no id column) with the reason it is excluded (NULL = kept) and
--   the source column that reason names. id_problems: that file's lumen_event_id_problems table.
--   id_column: the file's id column (reported for id problems); time_column / value_column: the
--   model's parsed time and 0-100 value columns; time_label: the time's column in the source file
--   (reported instead of the parsed column).
-- Grain: one row per data row of the file. Columns: <events>.*, exclusion_reason, exclusion_column.
-- Reasons are tried in order; a row with several problems counts once, under the first.
-- Reads int_learner_roles and int_modules_checked (bound when called, so they may be built later).
-- The checked event tables keep exclusion_reason and exclusion_column as these ENUMs (1 byte a row
-- instead of a 16-byte string: 100k learners, ~0.28 GB less); readers compare them with text and
-- get text where they mix them with other text (dq_exclusions).
CREATE TYPE lumen_event_exclusion AS ENUM (
    'staff_account', 'unknown_user', 'unknown_module', 'unparseable_value', 'out_of_range', 'duplicate_id'
);
CREATE TYPE lumen_event_column AS ENUM (
    'user_id', 'module_id', 'activity_id', 'event_time', 'progress', 'attempt_id', 'attempt_date', 'score'
);

CREATE OR REPLACE MACRO lumen_event_id_problems(source, id_column) AS TABLE
with

-- Only the line and the id, trimmed as stg_<file> trims its other ids (lumen_trim_id); an empty field
-- (NULL) is a blank id like a whitespace-only one. Not materialised: read twice.
event_ids as not materialized (
    select line_no, coalesce(lumen_trim_id(columns('^' || id_column || '$')), '') as lumen_event_id from query_table(source)
),

-- 64-bit hashes, sorted: a hash repeats where it equals the one before it. On 9.5M nearly unique
-- ids the sort measured about half the CPU of grouping them (hash group: 9.5M groups); the few rows
-- whose hash repeats are then grouped by the id itself, so hash collisions cannot cause errors.
sorted_hashes as (
    select id_hash, lag(id_hash) over (order by id_hash) as previous_hash
    from (select hash(lumen_event_id) as id_hash from event_ids)
),

repeated_hashes as (
    select distinct id_hash from sorted_hashes where id_hash = previous_hash
),

-- The few rows that may have a problem: a blank id, or an id whose hash repeats.
candidate_rows as (
    select line_no, lumen_event_id
    from event_ids
    where lumen_event_id = '' or hash(lumen_event_id) in (select id_hash from repeated_hashes)
),

repeated_ids as (
    select lumen_event_id, min(line_no) as first_line
    from candidate_rows
    group by lumen_event_id
    having count(*) > 1
),

flagged as (
    select
        candidate_rows.line_no,
        candidate_rows.lumen_event_id = '' as id_blank,
        candidate_rows.line_no > repeated_ids.first_line as id_repeated
    from candidate_rows
    left join repeated_ids on candidate_rows.lumen_event_id = repeated_ids.lumen_event_id
)

select line_no, coalesce(id_blank, false) as id_blank, coalesce(id_repeated, false) as id_repeated
from flagged
where id_blank or id_repeated;

CREATE OR REPLACE MACRO lumen_checked_events(events, id_problems, id_column, time_column, time_label, value_column) AS TABLE
with

-- Not materialised: read once, by `checked` (a materialised copy of every staging column was the
-- statement's largest buffer: 100k learners, ~1.3 GB beside the result).
event_rows as not materialized (
    select
        *,
        columns('^' || time_column || '$') as lumen_event_time,
        columns('^' || value_column || '$') as lumen_event_value
    from query_table(events)
),

kept_modules as (
    select module_id from int_modules_checked where exclusion_reason is null
),

checked as (
    select
        event_rows.* exclude (lumen_event_time, lumen_event_value),
        case
            when roles.is_learner = false then 'staff_account'
            when roles.is_kept is not true then 'unknown_user'
            when kept_modules.module_id is null then 'unknown_module'
            when id_problems.id_blank or event_rows.lumen_event_time is null
                or event_rows.lumen_event_value is null
                then 'unparseable_value'
            when event_rows.lumen_event_value < 0 or event_rows.lumen_event_value > 100 then 'out_of_range'
            when id_problems.id_repeated then 'duplicate_id'
        end::lumen_event_exclusion as exclusion_reason,
        case
            when roles.is_learner = false or roles.is_kept is not true then 'user_id'
            when kept_modules.module_id is null then 'module_id'
            when id_problems.id_blank then id_column
            when event_rows.lumen_event_time is null then time_label
            when event_rows.lumen_event_value is null or event_rows.lumen_event_value < 0
                or event_rows.lumen_event_value > 100
                then value_column
            when id_problems.id_repeated then id_column
        end::lumen_event_column as exclusion_column
    from event_rows
    left join int_learner_roles as roles on event_rows.user_id = roles.user_id
    left join kept_modules on event_rows.module_id = kept_modules.module_id
    left join query_table(id_problems) as id_problems on event_rows.line_no = id_problems.line_no
)

select * from checked
