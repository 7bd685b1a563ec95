-- quiz_forecast_dataset: each learner's first two weeks of weekly features side by side, with the
-- final average quiz score (all quiz attempts up to as-of) as the forecast target.
-- Grain: one row per learner with at least two weeks on the grid.
-- Columns: user_id, outcome, w1_<feature>, w2_<feature> for the six weekly features,
--   final_avg_quiz (NULL without quiz attempts)
with

first_weeks as (
    select * from weekly_behavioral_features where week_index <= 2
),

side_by_side as (
    select
        user_id,
        count(*) as weeks_seen,
        max(sessions) filter (week_index = 1) as w1_sessions,
        max(avg_progress) filter (week_index = 1) as w1_avg_progress,
        max(modules_completed) filter (week_index = 1) as w1_modules_completed,
        max(avg_quiz_score) filter (week_index = 1) as w1_avg_quiz_score,
        max(active_days) filter (week_index = 1) as w1_active_days,
        max(inactivity_days) filter (week_index = 1) as w1_inactivity_days,
        max(sessions) filter (week_index = 2) as w2_sessions,
        max(avg_progress) filter (week_index = 2) as w2_avg_progress,
        max(modules_completed) filter (week_index = 2) as w2_modules_completed,
        max(avg_quiz_score) filter (week_index = 2) as w2_avg_quiz_score,
        max(active_days) filter (week_index = 2) as w2_active_days,
        max(inactivity_days) filter (week_index = 2) as w2_inactivity_days
    from first_weeks
    group by user_id
),

final_quiz as (
    select user_id, avg(score) as final_avg_quiz
    from int_events
    where source = 'quiz'
    group by user_id
),

final as (
    select side_by_side.* exclude (weeks_seen), outcomes.outcome, final_quiz.final_avg_quiz
    from side_by_side
    join learner_overall_outcomes as outcomes using (user_id)
    left join final_quiz using (user_id)
    where side_by_side.weeks_seen = 2
)

select * from final order by user_id
