"""Pandas baseline of `lumen features` (issue 16 section 3), in the original notebooks' stack:
read_csv, string cleaning, groupby and a per-learner week grid.

It does the same work as `lumen features`: load the five files, validate them (the exclusion
reasons in Lumen's order, counted per file with their first five file lines, the export's span and
the as-of date), build the six weekly features with the counts and cumulative columns, and write
weekly_behavioral_features.csv and data_quality.json. It covers what `lumen generate` writes
(M/D/YYYY dates or ISO date-times with Z, times in UTC, no quoted fields spanning lines); it is a
benchmark, not a second implementation of every input rule in README.md.

Usage: /usr/bin/python3 bench/weekly_features_pandas.py DATA_DIR OUT_DIR
"""

import json
import os
import sys
import time

import numpy as np
import pandas as pd

SESSION_GAP = pd.Timedelta(minutes=30)
WHITESPACE = " \t\n\r\x0b\x0c\xa0"


def read(path):
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig")
    frame.columns = [c.strip().lower() for c in frame.columns]
    # File line of each row: the header is line 1 and no generated field spans lines.
    frame["line_no"] = np.arange(2, len(frame) + 2)
    return frame


def trim(series):
    return series.str.strip(WHITESPACE)


def parse_number(series):
    values = pd.to_numeric(series.str.strip(), errors="coerce")
    return values.where(np.isfinite(values))


def parse_time(series):
    """M/D/YYYY or ISO-8601 (Z or naive, UTC), NaT when neither."""
    slash = pd.to_datetime(series, format="%m/%d/%Y", errors="coerce")
    iso_rows = slash.isna() & series.str.contains("-", regex=False)
    if iso_rows.any():
        iso_text = series[iso_rows]
        iso = pd.to_datetime(iso_text, format="%Y-%m-%dT%H:%M:%SZ", errors="coerce")
        rest = iso.isna()
        if rest.any():
            iso[rest] = pd.to_datetime(iso_text[rest], errors="coerce", utc=True).dt.tz_localize(None)
        slash = slash.copy()
        slash[iso_rows] = iso
    return slash


def first_lines(lines):
    return sorted(int(x) for x in lines)[:5]


def exclusion_report(file, frame, reason, column):
    rows = []
    excluded = frame[reason.notna()]
    for (why, col), group in excluded.groupby([reason[reason.notna()], column[reason.notna()]]):
        rows.append({"reason": why, "column": col, "rows": int(len(group)), "firstLines": first_lines(group["line_no"].nsmallest(5))})
    return {"file": file, "rowsRead": int(len(frame)), "excluded": sorted(rows, key=lambda r: (r["reason"], r["column"]))}


def check_events(frame, id_col, time_col, time_label, value_col, roles, kept_modules):
    """The reasons of queries/macros/lumen_checked_events.sql, in its order."""
    n = len(frame)
    reason = np.full(n, None, dtype=object)
    column = np.full(n, None, dtype=object)

    def mark(mask, why, col):
        mask = np.asarray(mask) & pd.isna(reason)
        reason[mask] = why
        column[mask] = col

    is_learner = frame["user_id"].map(roles["is_learner"])
    is_kept = frame["user_id"].map(roles["is_kept"])
    mark(is_learner.eq(False), "staff_account", "user_id")
    mark(~is_kept.eq(True), "unknown_user", "user_id")
    mark(~frame["module_id"].isin(kept_modules), "unknown_module", "module_id")
    mark(frame[id_col].eq(""), "unparseable_value", id_col)
    mark(frame["ts"].isna(), "unparseable_value", time_label)
    mark(frame["value"].isna(), "unparseable_value", value_col)
    mark((frame["value"] < 0) | (frame["value"] > 100), "out_of_range", value_col)
    mark(frame.duplicated(id_col, keep="first"), "duplicate_id", id_col)
    return pd.Series(reason, index=frame.index), pd.Series(column, index=frame.index)


def event_span(days, written_on):
    """queries/intermediate/int_event_span.sql: the latest run of event days holding 10%."""
    counts = days.value_counts().sort_index()
    counts = counts[counts.index <= written_on + pd.Timedelta(days=1)]
    if counts.empty:
        return None, None
    run_no = (counts.index.to_series().diff() > pd.Timedelta(days=90)).cumsum()
    runs = pd.DataFrame({"day": counts.index, "events": counts.values, "run": run_no.values}).groupby("run").agg(
        start=("day", "min"), end=("day", "max"), events=("events", "sum")
    )
    big = runs[runs["events"] >= 0.10 * runs["events"].sum()]
    chosen = big.sort_values("end").iloc[-1] if len(big) else runs.sort_values(["events", "end"]).iloc[-1]
    return chosen["start"], chosen["end"]


