-- eda_module_completion: the completion rate of each module, in course and sequence order, for the
-- module-completion chart.
-- Grain: one row per kept module; modules nobody started have started = 0 and a NULL rate.
-- Columns: course_id, course_name (course_id when blank), sequence_no, module_id, module_label
--   ('<course> · <sequence, 2 digits> <module>'), started, completed, completion_rate (completed /
--   started), chart_learners (learners with an event on a kept module; the same on every row)
-- Definitions: started = any lesson row or quiz attempt on the module; completed = a 'completed'
--   lesson row. Rows come in course_id, then sequence_no order: the chart keeps that order.
-- Reads int_events, int_modules_checked, stg_courses.
with

kept_modules as (
    select module_id, course_id, module_name, sequence_no
    from int_modules_checked
    where exclusion_reason is null
),

course_names as (
    select course_id, any_value(course_name) as course_name from stg_courses group by course_id
),

per_module as (
    select
        module_id,
        count(distinct user_id)::INTEGER as started,
        (count(distinct user_id) filter (source = 'lesson' and status = 'completed'))::INTEGER as completed
    from int_events
    group by module_id
),

learners as (
    select count(distinct user_id)::INTEGER as chart_learners
    from int_events
    join kept_modules using (module_id)
)

select
    kept_modules.course_id,
    coalesce(nullif(course_names.course_name, ''), kept_modules.course_id) as course_name,
    kept_modules.sequence_no,
    kept_modules.module_id,
    coalesce(nullif(course_names.course_name, ''), kept_modules.course_id)
        || ' · ' || lpad(kept_modules.sequence_no::VARCHAR, 2, '0')
        || ' ' || coalesce(nullif(kept_modules.module_name, ''), kept_modules.module_id) as module_label,
    coalesce(per_module.started, 0) as started,
    coalesce(per_module.completed, 0) as completed,
    (per_module.completed / nullif(per_module.started, 0))::DOUBLE as completion_rate,
    learners.chart_learners
from kept_modules
left join per_module using (module_id)
left join course_names using (course_id)
cross join learners
order by kept_modules.course_id, kept_modules.sequence_no, kept_modules.module_id
