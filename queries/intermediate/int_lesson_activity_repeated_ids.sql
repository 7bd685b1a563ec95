-- int_lesson_activity_repeated_ids: the activity ids on more than one row of lms_lesson_activity.csv (after
-- lumen_trim, as stg_lesson_activity trims them; read from raw_lesson_activity_numbered, so the staging
-- model's parsing is not run for it), with the first line each is on; int_lesson_activity_checked
-- excludes the later rows as 'duplicate_id'. Built before it, in its own statement
-- (queries/macros/lumen_checked_events.sql).
-- Grain: one row per repeated activity id.
-- Columns: lumen_event_id (the trimmed activity_id), first_line
select * from lumen_repeated_event_ids('raw_lesson_activity_numbered', 'activity_id')