def main(data_dir, out_dir):
    started = time.perf_counter()
    users = read(os.path.join(data_dir, "lms_users.csv"))
    courses = read(os.path.join(data_dir, "lms_courses.csv"))
    modules = read(os.path.join(data_dir, "lms_modules.csv"))
    lessons = read(os.path.join(data_dir, "lms_lesson_activity.csv"))
    quizzes = read(os.path.join(data_dir, "lms_quiz_attempts.csv"))
    print(f"load {time.perf_counter() - started:.1f} s", file=sys.stderr)

    # reference files
    users["user_id"] = trim(users["user_id"])
    role = trim(users["role"]).str.lower()
    users["is_learner"] = role.isin(["learner", "student"])
    users["reason"] = np.where(
        ~users["is_learner"], "staff_account",
        np.where(users["user_id"].eq(""), "unparseable_value",
                 np.where(users.duplicated("user_id"), "duplicate_id", None)))
    users.loc[users["reason"].isna(), "reason"] = None
    roles = users.groupby("user_id", sort=False).agg(
        is_learner=("is_learner", "first"), is_kept=("reason", lambda r: r.isna().any())
    )
    courses["course_id"] = trim(courses["course_id"])
    kept_courses = set(courses.loc[courses["course_id"].ne("") & ~courses.duplicated("course_id"), "course_id"])
    modules["module_id"] = trim(modules["module_id"])
    modules["course_id"] = trim(modules["course_id"])
    sequence = parse_number(modules["sequence_no"])
    modules_kept = modules["course_id"].isin(kept_courses) & modules["module_id"].ne("") & sequence.notna()
    modules_kept &= ~modules.duplicated("module_id")
    kept_modules = set(modules.loc[modules_kept, "module_id"])

    # event files
    for frame, id_col, time_col, value_col in (
        (lessons, "activity_id", "event_time", "progress"),
        (quizzes, "attempt_id", "attempt_date", "score"),
    ):
        for col in (id_col, "user_id", "module_id"):
            frame[col] = trim(frame[col])
        frame["ts"] = parse_time(trim(frame[time_col]))
        frame["value"] = parse_number(frame[value_col])
        frame.drop(columns=[time_col, value_col], inplace=True)
    lessons["status"] = trim(lessons["status"]).str.lower().str.replace(" ", "_").str.replace("-", "_")
    lesson_reason, lesson_column = check_events(
        lessons, "activity_id", "ts", "event_time", "progress", roles, kept_modules)
    quiz_reason, quiz_column = check_events(
        quizzes, "attempt_id", "ts", "attempt_date", "score", roles, kept_modules)

    written_at = min(time.time(), max(os.path.getmtime(os.path.join(data_dir, f))
                                      for f in ("lms_lesson_activity.csv", "lms_quiz_attempts.csv")))
    written_on = pd.Timestamp(written_at, unit="s").normalize()
    lessons["date"] = lessons["ts"].dt.normalize()
    quizzes["date"] = quizzes["ts"].dt.normalize()
    kept_days = pd.concat([lessons.loc[lesson_reason.isna(), "date"], quizzes.loc[quiz_reason.isna(), "date"]])
    span_start, span_end = event_span(kept_days, written_on)
    as_of = span_end
    for frame, reason, column, time_label in (
        (lessons, lesson_reason, lesson_column, "event_time"),
        (quizzes, quiz_reason, quiz_column, "attempt_date"),
    ):
        open_rows = reason.isna()
        outside = open_rows & ~frame["date"].between(span_start, span_end)
        reason[outside] = "outside_span"
        column[outside] = time_label
        after = reason.isna() & (frame["date"] > as_of)
        reason[after] = "after_as_of"
        column[after] = time_label

    files = [
        exclusion_report("lms_users.csv", users, users["reason"], pd.Series(np.where(users["reason"].eq("staff_account"), "role", "user_id"), index=users.index)),
        exclusion_report("lms_lesson_activity.csv", lessons, lesson_reason, lesson_column),
        exclusion_report("lms_quiz_attempts.csv", quizzes, quiz_reason, quiz_column),
    ]
    print(f"validate {time.perf_counter() - started:.1f} s", file=sys.stderr)

    # features
    events = pd.concat([
        pd.DataFrame({"user_id": lessons["user_id"], "module_id": lessons["module_id"], "ts": lessons["ts"],
                      "date": lessons["date"], "status": lessons["status"], "progress": lessons["value"],
                      "score": np.nan, "lesson": 1, "quiz": 0})[lesson_reason.isna()],
        pd.DataFrame({"user_id": quizzes["user_id"], "module_id": quizzes["module_id"], "ts": quizzes["ts"],
                      "date": quizzes["date"], "status": None, "progress": np.nan,
                      "score": quizzes["value"], "lesson": 0, "quiz": 1})[quiz_reason.isna()],
    ], ignore_index=True)
    del lessons, quizzes
    events["week_start"] = events["date"] - pd.to_timedelta(events["date"].dt.dayofweek, unit="D")

    events.sort_values(["user_id", "ts"], inplace=True, kind="stable")
    new_learner = events["user_id"].ne(events["user_id"].shift())
    starts = new_learner | (events["ts"].diff() > SESSION_GAP)
    sessions = events[starts].groupby(["user_id", "week_start"]).size().rename("sessions")

    completed = events[events["status"].eq("completed")]
    first_done = completed.groupby(["user_id", "module_id"])["ts"].min().dt.normalize()
    first_done = (first_done - pd.to_timedelta(first_done.dt.dayofweek, unit="D")).rename("week_start").reset_index()
    modules_completed = first_done.groupby(["user_id", "week_start"]).size().rename("modules_completed")

    weekly = events.groupby(["user_id", "week_start"]).agg(
        lesson_events=("lesson", "sum"),
        quiz_attempts=("quiz", "sum"),
        progress_sum=("progress", "sum"),
        score_sum=("score", "sum"),
        active_days=("date", "nunique"),
        last_event_date=("date", "max"),
    )

    # the per-learner week grid, from the week of the first event to the as-of week
    first_week = events.groupby("user_id")["week_start"].min()
    as_of_week = as_of - pd.Timedelta(days=as_of.dayofweek)
    weeks = ((as_of_week - first_week).dt.days // 7 + 1).to_numpy()
    grid = pd.DataFrame({
        "user_id": np.repeat(first_week.index.to_numpy(), weeks),
        "week_index": np.concatenate([np.arange(1, n + 1) for n in weeks]) if len(weeks) else [],
    })
    grid["week_start"] = np.repeat(first_week.to_numpy(), weeks) + pd.to_timedelta((grid["week_index"] - 1) * 7, unit="D")
    grid = grid.join(weekly, on=["user_id", "week_start"]).join(sessions, on=["user_id", "week_start"]).join(
        modules_completed, on=["user_id", "week_start"])
    for col in ("sessions", "modules_completed", "lesson_events", "quiz_attempts", "progress_sum", "score_sum", "active_days"):
        grid[col] = grid[col].fillna(0)
    grid["week_end"] = (grid["week_start"] + pd.Timedelta(days=6)).clip(upper=as_of)

    by_learner = grid.groupby("user_id", sort=False)
    for col in ("sessions", "active_days", "modules_completed", "lesson_events", "quiz_attempts", "progress_sum", "score_sum"):
        grid[f"cum_{col}"] = by_learner[col].cumsum()
    grid["latest_event_date"] = by_learner["last_event_date"].ffill()

    out = pd.DataFrame({
        "user_id": grid["user_id"],
        "week_start": grid["week_start"].dt.strftime("%Y-%m-%d"),
        "week_index": grid["week_index"],
        "sessions": grid["sessions"].astype(int),
        "avg_progress": (grid["progress_sum"] / grid["lesson_events"].where(grid["lesson_events"] > 0)).round(10),
        "modules_completed": grid["modules_completed"].astype(int),
        "avg_quiz_score": (grid["score_sum"] / grid["quiz_attempts"].where(grid["quiz_attempts"] > 0)).round(10),
        "active_days": grid["active_days"].astype(int),
        "inactivity_days": (grid["week_end"] - grid["latest_event_date"]).dt.days,
        "week_end": grid["week_end"].dt.strftime("%Y-%m-%d"),
        "lesson_events": grid["lesson_events"].astype(int),
        "quiz_attempts": grid["quiz_attempts"].astype(int),
        "cum_sessions": grid["cum_sessions"].astype(int),
        "cum_active_days": grid["cum_active_days"].astype(int),
        "cum_modules_completed": grid["cum_modules_completed"].astype(int),
        "cum_lesson_events": grid["cum_lesson_events"].astype(int),
        "cum_quiz_attempts": grid["cum_quiz_attempts"].astype(int),
        "cum_avg_progress": (grid["cum_progress_sum"] / grid["cum_lesson_events"].where(grid["cum_lesson_events"] > 0)).round(10),
        "cum_avg_quiz_score": (grid["cum_score_sum"] / grid["cum_quiz_attempts"].where(grid["cum_quiz_attempts"] > 0)).round(10),
    })
    out.sort_values(["user_id", "week_start"], inplace=True, kind="stable")
    print(f"features {time.perf_counter() - started:.1f} s", file=sys.stderr)

    os.makedirs(out_dir, exist_ok=True)
    out.to_csv(os.path.join(out_dir, "weekly_behavioral_features.csv"), index=False)
    with open(os.path.join(out_dir, "data_quality.json"), "w") as f:
        json.dump({"asOf": as_of.strftime("%Y-%m-%d"), "eventSpan": {"start": span_start.strftime("%Y-%m-%d"), "end": span_end.strftime("%Y-%m-%d")},
                   "files": files}, f, indent=2)
    print(f"write {time.perf_counter() - started:.1f} s", file=sys.stderr)
    print(f"{len(out)} learner-weeks for {out['user_id'].nunique()} learners, as of {as_of.strftime('%Y-%m-%d')}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
