-- int_lesson_activity_checked: every lesson activity row with the reason it is excluded (NULL = kept),
-- before the as-of cut (see int_lesson_activity_validated).
-- Grain: one row per data row of lms_lesson_activity.csv.
-- Columns: stg_lesson_activity.*, exclusion_reason, exclusion_column
-- Reasons are tried in order; a row with several problems counts once, under the first.
with

activity as (
    select * from stg_lesson_activity
),

kept_modules as (
    select module_id from int_modules_checked where exclusion_reason is null
),

-- Grouping 10M 64-bit hashes is several times faster than grouping 10M strings; the few rows
-- whose hash repeats are then grouped by the id itself, so hash collisions cannot cause errors.
repeated_hashes as (
    select hash(activity_id) as id_hash from activity group by id_hash having count(*) > 1
),

repeated_ids as (
    select activity_id, min(line_no) as first_line
    from activity
    semi join repeated_hashes on hash(activity.activity_id) = repeated_hashes.id_hash
    group by activity_id
    having count(*) > 1
),

checked as (
    select
        activity.*,
        case
            when roles.is_learner = false then 'staff_account'
            when roles.is_kept is not true then 'unknown_user'
            when kept_modules.module_id is null then 'unknown_module'
            when activity.activity_id = '' or activity.event_ts is null or activity.progress is null
                then 'unparseable_value'
            when activity.progress < 0 or activity.progress > 100 then 'out_of_range'
            when activity.line_no > repeated_ids.first_line then 'duplicate_id'
        end as exclusion_reason,
        case
            when roles.is_learner = false or roles.is_kept is not true then 'user_id'
            when kept_modules.module_id is null then 'module_id'
            when activity.activity_id = '' then 'activity_id'
            when activity.event_ts is null then 'event_time'
            when activity.progress is null or activity.progress < 0 or activity.progress > 100 then 'progress'
            when activity.line_no > repeated_ids.first_line then 'activity_id'
        end as exclusion_column
    from activity
    left join int_learner_roles as roles on activity.user_id = roles.user_id
    left join kept_modules on activity.module_id = kept_modules.module_id
    left join repeated_ids on activity.activity_id = repeated_ids.activity_id
)

select * from checked
