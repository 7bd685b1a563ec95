-- eda_learner_known: whether $user_id is a learner of the export (a kept row of lms_users.csv).
-- Grain: one row.
-- Columns: known (BOOLEAN)
-- Parameters: $user_id (VARCHAR). Reads int_users_checked.
select
    count(*) > 0 as known
from int_users_checked
where user_id = $user_id
    and exclusion_reason is null
