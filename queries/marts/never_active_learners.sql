-- never_active_learners: learners registered in lms_users.csv with no kept lesson or quiz event on or
-- before as-of and no enrolment (int_enrolments): the strongest early warning there is. They belong to
-- no course, so they are listed once, programme-wide, in a section of their own. (An enrolment without
-- activity is scored and listed in its course's list instead.)
-- Grain: one row per kept learner without any kept event on or before $as_of and without an
--   enrolment, registered on or before $as_of (or on an unknown date).
-- Columns: user_id, first_name, last_name, department,
--   registered_on (VARCHAR YYYY-MM-DD: the day of created_at in LUMEN_TZ; NULL when blank or
--   unparseable), days_since_registration (INTEGER, $as_of - that day; NULL when unknown)
-- Order: newest registrations first (the learners staff can still reach at the start), unknown
--   dates last.
-- Parameters: $as_of (DATE: the end of the last complete week, as for learner_outcomes)
with

learners as (
    select user_id, first_name, last_name, department, created_at::date as registered_on
    from int_users_checked
    where exclusion_reason is null
),

active as (
    select distinct user_id from int_events where event_date <= $as_of::date
),

final as (
    select
        learners.user_id,
        learners.first_name,
        learners.last_name,
        learners.department,
        strftime(learners.registered_on, '%Y-%m-%d') as registered_on,
        ($as_of::date - learners.registered_on)::integer as days_since_registration
    from learners
    anti join active using (user_id)
    anti join (select distinct user_id from int_enrolments) as enrolled using (user_id)
    where learners.registered_on is null or learners.registered_on <= $as_of::date
)

select * from final order by days_since_registration asc nulls last, user_id
