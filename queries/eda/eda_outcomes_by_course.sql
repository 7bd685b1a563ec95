-- eda_outcomes_by_course: learners of each course by their outcome, for the outcomes_by_course chart.
-- Grain: one row per kept course x outcome with at least one learner. A learner is in a course when
--   they have an event in one of its kept modules, so a learner counts once in each of their courses.
-- Columns: course_id, course_name (course_id when the name is blank), outcome, learners
-- Reads int_events, int_modules_checked, stg_courses, learner_outcomes.
with

kept_modules as (
    select module_id, course_id from int_modules_checked where exclusion_reason is null
),

enrolments as (
    select distinct int_events.user_id, kept_modules.course_id
    from int_events
    join kept_modules using (module_id)
),

course_names as (
    select course_id, any_value(course_name) as course_name from stg_courses group by course_id
)

select
    enrolments.course_id,
    coalesce(nullif(course_names.course_name, ''), enrolments.course_id) as course_name,
    learner_outcomes.outcome,
    count(*)::INTEGER as learners
from enrolments
join learner_outcomes using (user_id)
left join course_names using (course_id)
group by all
order by course_name, outcome
