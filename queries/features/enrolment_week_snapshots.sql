-- enrolment_week_snapshots: everything the model may know about an enrolment (one learner in one
-- course) at the end of a week, built only from the learner's events on that course's modules on or
-- before that week's week_end (no look-ahead).
-- Grain: one row per enrolment (int_enrolments) per ISO week, from the week of enrolled_on to the
--   $as_of week inclusive, including weeks with no events (a never-active enrolment has only those).
-- Columns: user_id, course_id, week_start (Monday, DATE), week_end (Sunday, or $as_of), week_index
--   (1 = the week of enrolment), the six weekly features in the course (sessions, avg_progress,
--   modules_completed, avg_quiz_score, active_days, inactivity_days), lesson_events, quiz_attempts,
--   cum_active_days, cum_modules_completed, cum_quiz_attempts, cum_avg_quiz_score,
--   share_required_completed (cum completed modules / the course's required modules, at most 1),
--   progress_per_step (lesson progress gained per in-progress row so far, against the typical gain
--     per row on the same modules as known at the end of each week: 1 = typical, lower = slower; NULL
--     before the first in-progress row on a module whose typical gain is above 0),
--   never_active_to_date (no event in the course yet), enrolled_on,
--   active_days_14 (active days in the course in the two weeks ending week_end), required_modules,
--   modules_done (cum_modules_completed, at most required_modules),
--   peer features, comparing the enrolment with its peers: the enrolments of the same course in the
--   same calendar week and at the same stage (week 1, 2, 3 or 4+ since enrolment) — everything a peer
--   row holds is known at that same week_end, so a snapshot never changes when later data arrive:
--     peers (INTEGER, the group's size, the row itself included),
--     pct_days_inactive, pct_active_days_14, pct_cum_active_days, pct_modules_done (DOUBLE in [0, 1]:
--       the mid-rank share of peers with a lower value; 0.5 with fewer than 5 peers),
--     peer_days_inactive, peer_active_days_14, peer_cum_active_days, peer_modules_done,
--       peer_avg_quiz_score, peer_progress_per_step (the peers' medians, for the reasons staff read;
--       NULL with fewer than 5),
--   days_inactive_log (ln(1 + inactivity_days)), never_active (0/1),
--   plus outcome, completed_at, dropped_at (of the enrolment at $as_of, learner_outcomes) and
--   next_active_on (the first active day in the course after week_end, up to $as_of): used only to
--   label and to select rows, never as features
-- Parameters: none. Reads enrolment_week_base (built first, with $as_of: the end of the last
--   complete week, from int_events, int_enrolments and learner_outcomes).
-- Runs with its joins in the order written, the smaller side on the right (db.ts JOINS_AS_WRITTEN).
-- Definitions as weekly_behavioral_features, restricted to the course: a session starts at the first
--   event and at every event more than 30 minutes after the previous one in the course;
--   inactivity_days = week_end - the latest event date in the course on or before week_end, or -
--   enrolled_on while there is none.
with

-- Not materialised: each peer query reads only the columns it needs from the table.
snapshots as not materialized (
    select * from enrolment_week_base
),

-- Peers (same course, calendar week and stage) by GROUP BY rather than windows over every row: the
-- group's size and medians, and for each compared value how many peers have a lower value and how many
-- the same (lumen_mid_rank; NULLs last, as rank() orders them). Each peer group gets a number (gid)
-- and each rank row one BIGINT key, gid * 2^32 + the value (2^32 - 1 for NULL: the four values are
-- whole numbers of days or modules, never negative, far below 2^32), and is joined back on that one
-- key. Joined by the four columns, the optimizer may join the rank tables with each other first (they
-- share course, week and stage: 20x slower at 800 learners); joined by the four as one struct, the
-- struct hashing and comparison cost 4.7 s of this statement at 100k learners.
peer_stats as (
    select
        course_id, week_start, stage,
        count(*) as peers,
        median(inactivity_days) as peer_days_inactive,
        median(active_days_14) as peer_active_days_14,
        median(cum_active_days) as peer_cum_active_days,
        median(modules_done) as peer_modules_done,
        median(cum_avg_quiz_score) as peer_avg_quiz_score,
        median(progress_per_step) as peer_progress_per_step
    from snapshots
    group by all
),

peer_groups as (
    select *, row_number() over (order by course_id, week_start, stage)::BIGINT * 4294967296 as gid_key
    from peer_stats
),

-- The four compared values side by side (INCLUDE NULLS: a NULL value is ranked last, as rank() would),
-- each value's peers with a lower value and its ties, per peer group and value.
ranks as (
    select metric, gid_key + coalesce(value, 4294967295) as key, ties, lower
    from (
        select course_id, week_start, stage, metric, value, count(*) as ties,
               coalesce(sum(count(*)) over (partition by course_id, week_start, stage, metric order by value asc nulls last
                   rows between unbounded preceding and 1 preceding), 0) as lower
        from (
            select course_id, week_start, stage,
                   inactivity_days::BIGINT as inactivity_days, active_days_14::BIGINT as active_days_14,
                   cum_active_days::BIGINT as cum_active_days, modules_done::BIGINT as modules_done
            from snapshots
        ) unpivot include nulls (value for metric in (inactivity_days, active_days_14, cum_active_days, modules_done))
        group by course_id, week_start, stage, metric, value
    )
    join peer_groups using (course_id, week_start, stage)
),

rank_days_inactive as (select key, ties, lower from ranks where metric = 'inactivity_days'),
rank_active_days_14 as (select key, ties, lower from ranks where metric = 'active_days_14'),
rank_cum_active_days as (select key, ties, lower from ranks where metric = 'cum_active_days'),
rank_modules_done as (select key, ties, lower from ranks where metric = 'modules_done'),

keyed as (
    select
        snapshots.*,
        peer_groups.* exclude (course_id, week_start, stage, gid_key),
        peer_groups.gid_key + coalesce(snapshots.inactivity_days::BIGINT, 4294967295) as key_days_inactive,
        peer_groups.gid_key + coalesce(snapshots.active_days_14::BIGINT, 4294967295) as key_active_days_14,
        peer_groups.gid_key + coalesce(snapshots.cum_active_days::BIGINT, 4294967295) as key_cum_active_days,
        peer_groups.gid_key + coalesce(snapshots.modules_done::BIGINT, 4294967295) as key_modules_done
    from snapshots
    join peer_groups using (course_id, week_start, stage)
),

ranked as (
    select
        keyed.* exclude (key_days_inactive, key_active_days_14, key_cum_active_days, key_modules_done),
        lumen_mid_rank(r1.lower + 1, r1.ties, keyed.peers) as pct_days_inactive,
        lumen_mid_rank(r2.lower + 1, r2.ties, keyed.peers) as pct_active_days_14,
        lumen_mid_rank(r3.lower + 1, r3.ties, keyed.peers) as pct_cum_active_days,
        lumen_mid_rank(r4.lower + 1, r4.ties, keyed.peers) as pct_modules_done
    from keyed
    join rank_days_inactive as r1 on r1.key = keyed.key_days_inactive
    join rank_active_days_14 as r2 on r2.key = keyed.key_active_days_14
    join rank_cum_active_days as r3 on r3.key = keyed.key_cum_active_days
    join rank_modules_done as r4 on r4.key = keyed.key_modules_done
),

final as (
    select
        * exclude (
            stage, pct_days_inactive, pct_active_days_14, pct_cum_active_days, pct_modules_done,
            peer_days_inactive, peer_active_days_14, peer_cum_active_days, peer_modules_done, peer_avg_quiz_score,
            peer_progress_per_step
        ),
        -- Too few peers to compare with: neutral, and no "others" in the reasons.
        case when peers >= 5 then pct_days_inactive else 0.5 end as pct_days_inactive,
        case when peers >= 5 then pct_active_days_14 else 0.5 end as pct_active_days_14,
        case when peers >= 5 then pct_cum_active_days else 0.5 end as pct_cum_active_days,
        case when peers >= 5 then pct_modules_done else 0.5 end as pct_modules_done,
        case when peers >= 5 then peer_days_inactive end as peer_days_inactive,
        case when peers >= 5 then peer_active_days_14 end as peer_active_days_14,
        case when peers >= 5 then peer_cum_active_days end as peer_cum_active_days,
        case when peers >= 5 then peer_modules_done end as peer_modules_done,
        case when peers >= 5 then peer_avg_quiz_score end as peer_avg_quiz_score,
        case when peers >= 5 then peer_progress_per_step end as peer_progress_per_step
    from ranked
)

select * from final
