-- int_lesson_activity_id_problems: the rows of lms_lesson_activity.csv whose activity_id (after lumen_trim_id) is blank
-- or repeats an id of an earlier line; int_lesson_activity_checked excludes them as 'unparseable_value' /
-- 'duplicate_id'. Read from raw_lesson_activity_numbered (the staging model has no id column), in its own
-- statement before the checked table; validate.ts then drops the id column from raw_lesson_activity
-- (queries/macros/lumen_checked_events.sql).
-- Grain: one row per data row with an id problem.
-- Columns: line_no, id_blank, id_repeated
select * from lumen_event_id_problems('raw_lesson_activity_numbered', 'activity_id')
