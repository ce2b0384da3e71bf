#!/usr/bin/env bash
# A combined authority's scale (issue #15): `hearth link --spec` (the release binary, with its
# allocator) on bench/linkage_gen.py data of growing size, pinned to two cores, with wall time,
# peak memory (max RSS) and the run's own stage timings. HEARTH_BIN: a hearth binary already
# built (default: build target/release/hearth).
# Target: 10,000,000 records in under 2 minutes and under 12 GB on the project machine.
# Usage: bench/scale.sh [PEOPLE...]   (default 420000 840000 2100000: 1.04 M, 2.08 M, 5.2 M
#        records; 4200000 people = 10.4 M records — run that only on a machine with 12 GB free)
# Data under /tmp/linkage/genNk (made once, ~80 MB per million records); outputs under
# /tmp/linkage/genNk/out (pairs.csv is large: deleted after the run).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${HEARTH_BIN:-}" ]; then
  cargo build --release -q -p hearth
  HEARTH_BIN=target/release/hearth
fi
for PEOPLE in "${@:-420000 840000 2100000}"; do
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
  echo "== $PEOPLE people ($(($(wc -l < "$D/in/records.csv") - 1)) records)"
  /usr/bin/time -f "wall %e s, peak %M KB, user %U s, sys %S s" taskset -c 0,1 \
    "$HEARTH_BIN" link --spec "$D/in/spec.toml" --out "$D/out" 2>&1 | grep -E "^(records|candidate|people|time|wall)"
  rm -f "$D/out/pairs.csv" "$D/out/review.csv"
done
