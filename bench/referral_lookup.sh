#!/usr/bin/env bash
# One referral lookup against a linked store (target: under 50 ms at 1,000,000 records):
# synth → import → link at PEOPLE people, then `bench_lookup` (crates/cli/examples) builds the
# lookup index as the web server does (once) and times 1,000 lookups.
#   bench/referral_lookup.sh [PEOPLE] [LOOKUPS]   (the default 330,000 people give ~1.02 M records)
set -euo pipefail
cd "$(dirname "$0")/.."
people="${1:-330000}"   # 330,000 people: about 1.02 million records
lookups="${2:-1000}"
out="bench/out/lookup-$people"
store="$out/hearth.sqlite"
cargo build --release -q -p hearth --example bench_lookup
[ -n "${HEARTH_BIN:-}" ] || cargo build --release -q -p hearth
bin="${HEARTH_BIN:-./target/release/hearth}"
if [ ! -f "$store" ]; then
  rm -rf "$out"; mkdir -p "$out"
  "$bin" synth --people "$people" --seed 1 --out "$out" > /dev/null
  "$bin" import --store "$store" "$out/sources" > "$out/log.import"
  "$bin" link --store "$store" --as-at 2025-09-01 | head -1
fi
/usr/bin/time -f "peak memory %M KB" ./target/release/examples/bench_lookup "$store" "$lookups"
