-- eda_inactivity_vs_outcome: how long learners of each outcome have been inactive, as the five
-- numbers of a box plot, for the inactivity-vs-outcome chart.
-- Grain: one row per outcome with at least one learner.
-- Columns: outcome, learners, p10, q1, median, q3, p90 (days since the learner's last event at
--   as-of; continuous quantiles), chart_learners (learners with an outcome; the same on every row)
-- Quantiles rather than every learner: the spec stays small however many learners there are.
-- Reads learner_overall_outcomes.
select
    outcome,
    count(*)::INTEGER as learners,
    quantile_cont(days_inactive, 0.10)::DOUBLE as p10,
    quantile_cont(days_inactive, 0.25)::DOUBLE as q1,
    quantile_cont(days_inactive, 0.50)::DOUBLE as median,
    quantile_cont(days_inactive, 0.75)::DOUBLE as q3,
    quantile_cont(days_inactive, 0.90)::DOUBLE as p90,
    (sum(count(*)) over ())::INTEGER as chart_learners
from learner_overall_outcomes
group by outcome
order by outcome
