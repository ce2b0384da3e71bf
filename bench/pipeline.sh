#!/usr/bin/env bash
# End to end on a synthetic borough: synth → import → link → identify, each timed, then the
# accuracy of the eligible-family list against the ground truth.
#   bench/pipeline.sh [PEOPLE] [STORE]
# PEOPLE defaults to 300000; STORE defaults to a fresh SQLite file (give a postgres:// URL and
# set HEARTH_PG_SCHEMA to run on PostgreSQL). Prints wall time and peak memory per stage.
set -euo pipefail
cd "$(dirname "$0")/.."
people="${1:-300000}"
out="bench/out/pipeline-$people"
store="${2:-$out/hearth.sqlite}"
[ -n "${HEARTH_BIN:-}" ] || cargo build --release -q -p hearth  # HEARTH_BIN: a binary to measure instead (e.g. an earlier build)
bin="${HEARTH_BIN:-./target/release/hearth}"
rm -rf "$out"
mkdir -p "$out"
if [[ "$store" == postgres* ]]; then
  export HEARTH_PG_SCHEMA="${HEARTH_PG_SCHEMA:-hearth_bench}"
  psql "$store" -q -c "DROP SCHEMA IF EXISTS $HEARTH_PG_SCHEMA CASCADE" >/dev/null
fi

stage() {
  local name="$1"; shift
  /usr/bin/time -f "%e %M" -o "$out/time.$name" "$@" > "$out/log.$name" 2>&1 || { cat "$out/log.$name"; exit 1; }
  read -r secs kb < "$out/time.$name"
  printf '%-10s %8.1f s %8.0f MB\n' "$name" "$secs" "$((kb / 1024))"
  total=$(python3 -c "print(${total:-0} + $secs)")
}

echo "Hearth pipeline, $people people, store ${store%%\?*}, $(nproc) cores"
stage synth "$bin" synth --people "$people" --seed 1 --out "$out"
stage import "$bin" import --store "$store" "$out/sources"
stage link "$bin" link --store "$store" --as-at 2025-09-01
stage identify "$bin" identify --store "$store" --as-at 2025-09-01
printf '%-10s %8.1f s\n' total "$total"
rows=$(grep -hoE '[0-9]+ rows read' "$out/log.import" | awk '{s += $1} END {print s}')
python3 -c "
rows = $rows
for stage in ['synth', 'import']:
    secs = float(open('$out/time.' + stage).read().split()[0])
    print(f'{stage:<10} {rows / secs:>10,.0f} rows/s ({rows:,} partner rows)')
"
grep -E "^Linked|households|^Identification" "$out/log.link" "$out/log.identify" | sed 's/^[^:]*://'
if [[ "$store" != postgres* ]]; then
  python3 bench/identify_accuracy.py "$store" "$out"
fi
