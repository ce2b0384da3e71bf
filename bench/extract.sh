#!/usr/bin/env bash
# The national evaluation extract of a synthetic borough: wall time and peak memory of
# `hearth extract national-evaluation` (issue #13's target: a 300k borough in under 30 s).
#   bench/extract.sh [PEOPLE]          (default 300000; HEARTH_BIN=path to measure a build)
# Builds the borough's store first (synth, import, link, identify; not timed), records one
# family's objection, then times the extract. The recipient key is a throwaway.
set -euo pipefail
cd "$(dirname "$0")/.."
people="${1:-300000}"
[ -n "${HEARTH_BIN:-}" ] || cargo build --release -q -p hearth
bin="${HEARTH_BIN:-./target/release/hearth}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export HEARTH_STORE="$work/hearth.sqlite"
"$bin" synth --people "$people" --seed 1 --out "$work/borough" > /dev/null
"$bin" import "$work/borough/sources" > /dev/null
"$bin" link --as-at 2025-09-01 > /dev/null
"$bin" identify > /dev/null
family="$(sqlite3 "$HEARTH_STORE" "SELECT family_id FROM family_assessment WHERE eligible = 1 LIMIT 1")"
"$bin" objections add --family "$family" --scope research --received-on 2025-10-01 --how letter > /dev/null
mkdir "$work/out"
/usr/bin/time -f "wall %e s, peak %M KB" "$bin" extract national-evaluation \
  --recipient age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p --out "$work/out"
