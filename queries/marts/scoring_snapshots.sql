-- scoring_snapshots: each open enrolment's snapshot for the as-of week, the row the model scores.
-- Grain: one row per enrolment whose outcome is 'open'.
-- Columns: enrolment_week_snapshots.*
-- Parameters: $as_of (DATE)
select *
from enrolment_week_snapshots
where outcome = 'open' and week_start = date_trunc('week', $as_of::date)::date
order by course_id, user_id
