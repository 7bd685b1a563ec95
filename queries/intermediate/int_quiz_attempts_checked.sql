-- int_quiz_attempts_checked: every quiz attempt row with the reason it is excluded (NULL = kept),
-- before the as-of cut (see int_quiz_attempts_validated).
-- Grain: one row per data row of lms_quiz_attempts.csv.
-- Columns: stg_quiz_attempts.* (no attempt_id: only the checks read it, from int_quiz_attempts_id_problems), exclusion_reason,
--   exclusion_column
-- The checks are the lesson activity's too: queries/macros/lumen_checked_events.sql.
select * from lumen_checked_events('stg_quiz_attempts', 'int_quiz_attempts_id_problems', 'attempt_id', 'attempt_ts', 'attempt_date', 'score')
