-- eda_engagement_by_outcome: mean sessions per learner in each week of study, by outcome, for the
-- engagement_by_outcome chart.
-- Grain: one row per week_index (1 = the learner's first week, capped at 12 weeks) x outcome.
-- Columns: week_index, outcome, learners (learners who had reached that week by as-of), mean_sessions
-- Reads weekly_behavioral_features (weeks without events included, as 0 sessions) and learner_outcomes.
select
    weekly_behavioral_features.week_index::INTEGER as week_index,
    learner_outcomes.outcome,
    count(*)::INTEGER as learners,
    avg(weekly_behavioral_features.sessions)::DOUBLE as mean_sessions
from weekly_behavioral_features
join learner_outcomes using (user_id)
where weekly_behavioral_features.week_index <= 12
group by all
order by week_index, outcome
