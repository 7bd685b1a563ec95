-- training_snapshots: the learner-weeks the model learns from: learners whose outcome is known,
-- in weeks that ended before the outcome became known.
-- Grain: one row per learner per week, restricted as below.
-- Columns: learner_week_snapshots.*, label (1 = completed, 0 = dropped)
-- Parameters: none
-- Completed learners: weeks with week_end < completed_at. Dropped learners: weeks with
-- week_end < dropped_at (the day the drop-out became known: the learner's own silence rule, or the
-- day after their last unfinished course ended).
select *, case when outcome = 'completed' then 1 else 0 end as label
from learner_week_snapshots
where (outcome = 'completed' and week_end < completed_at)
   or (outcome = 'dropped' and week_end < dropped_at)
order by user_id, week_start
