-- int_quiz_attempts_checked: every quiz attempt row with the reason it is excluded (NULL = kept),
-- before the as-of cut (see int_quiz_attempts_validated).
-- Grain: one row per data row of lms_quiz_attempts.csv.
-- Columns: stg_quiz_attempts.*, exclusion_reason, exclusion_column
with

attempts as (
    select * from stg_quiz_attempts
),

kept_modules as (
    select module_id from int_modules_checked where exclusion_reason is null
),

-- Grouping 10M 64-bit hashes is several times faster than grouping 10M strings; the few rows
-- whose hash repeats are then grouped by the id itself, so hash collisions cannot cause errors.
repeated_hashes as (
    select hash(attempt_id) as id_hash from attempts group by id_hash having count(*) > 1
),

repeated_ids as (
    select attempt_id, min(line_no) as first_line
    from attempts
    semi join repeated_hashes on hash(attempts.attempt_id) = repeated_hashes.id_hash
    group by attempt_id
    having count(*) > 1
),

checked as (
    select
        attempts.*,
        case
            when roles.is_learner = false then 'staff_account'
            when roles.is_kept is not true then 'unknown_user'
            when kept_modules.module_id is null then 'unknown_module'
            when attempts.attempt_id = '' or attempts.attempt_ts is null or attempts.score is null
                then 'unparseable_value'
            when attempts.score < 0 or attempts.score > 100 then 'out_of_range'
            when attempts.line_no > repeated_ids.first_line then 'duplicate_id'
        end as exclusion_reason,
        case
            when roles.is_learner = false or roles.is_kept is not true then 'user_id'
            when kept_modules.module_id is null then 'module_id'
            when attempts.attempt_id = '' then 'attempt_id'
            when attempts.attempt_ts is null then 'attempt_date'
            when attempts.score is null or attempts.score < 0 or attempts.score > 100 then 'score'
            when attempts.line_no > repeated_ids.first_line then 'attempt_id'
        end as exclusion_column
    from attempts
    left join int_learner_roles as roles on attempts.user_id = roles.user_id
    left join kept_modules on attempts.module_id = kept_modules.module_id
    left join repeated_ids on attempts.attempt_id = repeated_ids.attempt_id
)

select * from checked
