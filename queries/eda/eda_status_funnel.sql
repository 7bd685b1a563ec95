-- eda_status_funnel: how far the learners of each course got, for the status-funnel chart.
-- Grain: one row per kept course with at least one learner x stage ('started', 'in_progress',
--   'completed'); each stage counts learners who reached it or a later one, so counts never grow.
-- Columns: course_id, course_name (course_id when blank), stage, stage_order (1, 2, 3), learners,
--   share_of_started (learners / the course's started learners), chart_learners (learners with an
--   event in a kept course; the same on every row)
-- Definitions: started = any lesson row or quiz attempt in the course (as in learner_outcomes);
--   in progress = a lesson row of the course with status 'in_progress' or 'completed';
--   completed = every kept module of the course has a 'completed' lesson row of the learner.
--   Other statuses count as started only.
-- Reads int_events, int_modules_checked, stg_courses.
with

kept_modules as (
    select module_id, course_id from int_modules_checked where exclusion_reason is null
),

course_sizes as (
    select course_id, count(*) as modules from kept_modules group by course_id
),

course_names as (
    select course_id, any_value(course_name) as course_name from stg_courses group by course_id
),

per_learner as (
    select
        int_events.user_id,
        kept_modules.course_id,
        bool_or(int_events.source = 'lesson' and int_events.status in ('in_progress', 'completed'))
            as progressed,
        count(distinct int_events.module_id) filter (
            int_events.source = 'lesson' and int_events.status = 'completed'
        ) as modules_completed
    from int_events
    join kept_modules using (module_id)
    group by all
),

per_course as (
    select
        per_learner.course_id,
        count(*)::INTEGER as started,
        (count(*) filter (progressed))::INTEGER as in_progress,
        (count(*) filter (modules_completed = course_sizes.modules))::INTEGER as completed
    from per_learner
    join course_sizes using (course_id)
    group by per_learner.course_id
),

stages as (
    select course_id, 'started' as stage, 1 as stage_order, started as learners, started from per_course
    union all
    select course_id, 'in_progress', 2, in_progress, started from per_course
    union all
    select course_id, 'completed', 3, completed, started from per_course
)

select
    stages.course_id,
    coalesce(nullif(course_names.course_name, ''), stages.course_id) as course_name,
    stages.stage,
    stages.stage_order::INTEGER as stage_order,
    stages.learners,
    (stages.learners / stages.started)::DOUBLE as share_of_started,
    (select count(distinct user_id) from per_learner)::INTEGER as chart_learners
from stages
left join course_names using (course_id)
order by stages.course_id, stages.stage_order
