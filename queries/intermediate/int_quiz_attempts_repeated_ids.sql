-- int_quiz_attempts_repeated_ids: the attempt ids on more than one row of lms_quiz_attempts.csv (after
-- lumen_trim, as stg_quiz_attempts trims them; read from raw_quiz_attempts_numbered, so the staging
-- model's parsing is not run for it), with the first line each is on; int_quiz_attempts_checked
-- excludes the later rows as 'duplicate_id'. Built before it, in its own statement
-- (queries/macros/lumen_checked_events.sql).
-- Grain: one row per repeated attempt id.
-- Columns: lumen_event_id (the trimmed attempt_id), first_line
select * from lumen_repeated_event_ids('raw_quiz_attempts_numbered', 'attempt_id')
