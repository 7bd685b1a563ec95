-- int_enrolments: every enrolment (one learner in one course) that exists at $as_of, where it comes
-- from, and what the export says about its outcome so far.
-- Grain: one row per (user_id, course_id).
-- Columns: user_id, course_id,
--   enrolled_on (DATE: the file's enrolled_at day, or the first event in the course when that is
--     earlier or the file has no date; without the file, the first event in the course),
--   first_event, last_event (DATE: the learner's first and last kept event on the course's modules on or
--     before $as_of; NULL when none: a never-active enrolment), events (BIGINT),
--   file_status ('active' | 'completed' | 'failed' | 'withdrawn': the file's status as known at $as_of,
--     'active' while its status_at lies after $as_of; NULL without the file),
--   status_on (DATE: the day a final status became known, on or before $as_of; NULL otherwise),
--   final_score (DOUBLE, when known at $as_of),
--   source ('enrolments file' | 'inferred')
-- Parameters: $as_of (DATE), $enrolments_file (BOOLEAN: lms_enrolments.csv was given). With the file,
--   enrolments come from it only (activity in a course without an enrolment row is counted in the
--   data-quality warnings, not inferred); enrolments made after $as_of do not exist yet. Without it, an
--   enrolment is a learner with at least one event on one of the course's modules.
with

kept_modules as (
    select module_id, course_id from int_modules_checked where exclusion_reason is null
),

course_events as (
    select
        events.user_id,
        kept_modules.course_id,
        min(events.event_date) as first_event,
        max(events.event_date) as last_event,
        count(*) as events
    from int_events as events
    join kept_modules using (module_id)
    where events.event_date <= $as_of::date
    group by all
),

from_file as (
    select
        file.user_id,
        file.course_id,
        least(file.enrolled_on, course_events.first_event) as enrolled_on,
        course_events.first_event,
        course_events.last_event,
        coalesce(course_events.events, 0) as events,
        case
            when file.status <> 'active' and file.status_on <= $as_of::date then file.status else 'active'
        end as file_status,
        case when file.status <> 'active' and file.status_on <= $as_of::date then file.status_on end as status_on,
        case when file.status_on <= $as_of::date then file.final_score end as final_score,
        'enrolments file' as source
    from int_enrolments_checked as file
    left join course_events using (user_id, course_id)
    where $enrolments_file and file.exclusion_reason is null
),

inferred as (
    select
        user_id,
        course_id,
        first_event as enrolled_on,
        first_event,
        last_event,
        events,
        null::varchar as file_status,
        null::date as status_on,
        null::double as final_score,
        'inferred' as source
    from course_events
    where not $enrolments_file
),

final as (
    select * from from_file where enrolled_on <= $as_of::date
    union all
    select * from inferred
)

select * from final order by user_id, course_id
