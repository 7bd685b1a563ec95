-- int_enrolments_checked: every enrolments row with the reason it is excluded (NULL = kept).
-- Grain: one row per data row of lms_enrolments.csv; no row when the optional file is not given.
-- Columns (the contract later models read; keep names and types):
--   line_no INTEGER, user_id VARCHAR, course_id VARCHAR,
--   enrolled_at TIMESTAMPTZ (NULL when blank or unparseable), enrolled_on DATE (its day in LUMEN_TZ),
--   status VARCHAR ('active' | 'completed' | 'failed' | 'withdrawn'; NULL when not recognised),
--   status_text VARCHAR (as written, trimmed), status_at TIMESTAMPTZ (the day the status became
--   known; NULL when blank or unparseable), status_on DATE, final_score DOUBLE (NULL when blank),
--   exclusion_reason VARCHAR (NULL = kept; EXCLUSION_REASONS in src/analytics/schema.ts),
--   exclusion_column VARCHAR
-- Reasons are tried in order; a row with several problems counts once, under the first:
--   staff_account (user_id: a staff user), unknown_user (user_id: no kept user),
--   unknown_course (course_id: no kept course), unparseable_value (status not recognised;
--   enrolled_at or status_at given but unparseable; status_at blank while status is not active;
--   final_score given but not a number: the column named), out_of_range (final_score outside
--   0-100), duplicate_id (column course_id: a later row for the same user_id and course_id; the first
--   row in file order is kept, as for the other files' ids).
-- A blank enrolled_at is kept (a warning in dq_warnings): the enrolment and its status still count.
with

enrolments as (
    select * from stg_enrolments
),

kept_courses as (
    select distinct course_id from int_courses_checked where exclusion_reason is null
),

repeated_pairs as (
    select user_id, course_id, min(line_no) as first_line
    from enrolments
    group by user_id, course_id
    having count(*) > 1
),

checked as (
    select
        enrolments.*,
        case
            when roles.is_learner = false then 'staff_account'
            when roles.is_kept is not true then 'unknown_user'
            when kept_courses.course_id is null then 'unknown_course'
            when enrolments.status is null
                or (enrolments.enrolled_at is null and enrolments.enrolled_at_text <> '')
                or (enrolments.status_at is null and enrolments.status_at_text <> '')
                or (enrolments.status_at_text = '' and enrolments.status <> 'active')
                or (enrolments.final_score is null and enrolments.final_score_text <> '')
                then 'unparseable_value'
            when enrolments.final_score < 0 or enrolments.final_score > 100 then 'out_of_range'
            when enrolments.line_no > repeated_pairs.first_line then 'duplicate_id'
        end as exclusion_reason,
        case
            when roles.is_learner = false or roles.is_kept is not true then 'user_id'
            when kept_courses.course_id is null then 'course_id'
            when enrolments.status is null then 'status'
            when enrolments.enrolled_at is null and enrolments.enrolled_at_text <> '' then 'enrolled_at'
            when enrolments.status_at is null and enrolments.status_at_text <> '' then 'status_at'
            when enrolments.status_at_text = '' and enrolments.status <> 'active' then 'status_at'
            when enrolments.final_score is null and enrolments.final_score_text <> '' then 'final_score'
            when enrolments.final_score < 0 or enrolments.final_score > 100 then 'final_score'
            when enrolments.line_no > repeated_pairs.first_line then 'course_id'
        end as exclusion_column
    from enrolments
    left join int_learner_roles as roles on enrolments.user_id = roles.user_id
    left join kept_courses on enrolments.course_id = kept_courses.course_id
    left join repeated_pairs
        on enrolments.user_id = repeated_pairs.user_id and enrolments.course_id = repeated_pairs.course_id
),

final as (
    select
        -- ids
        line_no::integer as line_no,
        user_id,
        course_id,

        -- timestamps
        enrolled_at,
        enrolled_on,

        -- status
        status,
        status_text,
        status_at,
        status_on,

        -- numerics
        final_score,

        -- exclusion
        exclusion_reason,
        exclusion_column
    from checked
)

select * from final
