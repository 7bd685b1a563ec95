-- as_of_default: the as-of date used when none is given: the latest date of any kept event.
-- Grain: one row.
-- Columns: as_of (DATE, NULL when there is no kept event)
select max(event_date) as as_of
from (
    select event_date from int_lesson_activity_checked where exclusion_reason is null
    union all
    select attempt_date from int_quiz_attempts_checked where exclusion_reason is null
)
