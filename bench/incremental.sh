#!/usr/bin/env bash
# Incremental linking (issue #15): NEW records linked into a store of about a million
# records, timed, and compared with a full re-link of everything.
#
# Data: bench/linkage_gen.py PEOPLE 1 (default 420,000 people = 1,040,444 records), under
# /tmp/linkage/genNk (made once). The `link_incremental` example (release build) holds back
# NEW records spread through the file (default 10,000: a month's new records, mostly of known
# people), links the rest in full (the "last run"), builds the index from them and the kept
# model (as `hearth link --incremental` does), links the NEW records in (the timed
# incremental step), then re-links everything in full and counts the same-person record pairs
# on which the two results differ.
# Usage: bench/incremental.sh [PEOPLE] [NEW]   (pinned to two cores with taskset)
set -euo pipefail
cd "$(dirname "$0")/.."
PEOPLE=${1:-420000}
NEW=${2:-10000}
D=/tmp/linkage/gen$((PEOPLE / 1000))k
mkdir -p "$D/in"
[ -f "$D/in/records.csv" ] || python3 bench/linkage_gen.py "$PEOPLE" 1 "$D/in"
cat > "$D/in/spec.toml" <<T
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
cargo build --release -q -p hearth-linkage --example link_incremental
/usr/bin/time -f "wall %e s, peak %M KB" taskset -c 0,1 \
  target/release/examples/link_incremental "$D/in/spec.toml" "$NEW"
