-- learner_outcomes: what became of each enrolment (one learner in one course) at the as-of date.
-- Grain: one row per enrolment in int_enrolments (materialised with the same as-of).
-- Columns: user_id, course_id, first_name, last_name, department,
--   enrolled_on (DATE), required_modules (completions the course's rule needs),
--   modules_completed (of those, done; at most required_modules), first_event, last_event (DATE, in
--   the course; NULL when never active), completed_at (DATE: the day the course's rule was met, or the
--   enrolments file's completion date; NULL unless completed),
--   days_inactive (as-of - last event in the course, or - enrolled_on when never active),
--   dropout_days (the course's drop-out rule, int_course_dropout_gaps; NULL when the enrolments file
--   decides the outcome), dropped_at (DATE: the day the non-completion became known; NULL unless
--   dropped), outcome ('completed' | 'dropped' | 'open': dropped = will not complete, for any reason:
--   withdrawn, failed, gone silent, course ended unfinished),
--   outcome_source ('enrolments file' | 'inferred'),
--   outcome_rule (how the outcome was decided, in words; NULL while open)
-- Parameters: $as_of (DATE: the end of the last complete week, see src/analytics/weeks.ts; events
--   after it, in the week that has just begun, are left to next week). Reads int_enrolments and
--   int_course_dropout_gaps.
-- From the enrolments file: completed/passed -> completed, failed/withdrawn -> dropped, on status_at;
-- active -> open (never inferred). Inferred: a course is completed when enough of its countable
-- modules have a 'completed' lesson row: with a valid modules_required (lms_courses.csv) any N of its
-- modules; otherwise every module not marked required = false (lms_modules.csv; when every module is
-- marked false, every module counts). Not completed and silent in the course for the course's
-- drop-out rule -> dropped on last event + rule; a course whose ends_at passed unfinished -> dropped
-- the day after it ended, whichever came first.
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
        module_counts.modules,
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
    select rules.course_id, coalesce(rules.n_required, count(*)) as needed, rules.n_required, rules.modules, rules.ends_on
    from rules
    join countable using (course_id)
    group by rules.course_id, rules.n_required, rules.modules, rules.ends_on
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
        count(first_completions.completed_date) as done,
        list(first_completions.completed_date order by first_completions.completed_date)
            filter (first_completions.completed_date is not null) as completion_dates
    from int_enrolments as enrolments
    join needed using (course_id)
    join countable using (course_id)
    left join first_completions
        on first_completions.user_id = enrolments.user_id and first_completions.module_id = countable.module_id
    group by all
),

learners as (
    select user_id, first_name, last_name, department from int_users_checked where exclusion_reason is null
),

joined as (
    select
        enrolments.*,
        needed.needed,
        needed.n_required,
        needed.modules,
        needed.ends_on,
        coalesce(progress.done, 0) as done,
        -- The day the needed-th countable module was completed: the course's rule was met then.
        case when progress.done >= needed.needed then progress.completion_dates[needed.needed] end as rule_met_on,
        gaps.dropout_days as course_dropout_days,
        $as_of::date - coalesce(enrolments.last_event, enrolments.enrolled_on) as days_inactive
    from int_enrolments as enrolments
    join needed using (course_id)
    left join enrolment_progress as progress using (user_id, course_id)
    left join int_course_dropout_gaps as gaps using (course_id)
),

decided as (
    select
        *,
        case
            when source = 'enrolments file' then case when file_status = 'completed' then status_on end
            else rule_met_on
        end as completed_at,
        case
            when source = 'enrolments file' then case when file_status in ('failed', 'withdrawn') then status_on end
            when rule_met_on is not null then null
            when last_event is not null and days_inactive >= course_dropout_days
                then least(last_event + course_dropout_days, ends_on + 1)
            when ends_on < $as_of::date then ends_on + 1
        end as dropped_at
    from joined
),

final as (
    select
        decided.user_id,
        decided.course_id,
        learners.first_name,
        learners.last_name,
        learners.department,
        decided.enrolled_on,
        decided.needed as required_modules,
        least(decided.done, decided.needed) as modules_completed,
        decided.first_event,
        decided.last_event,
        decided.completed_at,
        decided.days_inactive,
        case when decided.source = 'inferred' then decided.course_dropout_days end as dropout_days,
        decided.dropped_at::date as dropped_at,
        case
            when decided.completed_at is not null then 'completed'
            when decided.dropped_at is not null then 'dropped'
            else 'open'
        end as outcome,
        decided.source as outcome_source,
        case
            when decided.source = 'enrolments file' and decided.status_on is not null
                then 'status ' || decided.file_status || ' on ' || strftime(decided.status_on, '%Y-%m-%d')
            when decided.source = 'enrolments file' then null
            when decided.completed_at is not null and decided.n_required is not null
                then decided.needed || ' of ' || decided.modules || ' modules completed (modules_required)'
            when decided.completed_at is not null
                then case
                    when decided.needed = 1 then 'its 1 required module completed'
                    else 'all ' || decided.needed || ' required modules completed'
                end
            when decided.dropped_at is not null and decided.dropped_at = decided.ends_on + 1
                then 'course ended ' || strftime(decided.ends_on, '%Y-%m-%d') || ' unfinished'
            when decided.dropped_at is not null
                then 'no activity in the course for ' || decided.course_dropout_days || '+ days (the course''s drop-out rule)'
        end as outcome_rule
    from decided
    join learners using (user_id)
)

select * from final order by user_id, course_id
