-- early_training_snapshots: the enrolment-weeks the disengagement model learns from, learnable inside
-- one running cohort before anybody completes: was the learner active in the course again within
-- $horizon days after the week? A row's features use data to its week_end only (the snapshot); its
-- label only data in (week_end, week_end + $horizon], and only where week_end + $horizon <= $as_of.
-- Grain: one row per enrolment per complete week, restricted as below.
-- Columns: enrolment_week_snapshots.*, label (1 = active again within the horizon, 0 = went quiet)
-- Parameters: $as_of (DATE), $horizon (INTEGER days, LUMEN_EARLY_HORIZON_DAYS)
-- Rows: weeks that ended while the enrolment was still open (before completed_at / dropped_at, so a
-- learner already known to have finished or left is not counted as quiet).
select *, case when next_active_on <= week_end + $horizon::integer then 1 else 0 end as label
from enrolment_week_snapshots
where week_end + $horizon::integer <= $as_of::date
  and week_end = week_start + 6
  and (completed_at is null or week_end < completed_at)
  and (dropped_at is null or week_end < dropped_at)
order by user_id, course_id, week_start
