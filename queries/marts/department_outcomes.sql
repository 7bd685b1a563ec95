-- department_outcomes: learners by department and outcome, for the chi-square test and the chart.
-- Grain: one row per department x outcome with at least one learner.
-- Columns: department ('(none)' when blank), outcome, learners
select coalesce(nullif(department, ''), '(none)') as department, outcome, count(*) as learners
from learner_overall_outcomes
group by all
order by department, outcome
