#!/usr/bin/env bash
# Benchmark of `hearth synth`: builds the release binary, generates a 300,000-person borough
# and prints wall time, rows per source file and rows per second.
# Usage: bench/synth.sh [PEOPLE] [SEED]   (from anywhere; outputs go to bench/out/)
set -euo pipefail
cd "$(dirname "$0")/.."
PEOPLE="${1:-300000}"
SEED="${2:-1}"
OUT="bench/out/synth$((PEOPLE / 1000))k"

cargo build --release -p hearth
rm -rf "$OUT"
start=$(date +%s.%N)
./target/release/hearth synth --people "$PEOPLE" --seed "$SEED" --out "$OUT"
end=$(date +%s.%N)
wall=$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.3f", b-a}')

echo
echo "== hearth synth --people $PEOPLE --seed $SEED ($(nproc) cores)"
total=0
for f in "$OUT"/sources/*; do
  name=$(basename "$f")
  stem="${name%.*}"
  rows=$(awk -F' = ' -v k="$stem" '/^\[rows\]/{s=1;next} /^\[/{s=0} s && $1==k {print $2}' "$OUT/truth/manifest.toml")
  size=$(du -h "$f" | cut -f1)
  printf "  %-20s %10s rows  %6s\n" "$name" "$rows" "$size"
  total=$((total + rows))
done
printf "  %-20s %10s rows\n" "total" "$total"
printf "wall time: %.2f s\n" "$wall"
printf "rows/second: %.0f\n" "$(awk -v t="$total" -v w="$wall" 'BEGIN{print t/w}')"
