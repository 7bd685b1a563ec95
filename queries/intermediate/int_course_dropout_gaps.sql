-- int_course_dropout_gaps: per course, how long its learners go quiet and still come back, and so the
-- inactivity after which a learner of that course is taken to have dropped out. Learners who study in
-- bursts before deadlines have quiet weeks between them; a fixed number of days writes them off.
-- Grain: one row per course with at least one learner event on or before $as_of.
-- Columns: course_id,
--   learners_measured (learner-course pairs with at least two active days in the course),
--   p95_returning_gap (days: the 95th percentile, an observed value, of each measured learner's
--     longest gap between two active days in the course, a gap after which they did come back; NULL
--     when none measured),
--   dropout_days (INTEGER: the course's rule, the p95, never below $min_days; courses with fewer
--     than 20 measured learners take the p95 over every course instead),
--   returned_after_longer (measured learners of the course whose longest gap was longer than
--     dropout_days: came back after a silence the rule would have called a drop-out),
--   source ('course' | 'all courses' | 'floor': where dropout_days came from)
-- Parameters: $as_of (DATE), $min_days (INTEGER: LUMEN_DROPOUT_DAYS, the floor)
with

active_days as (
    select distinct events.user_id, modules.course_id, events.event_date
    from int_events as events
    join int_modules_checked as modules using (module_id)
    where modules.exclusion_reason is null and events.event_date <= $as_of::date
),

gaps as (
    select
        user_id,
        course_id,
        event_date - lag(event_date) over (partition by user_id, course_id order by event_date) as gap
    from active_days
),

longest as (
    select user_id, course_id, max(gap) as longest_gap
    from gaps
    where gap is not null
    group by all
),

courses as (
    select distinct course_id from active_days
),

per_course as (
    select course_id, count(*) as learners_measured, quantile_disc(longest_gap, 0.95) as p95_returning_gap
    from longest
    group by course_id
),

pooled as (
    select quantile_disc(longest_gap, 0.95) as p95 from longest
),

rules as (
    select
        courses.course_id,
        coalesce(per_course.learners_measured, 0) as learners_measured,
        per_course.p95_returning_gap,
        case
            when per_course.learners_measured >= 20 then 'course'
            when pooled.p95 is not null then 'all courses'
            else 'floor'
        end as source,
        greatest(
            coalesce(
                ceil(case when per_course.learners_measured >= 20 then per_course.p95_returning_gap else pooled.p95 end),
                0
            )::integer,
            $min_days::integer
        ) as dropout_days
    from courses
    left join per_course using (course_id)
    cross join pooled
),

final as (
    select
        rules.course_id,
        rules.learners_measured,
        rules.p95_returning_gap,
        rules.dropout_days,
        (count(longest.user_id) filter (longest.longest_gap > rules.dropout_days))::integer as returned_after_longer,
        rules.source
    from rules
    left join longest using (course_id)
    group by all
)

select * from final order by course_id
