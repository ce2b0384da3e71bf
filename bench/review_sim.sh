#!/usr/bin/env bash
# Review that finishes the job (issue #15): a simulated reviewer answers the review queue
# (`queue.csv` of `hearth link --spec`: one pair per two people, the decisions worth most
# first) from the truth; after each batch the engine re-links with every decision so far.
# Prints accuracy (pairwise from pairs.csv; clusters) against the number of pairs decided.
# Usage: bench/review_sim.sh [CASES...] (default: febrl4 borough20k gen20k hard20k; hardNk =
#        linkage_gen.py's hard tail)
#        STEPS=0,50,100,200,500,1000,2000 (cumulative pairs decided)
# HEARTH_BIN: the hearth binary (for `hearth synth`; default target/release/hearth, else
# target/debug/hearth); linking uses the link_spec example (= `hearth link --spec`), built here
# unless LINK_BIN names a link_spec binary to measure.
# Outputs in bench/out/review/.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)/..
OUT=$ROOT/bench/out/review
STEPS=${STEPS:-0,50,100,200,500,1000,2000}
mkdir -p "$OUT"
if [ -n "${LINK_BIN:-}" ]; then
  LINK=$LINK_BIN
else
  (cd "$ROOT" && cargo build --release -q -p hearth-linkage --example link_spec)
  LINK=$ROOT/target/release/examples/link_spec
fi
HEARTH=${HEARTH_BIN:-$ROOT/target/release/hearth}
[ -x "$HEARTH" ] || HEARTH=$ROOT/target/debug/hearth
SPEC_ALL='[[source]]
name = "all"
file = "records.csv"
record_id = "record_id"
[source.columns]
given_name = "given_name"
family_name = "family_name"
date_of_birth = "dob"
sex = "sex"
address = "address"
postcode = "postcode"
nhs_number = "nhs"
ni_number = "ni"
upn = "upn"'
printf "| case | pairs decided | records | records reviewed | queue | pairs P | pairs R | pairs F1 | clusters P | clusters R | clusters F1 |\n"
printf "|---|---|---|---|---|---|---|---|---|---|---|\n"
for c in ${@:-febrl4 borough20k gen20k hard20k}; do
  d=$OUT/$c; mkdir -p "$d/in"
  case $c in
    febrl4)
      python3 linkage_prep.py febrl4 "$ROOT/crates/linkage/tests/data/febrl4" "$d/in"
      for s in a b; do cat <<T; done > "$d/in/spec.toml"
[[source]]
name = "$s"
file = "$s.csv"
record_id = "record_id"
unique_people = true
[source.columns]
given_name = "given_name"
family_name = "family_name"
date_of_birth = "dob"
address = "address"
postcode = "postcode"
other_ids = { soc_sec_id = "soc_sec_id" }
T
      ;;
    borough*)
      people=${c#borough}; people=${people/k/000}
      synth=$ROOT/bench/out/synth$((people / 1000))k
      [ -f "$synth/truth/records.csv" ] || "$HEARTH" synth --people "$people" --seed 1 --out "$synth" >/dev/null
      python3 linkage_borough_prep.py "$synth" "$d/in" 2>/dev/null
      echo "$SPEC_ALL" > "$d/in/spec.toml"
      ;;
    gen*)
      people=${c#gen}; people=${people/k/000}
      python3 linkage_gen.py "$people" 1 "$d/in" 2>/dev/null
      echo "$SPEC_ALL" > "$d/in/spec.toml"
      ;;
    hard*) # linkage_gen.py with the hard tail (see its docstring)
      people=${c#hard}; people=${people/k/000}
      python3 linkage_gen.py "$people" 1 "$d/in" hard 2>/dev/null
      echo "$SPEC_ALL" > "$d/in/spec.toml"
      ;;
  esac
  python3 review_sim.py "$LINK" "$d" "$STEPS"
done
