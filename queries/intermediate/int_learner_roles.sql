-- int_learner_roles: whether each user id belongs to a learner, by its first row in lms_users.csv,
-- and whether that user is kept. Used to sort activity rows into staff / unknown user.
-- Grain: one row per distinct user_id of lms_users.csv.
-- Columns: user_id, is_learner, is_kept
select
    user_id,
    arg_min(is_learner, line_no) as is_learner,
    bool_or(exclusion_reason is null) as is_kept
from int_users_checked
group by user_id
