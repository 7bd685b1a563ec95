-- int_lesson_activity_checked: every lesson activity row with the reason it is excluded (NULL = kept),
-- before the as-of cut (see int_lesson_activity_validated).
-- Grain: one row per data row of lms_lesson_activity.csv.
-- Columns: stg_lesson_activity.* (no activity_id: only the checks read it, from int_lesson_activity_id_problems), exclusion_reason,
--   exclusion_column
-- The checks are the quiz attempts' too: queries/macros/lumen_checked_events.sql.
select * from lumen_checked_events('stg_lesson_activity', 'int_lesson_activity_id_problems', 'activity_id', 'event_ts', 'event_time', 'progress')
