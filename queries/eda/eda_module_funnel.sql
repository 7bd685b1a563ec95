-- eda_module_funnel: how many learners started and completed each module, in course order, for the
-- module_funnel chart.
-- Grain: one row per kept module x stage ('started', 'completed'); modules nobody touched have 0.
-- Columns: course_id, sequence_no, module_id, module_label ('<course> · <sequence, 2 digits> <module>',
--   sorts in course then sequence order), stage, learners
-- Definitions: started = any lesson row or quiz attempt on the module; completed = a 'completed'
--   lesson row.
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

labelled as (
    select
        kept_modules.course_id,
        kept_modules.sequence_no,
        kept_modules.module_id,
        coalesce(nullif(course_names.course_name, ''), kept_modules.course_id)
            || ' · ' || lpad(kept_modules.sequence_no::VARCHAR, 2, '0')
            || ' ' || coalesce(nullif(kept_modules.module_name, ''), kept_modules.module_id) as module_label,
        coalesce(per_module.started, 0) as started,
        coalesce(per_module.completed, 0) as completed
    from kept_modules
    left join per_module using (module_id)
    left join course_names using (course_id)
)

select course_id, sequence_no, module_id, module_label, 'started' as stage, started as learners from labelled
union all
select course_id, sequence_no, module_id, module_label, 'completed' as stage, completed as learners from labelled
order by module_label, stage desc
