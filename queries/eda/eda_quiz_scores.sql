-- eda_quiz_scores: kept quiz attempts by calendar week and 10-point score bin, for the quiz-scores
-- chart (its distribution panel sums the weeks, its trend panel sums the bins).
-- Grain: one row per ISO week (Monday start) x score bin with at least one attempt.
-- Columns: week_start (VARCHAR YYYY-MM-DD), score_bin (lower edge: 0, 10, ..., 90; a score of 100
--   falls in 90), attempts, score_sum (sum of the attempts' scores, for the weekly mean),
--   chart_learners (learners with a scored quiz attempt; the same on every row)
-- Reads int_events (quiz rows with a score).
with

attempts as (
    select user_id, date_trunc('week', event_date)::DATE as week_start, score
    from int_events
    where source = 'quiz' and score is not null
),

learners as (
    select count(distinct user_id)::INTEGER as chart_learners from attempts
)

select
    strftime(week_start, '%Y-%m-%d') as week_start,
    (least(floor(greatest(score, 0) / 10), 9) * 10)::INTEGER as score_bin,
    count(*)::INTEGER as attempts,
    sum(score)::DOUBLE as score_sum,
    any_value(learners.chart_learners) as chart_learners
from attempts, learners
group by attempts.week_start, score_bin
order by week_start, score_bin
