#!/usr/bin/env bash
# Outcomes on a synthetic programme cohort: synth --cohort → import (the period's files and
# the later extracts) → link and identify as at 2025-09-01 → attach the council's list
# (freezing baselines) → judge every attached family as at the end of the follow-up, timed;
# then precision and recall of claimable families and their dates against the truth.
#   bench/outcomes.sh [PEOPLE]        (default 300000; SQLite store under /tmp/outcomes)
set -euo pipefail
cd "$(dirname "$0")/.."
people="${1:-300000}"
out="${OUT:-/tmp/outcomes/bench-$people}"
store="$out/hearth.sqlite"
[ -n "${HEARTH_BIN:-}" ] || cargo build --release -q -p hearth
bin="${HEARTH_BIN:-./target/release/hearth}"
rm -rf "$out"
mkdir -p "$out"

stage() {
  local name="$1"; shift
  /usr/bin/time -f "%e %M" -o "$out/time.$name" "$@" > "$out/log.$name" 2>&1 || { cat "$out/log.$name"; exit 1; }
  read -r secs kb < "$out/time.$name"
  printf '%-10s %8.1f s %8.0f MB\n' "$name" "$secs" "$((kb / 1024))"
}

echo "Hearth outcomes, $people people, $(nproc) cores"
stage synth "$bin" synth --people "$people" --seed 1 --cohort --out "$out"
stage import "$bin" import --store "$store" --as-new --today 2027-08-31 "$out/sources"
stage link "$bin" link --store "$store" --as-at 2025-09-01
stage identify "$bin" identify --store "$store" --as-at 2025-09-01
stage attach "$bin" outcomes --store "$store" --attach "$out/programme/attachments.csv" --as-at 2025-09-01
stage outcomes "$bin" outcomes --store "$store" --as-at 2027-08-31
cat "$out/log.attach" "$out/log.outcomes"
python3 bench/outcomes_accuracy.py "$store" "$out"
