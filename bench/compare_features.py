"""Compares two weekly_behavioral_features.csv files: the same rows (learner x week) and the same
values in the six features and the columns after them; numbers within 1e-9 (the means are rounded
to 10 decimals, so the last digit may differ with summation order). Prints one JSON line; exit 1
when they differ.

Usage: /usr/bin/python3 bench/compare_features.py A.csv B.csv
"""

import json
import sys

import numpy as np
import pandas as pd

TOLERANCE = 1e-9


def read(path):
    frame = pd.read_csv(path, dtype={"user_id": str, "week_start": str, "week_end": str}, keep_default_na=True)
    return frame.sort_values(["user_id", "week_start"], kind="stable").reset_index(drop=True)


def main(a_path, b_path):
    a, b = read(a_path), read(b_path)
    result = {"rows": [len(a), len(b)], "columns": 0, "differing": {}}
    if len(a) != len(b) or not a["user_id"].equals(b["user_id"]) or not a["week_start"].equals(b["week_start"]):
        result["differing"]["(rows)"] = "the learner-week rows differ"
    else:
        for column in a.columns:
            if column not in b.columns:
                continue
            result["columns"] += 1
            x, y = a[column], b[column]
            if x.dtype.kind in "fi" and y.dtype.kind in "fi":
                x, y = x.to_numpy(float), y.to_numpy(float)
                same = (np.isnan(x) & np.isnan(y)) | (np.abs(x - y) <= TOLERANCE)
            else:
                same = (x.astype(str) == y.astype(str)).to_numpy()
            if not same.all():
                first = int(np.argmin(same))
                result["differing"][column] = {
                    "rows": int((~same).sum()),
                    "first": [str(a.loc[first, "user_id"]), str(a.loc[first, "week_start"]), str(a[column][first]), str(b[column][first])],
                }
    result["identical"] = not result["differing"]
    print(json.dumps(result))
    sys.exit(0 if result["identical"] else 1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
