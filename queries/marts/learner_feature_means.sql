-- learner_feature_means: each learner's mean of the six weekly features over the weeks before their
-- outcome became known (the training snapshot weeks), for the completed-vs-dropped tests.
-- Grain: one row per learner with a known outcome (completed or dropped).
-- Columns: user_id, outcome, department, sessions, avg_progress, modules_completed, avg_quiz_score,
--   active_days, inactivity_days (means; avg_* NULL when the learner never had such a row)
select
    snapshots.user_id,
    snapshots.outcome,
    users.department,
    avg(snapshots.sessions) as sessions,
    avg(snapshots.avg_progress) as avg_progress,
    avg(snapshots.modules_completed) as modules_completed,
    avg(snapshots.avg_quiz_score) as avg_quiz_score,
    avg(snapshots.active_days) as active_days,
    avg(snapshots.inactivity_days) as inactivity_days
from training_snapshots as snapshots
join int_users_checked as users on users.user_id = snapshots.user_id and users.exclusion_reason is null
group by all
order by snapshots.user_id
