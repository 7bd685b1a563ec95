-- learner_overall_outcomes: each learner's enrolment outcomes (learner_outcomes) rolled up to the
-- learner, for the programme-level views (overview, department and inactivity charts, the quiz
-- forecast) that count learners, not enrolments.
-- Grain: one row per learner with at least one enrolment in learner_outcomes.
-- Columns: user_id, first_name, last_name, department, courses (course ids joined by ';'),
--   enrolments (INTEGER), days_inactive (the smallest over the learner's enrolments),
--   outcome ('open' while any enrolment is open; 'completed' when every one completed; else 'dropped')
-- Parameters: none
select
    user_id,
    any_value(first_name) as first_name,
    any_value(last_name) as last_name,
    any_value(department) as department,
    string_agg(course_id, ';' order by course_id) as courses,
    count(*)::integer as enrolments,
    min(days_inactive) as days_inactive,
    case
        when bool_or(outcome = 'open') then 'open'
        when bool_and(outcome = 'completed') then 'completed'
        else 'dropped'
    end as outcome
from learner_outcomes
group by user_id
order by user_id
