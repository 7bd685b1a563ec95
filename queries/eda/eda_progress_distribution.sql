-- eda_progress_distribution: how far learners get in the modules they open, for the
-- progress-distribution chart.
-- Grain: one row per 10-point progress bin with at least one learner-module. Each learner-module
--   counts once, at the highest lesson progress it reached: counting every lesson row would weigh
--   learners by how often the LMS logged their progress.
-- Columns: progress_bin (lower edge: 0, 10, ..., 90; 100% falls in 90), learner_modules,
--   chart_learners (learners with a lesson row; the same on every row)
-- Reads int_events (lesson rows with a progress).
with

furthest as (
    select user_id, module_id, max(progress) as progress
    from int_events
    where source = 'lesson' and progress is not null
    group by user_id, module_id
),

learners as (
    select count(distinct user_id)::INTEGER as chart_learners from furthest
)

select
    (least(floor(greatest(progress, 0) / 10), 9) * 10)::INTEGER as progress_bin,
    count(*)::INTEGER as learner_modules,
    any_value(learners.chart_learners) as chart_learners
from furthest, learners
group by progress_bin
order by progress_bin
