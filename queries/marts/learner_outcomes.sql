-- learner_outcomes: what became of each learner with at least one event, at the as-of date.
-- Grain: one row per learner with at least one kept event on or before as-of.
-- Columns: user_id, first_name, last_name, department, courses (course ids joined by ';'),
--   required_modules (completions the learner's courses need, summed), modules_completed (of those,
--   done: per course at most what it needs), first_event, last_event,
--   completed_at (DATE: the day the last of the learner's courses met its rule; NULL unless all did),
--   days_inactive (as-of - last_event),
--   dropout_days (the inactivity that counts as a drop-out for this learner: the longest rule of the
--   courses they are in, int_course_dropout_gaps),
--   dropped_at (DATE: the day the drop-out became known: last_event + dropout_days, or the day after
--   the last unfinished course ended, whichever came first; NULL unless dropped),
--   outcome ('completed' | 'dropped' | 'open')
-- Parameters: $as_of (DATE: the end of the last complete week, see src/analytics/weeks.ts; events
--   after it, in the week that has just begun, are left to next week). Reads int_course_dropout_gaps
--   (materialised with the same as-of).
-- Enrolled courses are the courses with at least one lesson or quiz event of the learner. A course is
-- completed when enough of its countable modules have a 'completed' lesson row: with a valid
-- modules_required (lms_courses.csv) any N of its modules; otherwise every module not marked
-- required = false (lms_modules.csv; when every module is marked false, every module counts). A
-- course with an ends_at that passed before as-of, not completed, will not be completed.
with

events as (
    select * from int_events where event_date <= $as_of::date
),

kept_modules as (
    select module_id, course_id, coalesce(required, true) as marked_required
    from int_modules_checked
    where exclusion_reason is null
),

module_counts as (
    select course_id, count(*) as modules, count(*) filter (marked_required) as marked
    from kept_modules
    group by course_id
),

rules as (
    select
        module_counts.course_id,
        case
            when courses.modules_required between 1 and module_counts.modules then courses.modules_required
        end as n_required,
        module_counts.marked,
        courses.ends_at::date as ends_on
    from module_counts
    join int_courses_checked as courses on courses.course_id = module_counts.course_id
    where courses.exclusion_reason is null
),

countable as (
    select kept_modules.module_id, kept_modules.course_id
    from kept_modules
    join rules using (course_id)
    where rules.n_required is not null or rules.marked = 0 or kept_modules.marked_required
),

needed as (
    select rules.course_id, coalesce(rules.n_required, count(*)) as needed, rules.ends_on
    from rules
    join countable using (course_id)
    group by rules.course_id, rules.n_required, rules.ends_on
),

enrolments as (
    select distinct events.user_id, kept_modules.course_id
    from events
    join kept_modules using (module_id)
),

first_completions as (
    select user_id, module_id, min(event_date) as completed_date
    from events
    where source = 'lesson' and status = 'completed'
    group by all
),

enrolment_progress as (
    select
        enrolments.user_id,
        enrolments.course_id,
        needed.needed,
        needed.ends_on,
        count(first_completions.completed_date) as done,
        list(first_completions.completed_date order by first_completions.completed_date)
            filter (first_completions.completed_date is not null) as completion_dates
    from enrolments
    join needed using (course_id)
    join countable using (course_id)
    left join first_completions
        on first_completions.user_id = enrolments.user_id and first_completions.module_id = countable.module_id
    group by all
),

enrolment_status as (
    select
        *,
        -- The day the needed-th countable module was completed: the course's rule was met then.
        case when done >= needed then completion_dates[needed] end as completed_on
    from enrolment_progress
),

progress as (
    select
        user_id,
        sum(needed) as required_modules,
        sum(least(done, needed)) as modules_completed,
        count(*) filter (completed_on is null) as courses_unfinished,
        max(completed_on) as last_completion,
        -- Every unfinished course has ended: the learner will not complete.
        bool_and(completed_on is not null or ends_on < $as_of::date) as all_unfinished_ended,
        max(ends_on) filter (completed_on is null) as last_unfinished_end
    from enrolment_status
    group by user_id
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

labelled as (
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
        case when progress.courses_unfinished = 0 then progress.last_completion end as completed_at,
        $as_of::date - activity.last_event as days_inactive,
        dropout_rules.dropout_days,
        case
            when progress.courses_unfinished = 0 then null
            when $as_of::date - activity.last_event >= dropout_rules.dropout_days
                then least(activity.last_event + dropout_rules.dropout_days, progress.last_unfinished_end + 1)
            when progress.all_unfinished_ended then progress.last_unfinished_end + 1
        end as dropped_at
    from activity
    join learners using (user_id)
    join courses using (user_id)
    join progress using (user_id)
    join dropout_rules using (user_id)
),

final as (
    select
        * exclude (dropped_at),
        dropped_at::date as dropped_at,
        case
            when completed_at is not null then 'completed'
            when dropped_at is not null then 'dropped'
            else 'open'
        end as outcome
    from labelled
)

select * from final order by user_id
