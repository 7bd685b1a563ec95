-- eda_quiz_scores: kept quiz attempts by 10-point score bin and the learner's outcome, for the
-- quiz_scores chart.
-- Grain: one row per score bin x outcome with at least one attempt.
-- Columns: score_bin (lower edge: 0, 10, ..., 90; a score of 100 falls in 90), outcome, attempts
-- Reads int_events (quiz rows with a score) and learner_outcomes.
select
    (least(floor(greatest(score, 0) / 10), 9) * 10)::INTEGER as score_bin,
    learner_outcomes.outcome,
    count(*)::INTEGER as attempts
from int_events
join learner_outcomes using (user_id)
where int_events.source = 'quiz' and int_events.score is not null
group by all
order by score_bin, outcome
