-- eda_department_completion: the outcome shares of each department's learners, for the
-- department-completion chart.
-- Grain: one row per department x outcome with at least one learner.
-- Columns: department ('(none)' when blank), outcome, learners, department_learners, share
--   (learners / department_learners), chart_learners (learners with an outcome; the same on every row)
-- Reads learner_overall_outcomes.
with

counts as (
    select coalesce(nullif(department, ''), '(none)') as department, outcome, count(*)::INTEGER as learners
    from learner_overall_outcomes
    group by all
)

select
    department,
    outcome,
    learners,
    (sum(learners) over (partition by department))::INTEGER as department_learners,
    (learners / sum(learners) over (partition by department))::DOUBLE as share,
    (sum(learners) over ())::INTEGER as chart_learners
from counts
order by department, outcome
