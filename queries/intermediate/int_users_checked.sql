-- int_users_checked: every users row with the reason it is excluded (NULL = kept).
-- Grain: one row per data row of lms_users.csv.
-- Columns: stg_users.*, exclusion_reason, exclusion_column
-- A user whose role is not learner/student is staff and is excluded; of repeated user_ids the
-- first row in file order is kept. Unparseable created_at/updated_at only warn: they feed no analysis.
with

users as (
    select * from stg_users
),

repeated_ids as (
    select user_id, min(line_no) as first_line from users group by user_id having count(*) > 1
),

checked as (
    select
        users.*,
        case
            when not users.is_learner then 'staff_account'
            when users.user_id = '' then 'unparseable_value'
            when users.line_no > repeated_ids.first_line then 'duplicate_id'
        end as exclusion_reason,
        case
            when not users.is_learner then 'role'
            when users.user_id = '' then 'user_id'
            when users.line_no > repeated_ids.first_line then 'user_id'
        end as exclusion_column
    from users
    left join repeated_ids on users.user_id = repeated_ids.user_id
)

select * from checked
