-- training_snapshots: the enrolment-weeks the model learns from: enrolments whose outcome is known, in
-- weeks that ended before the outcome became known.
-- Grain: one row per enrolment per week, restricted as below.
-- Columns: enrolment_week_snapshots.*, label (1 = completed, 0 = dropped)
-- Parameters: none
-- Completed enrolments: weeks with week_end < completed_at. Dropped: weeks with week_end < dropped_at
-- (the day the non-completion became known: the enrolments file's status_at, the course's silence rule,
-- or the day after the course ended).
select *, case when outcome = 'completed' then 1 else 0 end as label
from enrolment_week_snapshots
where (outcome = 'completed' and week_end < completed_at)
   or (outcome = 'dropped' and week_end < dropped_at)
order by user_id, course_id, week_start
