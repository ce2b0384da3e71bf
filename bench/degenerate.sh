#!/usr/bin/env bash
# Degenerate data (issue #15): memory and time of `hearth link --spec` must stay bounded
# whatever the input. Three cases on the same normal file (bench/linkage_gen.py, 20,000
# people, ~50,000 records, seed 1):
#   normal        the normal file alone (the baseline)
#   identical50k  plus 50,000 identical police rows (one person recorded 50,000 times)
#   placeholder50k plus 50,000 police rows with placeholder identities ("NOT KNOWN",
#                 01/01/1900) at varied addresses and postcodes (50,000 different people)
# Prints wall time, peak RSS (max RSS from /usr/bin/time -v), lines of pairs.csv, people, and
# cluster precision/recall/F1 against the truth (the identical rows are one person; each
# placeholder row is its own person).
# Usage: bench/degenerate.sh [N_DEGENERATE] (default 50000). Outputs in bench/out/degenerate/.
# HEARTH_BIN: a binary to measure (`hearth`); default: the link_spec example (same library
# function as `hearth link --spec`), built here in release mode.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)/..
N=${1:-50000}
OUT=$ROOT/bench/out/degenerate
mkdir -p "$OUT"
if [ -n "${HEARTH_BIN:-}" ]; then
  HEARTH=("$HEARTH_BIN" link --spec); HEARTH_OUT=(--out)
else
  (cd "$ROOT" && cargo build --release -q -p hearth-linkage --example link_spec)
  HEARTH=("$ROOT/target/release/examples/link_spec"); HEARTH_OUT=()
fi
[ -f "$OUT/normal/in/records.csv" ] || python3 linkage_gen.py 20000 1 "$OUT/normal/in" 2>/dev/null

python3 - "$OUT" "$N" <<'PY'
import csv, os, random, shutil, sys
out, n = sys.argv[1], int(sys.argv[2])
base = os.path.join(out, "normal", "in")
rng = random.Random(15)
for case in ("identical%dk" % (n // 1000), "placeholder%dk" % (n // 1000)):
    d = os.path.join(out, case, "in")
    os.makedirs(d, exist_ok=True)
    shutil.copy(os.path.join(base, "records.csv"), os.path.join(d, "records.csv"))
    shutil.copy(os.path.join(base, "truth.csv"), os.path.join(d, "truth.csv"))
    with open(os.path.join(d, "records.csv"), "a", newline="") as f, \
         open(os.path.join(d, "truth.csv"), "a", newline="") as t:
        w, tw = csv.writer(f), csv.writer(t)
        for i in range(n):
            rid = "deg%d" % i
            if case.startswith("identical"):
                w.writerow([rid, "police", "John", "Smith", "1985-03-02", "M", "LS1 4AB",
                            "12 High Street", "", "", ""])
                tw.writerow(["all", rid, "degenerate-identical"])
            else:
                pc = "LS%d %d%s%s" % (rng.randrange(1, 30), rng.randrange(1, 10),
                                     rng.choice("ABDEFG"), rng.choice("ABDEFG"))
                w.writerow([rid, "police", "NOT KNOWN", "NOT KNOWN", "1900-01-01", "",
                            pc, "%d Station Road" % (i + 1), "", "", ""])
                tw.writerow(["all", rid, "degenerate-%d" % i])
PY

printf "| case | records | wall s | peak MB | pairs.csv lines | people | clusters P | clusters R | clusters F1 |\n"
printf "|---|---|---|---|---|---|---|---|---|\n"
for case in normal "identical$((N / 1000))k" "placeholder$((N / 1000))k"; do
  d=$OUT/$case
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
  /usr/bin/time -v taskset -c 0,1 "${HEARTH[@]}" "$d/in/spec.toml" "${HEARTH_OUT[@]}" "$d/out" \
    >"$d/run.log" 2>"$d/time.log" || { cat "$d/run.log" "$d/time.log" >&2; exit 1; }
  wall=$(grep "Elapsed (wall clock)" "$d/time.log" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(grep "Maximum resident set size" "$d/time.log" | awk '{print int($NF/1024)}')
  records=$(($(wc -l < "$d/in/records.csv") - 1))
  lines=$(($(wc -l < "$d/out/pairs.csv") - 1))
  people=$(grep '^people:' "$d/run.log" | awk '{print $2}')
  python3 linkage_eval.py "$d/in/truth.csv" "$d/out/pairs.csv" "$d/out/clusters.csv" > "$d/eval.json"
  c() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['clusters'][sys.argv[2]])" "$d/eval.json" "$1"; }
  printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n" "$case" "$records" "$wall" "$rss" "$lines" "$people" "$(c precision)" "$(c recall)" "$(c f1)"
done
