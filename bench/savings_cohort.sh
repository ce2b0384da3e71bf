#!/usr/bin/env bash
# The cost savings calculator (issue 12) end to end on a synthetic borough's programme cohort:
# `hearth savings` on a copy of a store whose families were attached by `hearth outcomes
# --attach` (the cohort `hearth synth --cohort` plants), timed, then its before/after change
# compared with the same calculator over the synth's TRUE families, attachment dates and
# records (crates/pipeline/examples/savings_truth.rs), and the truth's own bands against the
# planted multipliers (bench/savings_truth_bands.py).
#   bench/savings_cohort.sh [PEOPLE]
# Environment: SAVINGS_BOROUGH, a folder with a built store (hearth.sqlite: imported, linked
# and identified as at 2025-09-01, attached from programme/attachments.csv) and the synth's
# truth/ (default /tmp/stores/oc300 when PEOPLE is 300000, as /tmp/stores/build.sh makes it;
# otherwise built here under SAVINGS_WORK); SAVINGS_WORK, the working folder (default
# /tmp/hsavings$PEOPLE); HEARTH_BIN (default target/release/hearth).
set -euo pipefail
cd "$(dirname "$0")/.."
people="${1:-300000}"
work="${SAVINGS_WORK:-/tmp/hsavings$people}"
bin="${HEARTH_BIN:-target/release/hearth}"
as_at=2027-08-31
mkdir -p "$work"
if [ -n "${SAVINGS_BOROUGH:-}" ]; then
  borough="$SAVINGS_BOROUGH"
elif [ "$people" = 300000 ] && [ -e /tmp/stores/READY ]; then
  borough=/tmp/stores/oc300
else
  borough="$work/borough"
  if [ ! -e "$borough/built" ]; then
    rm -rf "$borough"
    "$bin" synth --people "$people" --seed 1 --cohort --out "$borough" > "$work/log.synth"
    "$bin" import --store "$borough/hearth.sqlite" --as-new --today "$as_at" "$borough/sources" > "$work/log.import"
    "$bin" link --store "$borough/hearth.sqlite" --as-at 2025-09-01 > "$work/log.link"
    "$bin" identify --store "$borough/hearth.sqlite" --as-at 2025-09-01 > "$work/log.identify"
    "$bin" outcomes --store "$borough/hearth.sqlite" --attach "$borough/programme/attachments.csv" --as-at 2025-09-01 > "$work/log.attach"
    touch "$borough/built"
  fi
fi
# `hearth savings` keeps its run in the store: work on a copy.
cp "$borough/hearth.sqlite" "$work/hearth.sqlite"
rm -f "$work/hearth.sqlite-wal" "$work/hearth.sqlite-shm"
/usr/bin/time -f "wall %e s, peak %M KB" -o "$work/time.savings" \
  "$bin" savings --store "$work/hearth.sqlite" --as-at "$as_at" \
  --json "$work/savings.json" --xlsx "$work/savings.xlsx" > "$work/log.savings"
cat "$work/log.savings"
echo "hearth savings: $(cat "$work/time.savings")"
cargo build --release -q -p hearth-pipeline --example savings_truth
"${CARGO_TARGET_DIR:-target}/release/examples/savings_truth" "$work/hearth.sqlite" "$borough/truth" rules/savings.toml "$as_at"
echo
python3 bench/savings_truth_bands.py "$borough/truth"
