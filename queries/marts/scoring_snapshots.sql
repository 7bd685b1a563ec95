-- scoring_snapshots: each open learner's snapshot for the as-of week, the row the model scores.
-- Grain: one row per learner whose outcome is 'open'.
-- Columns: learner_week_snapshots.*
-- Parameters: $as_of (DATE)
select *
from learner_week_snapshots
where outcome = 'open' and week_start = date_trunc('week', $as_of::date)::date
order by user_id
