-- int_quiz_attempts_id_problems: the rows of lms_quiz_attempts.csv whose attempt_id (after lumen_trim_id) is blank
-- or repeats an id of an earlier line; int_quiz_attempts_checked excludes them as 'unparseable_value' /
-- 'duplicate_id'. Read from raw_quiz_attempts_numbered (the staging model has no id column), in its own
-- statement before the checked table; validate.ts then drops the id column from raw_quiz_attempts
-- (queries/macros/lumen_checked_events.sql).
-- Grain: one row per data row with an id problem.
-- Columns: line_no, id_blank, id_repeated
select * from lumen_event_id_problems('raw_quiz_attempts_numbered', 'attempt_id')
