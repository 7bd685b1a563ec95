-- Purpose: the row checks of the two event files, shared (one definition, not two copies).
-- lumen_repeated_event_ids(source, id_column): table macro; the ids (after lumen_trim_id, as the staging
--   model trims them) of the numbered raw table `source` (raw_<file>_numbered) that appear on more
--   than one row, with the first line each is on (a later row with the id is a 'duplicate_id').
--   It reads the raw table, not the staging model, so that none of the staging model's parsing
--   joins run for it. Its own statement (int_<file>_repeated_ids), so that its 10M-row sort is gone
--   before the checked table is written (100k learners: ~0.6 GB less at the peak).
--   Grain: one row per repeated id. Columns: lumen_event_id, first_line.
-- lumen_checked_events(events, repeated, id_column, time_column, time_label, value_column): table
--   macro; every row of the event file's staging model `events` (stg_lesson_activity or
--   stg_quiz_attempts) with the reason it is excluded (NULL = kept) and the source column that
--   reason names. repeated: that model's lumen_repeated_event_ids table.
--   id_column / time_column / value_column: the model's id, parsed time and 0-100 value columns;
--   time_label: the time's column in the source file (reported instead of the parsed column).
-- Grain: one row per data row of the file. Columns: <events>.* except the id column (only the
--   checks read it: 100k learners, 150 MB less), exclusion_reason, exclusion_column.
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

CREATE OR REPLACE MACRO lumen_repeated_event_ids(source, id_column) AS TABLE
with

-- Only the line and the id, trimmed as stg_<file> trims it (lumen_trim_id). Not materialised: read twice.
event_ids as not materialized (
    select line_no, lumen_trim_id(columns('^' || id_column || '$')) as lumen_event_id from query_table(source)
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

repeated_ids as (
    select lumen_event_id, min(line_no) as first_line
    from event_ids
    semi join repeated_hashes on hash(event_ids.lumen_event_id) = repeated_hashes.id_hash
    group by lumen_event_id
    having count(*) > 1
)

select * from repeated_ids;

CREATE OR REPLACE MACRO lumen_checked_events(events, repeated, id_column, time_column, time_label, value_column) AS TABLE
with

-- Not materialised: read once, by `checked` (a materialised copy of every staging column was the
-- statement's largest buffer: 100k learners, ~1.3 GB beside the result).
event_rows as not materialized (
    select
        columns(c -> c <> id_column),
        columns('^' || id_column || '$') as lumen_event_id,
        columns('^' || time_column || '$') as lumen_event_time,
        columns('^' || value_column || '$') as lumen_event_value
    from query_table(events)
),

kept_modules as (
    select module_id from int_modules_checked where exclusion_reason is null
),

checked as (
    select
        event_rows.* exclude (lumen_event_id, lumen_event_time, lumen_event_value),
        case
            when roles.is_learner = false then 'staff_account'
            when roles.is_kept is not true then 'unknown_user'
            when kept_modules.module_id is null then 'unknown_module'
            when event_rows.lumen_event_id = '' or event_rows.lumen_event_time is null
                or event_rows.lumen_event_value is null
                then 'unparseable_value'
            when event_rows.lumen_event_value < 0 or event_rows.lumen_event_value > 100 then 'out_of_range'
            when event_rows.line_no > repeated_ids.first_line then 'duplicate_id'
        end::lumen_event_exclusion as exclusion_reason,
        case
            when roles.is_learner = false or roles.is_kept is not true then 'user_id'
            when kept_modules.module_id is null then 'module_id'
            when event_rows.lumen_event_id = '' then id_column
            when event_rows.lumen_event_time is null then time_label
            when event_rows.lumen_event_value is null or event_rows.lumen_event_value < 0
                or event_rows.lumen_event_value > 100
                then value_column
            when event_rows.line_no > repeated_ids.first_line then id_column
        end::lumen_event_column as exclusion_column
    from event_rows
    left join int_learner_roles as roles on event_rows.user_id = roles.user_id
    left join kept_modules on event_rows.module_id = kept_modules.module_id
    left join query_table(repeated) as repeated_ids on event_rows.lumen_event_id = repeated_ids.lumen_event_id
)

select * from checked
