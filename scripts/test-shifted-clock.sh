#!/usr/bin/env bash
# Runs the tests that read the wall clock (schedules, week labels, snoozes, model age, file pruning)
# with the clock moved, so a test that only passes on the day it was written fails here first.
# Every process (vitest, its workers, spawned `lumen` workers) sees the same shifted clock through
# Debian's libfaketime; Redis keeps the real one, which BullMQ does not read.
#
#   scripts/test-shifted-clock.sh                 # the three dates below
#   scripts/test-shifted-clock.sh 2027-06-30T12:00:00Z [...]   # chosen instants (UTC)
#
# Default dates, worked out from today so they stay meaningful every year:
#   - about four months ahead;
#   - 27 December, 12:00 UTC (the next Mondays straddle a year boundary; ISO week 53 in some years);
#   - one week before Europe's spring clock change (the next two Mondays 08:00 in Berlin straddle it).
set -euo pipefail
cd "$(dirname "$0")/.."

FILES=(
  test/helpers/clock.test.ts
  test/jobs/digest-schedule.test.ts
  test/jobs/digest.test.ts
  test/jobs/publish-jobs.test.ts
  test/jobs/schedules.test.ts
  test/bot/at-risk-change.test.ts
  test/bot/feedback-log.test.ts
  test/cli/feedback.test.ts
)

if ! command -v faketime >/dev/null 2>&1; then
  echo "faketime is not installed (Debian package 'faketime'); .ci/run installs it" >&2
  exit 2
fi

now=$(date -u +%s)
year=$(date -u +%Y)
if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  next=$((year + 1))
  march31=$(date -u -d "${next}-03-31" +%s)
  dst_sunday=$((march31 - $(date -u -d "${next}-03-31" +%w) * 86400))
  targets=(
    "$(date -u -d "@$((now + 120 * 86400))" +%Y-%m-%dT%H:%M:%SZ)"
    "${year}-12-27T12:00:00Z"
    "$(date -u -d "@$((dst_sunday - 7 * 86400 + 12 * 3600))" +%Y-%m-%dT%H:%M:%SZ)"
  )
fi

for target in "${targets[@]}"; do
  at=$(date -u -d "$target" +%s)
  offset=$((at - $(date -u +%s)))
  echo "--- clock moved to $target (offset ${offset} s): ${#FILES[@]} test files"
  # -m: Node and DuckDB are multi-threaded. The monotonic clock stays real, so timers run normally.
  sign=$([ "$offset" -ge 0 ] && echo "+" || echo "")
  FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -m -f "${sign}${offset}" npx vitest run "${FILES[@]}"
done
