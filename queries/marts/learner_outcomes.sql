-- learner_outcomes: what became of each learner with at least one event, at the as-of date.
-- Grain: one row per learner with at least one kept event on or before as-of.
-- Columns: user_id, first_name, last_name, department, courses (course ids joined by ';'),
--   required_modules, modules_completed (required modules with a 'completed' lesson row),
--   first_event, last_event, completed_at (DATE: when the last required module got its first
--   'completed' row; NULL unless every required module has one), days_inactive (as-of - last_event),
--   dropout_days (the inactivity that counts as a drop-out for this learner: the longest rule of the
--   courses they are in, int_course_dropout_gaps), outcome ('completed' | 'dropped' | 'open')
-- Parameters: $as_of (DATE: the end of the last complete week, see src/analytics/weeks.ts; events
--   after it, in the week that has just begun, are left to next week). Reads int_course_dropout_gaps
--   (materialised with the same as-of).
-- Enrolled courses are the courses with at least one lesson or quiz event of the learner; required
-- modules are every kept module of those courses.
with

events as (
    select * from int_events where event_date <= $as_of::date
),

kept_modules as (
    select module_id, course_id from int_modules_checked where exclusion_reason is null
),

enrolments as (
    select distinct events.user_id, kept_modules.course_id
    from events
    join kept_modules using (module_id)
),

required as (
    select enrolments.user_id, kept_modules.module_id
    from enrolments
    join kept_modules using (course_id)
),

first_completions as (
    select user_id, module_id, min(event_date) as completed_date
    from events
    where source = 'lesson' and status = 'completed'
    group by all
),

progress as (
    select
        required.user_id,
        count(*) as required_modules,
        count(first_completions.completed_date) as modules_completed,
        max(first_completions.completed_date) as last_completion
    from required
    left join first_completions using (user_id, module_id)
    group by required.user_id
),

activity as (
    select user_id, min(event_date) as first_event, max(event_date) as last_event
    from events
    group by user_id
),

courses as (
    select user_id, string_agg(course_id, ';' order by course_id) as courses
    from enrolments
    group by user_id
),

dropout_rules as (
    select enrolments.user_id, max(gaps.dropout_days) as dropout_days
    from enrolments
    join int_course_dropout_gaps as gaps using (course_id)
    group by enrolments.user_id
),

learners as (
    select user_id, first_name, last_name, department from int_users_checked where exclusion_reason is null
),

final as (
    select
        activity.user_id,
        learners.first_name,
        learners.last_name,
        learners.department,
        courses.courses,
        progress.required_modules,
        progress.modules_completed,
        activity.first_event,
        activity.last_event,
        case when progress.modules_completed = progress.required_modules then progress.last_completion end
            as completed_at,
        $as_of::date - activity.last_event as days_inactive,
        dropout_rules.dropout_days,
        case
            when progress.modules_completed = progress.required_modules then 'completed'
            when $as_of::date - activity.last_event >= dropout_rules.dropout_days then 'dropped'
            else 'open'
        end as outcome
    from activity
    join learners using (user_id)
    join courses using (user_id)
    join progress using (user_id)
    join dropout_rules using (user_id)
)

select * from final order by user_id
