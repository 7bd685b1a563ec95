-- int_events: every kept learner event (lesson activity and quiz attempts) inside the export's span
-- (int_event_span) and on or before as-of.
-- Grain: one row per kept lesson activity row or quiz attempt row.
-- Columns: user_id, source ('lesson' | 'quiz'), module_id, event_ts (TIMESTAMPTZ), event_date (DATE in
--   LUMEN_TZ), status (lesson rows), progress (lesson rows), score (quiz rows)
-- Parameters: $as_of (DATE). A view (Db.defineViewAsOf), with as-of filled in: a table would copy
--   the kept rows of both checked tables (100k learners: ~0.9 GB).
with

lessons as (
    select user_id, 'lesson' as source, module_id, event_ts, event_date, status, progress, null::double as score
    from int_lesson_activity_checked, int_event_span as span
    where exclusion_reason is null and event_date between span.span_start and least(span.span_end, $as_of)
),

quizzes as (
    select user_id, 'quiz' as source, module_id, attempt_ts, attempt_date, null, null, score
    from int_quiz_attempts_checked, int_event_span as span
    where exclusion_reason is null and attempt_date between span.span_start and least(span.span_end, $as_of)
),

final as (
    select * from lessons
    union all
    select * from quizzes
)

select * from final
