#!/usr/bin/env bash
# What the planted programme effect comes to in the synthetic boroughs' true facts alone,
# across many boroughs: the estimand the local impact evaluation (issue #17) is checked
# against, with no Hearth stage in the way (nothing is imported, linked or evaluated):
#   HEARTH_BIN=path bench/impact_truth.sh FIRST LAST        (seeds FIRST to LAST)
# Each seed runs `hearth synth --people N --seed S --cohort` and keeps only
# truth/service_use.csv (gzipped) and truth/effects.toml, so 200 seeds take a few tens of MB;
# a seed already kept is not run again, so a run can be resumed or extended.
# Counted as the evaluation counts them: events in months 0–24 after the reference date
# (attachment, or the comparison family's drawn date), looked after and child protection as
# spells starting (one per child and spell), rates per day observed (absence per possible
# session); attached against never-attached eligible families. Per outcome, over seeds:
#   - the ratio of the summed per-borough rates − 1, ± a jackknife SE (leave one seed out):
#     the figure to set against the planted effect;
#   - the mean of the per-borough relatives (programme ÷ comparison − 1) ± SE, which sits
#     above the effect for rare outcomes (E[1/comparison] > 1/E[comparison]);
#   - exp(mean log(1 + relative)) − 1, the centre on the log scale;
# and the same for the 12 months before the reference date, where no effect is planted.
# Options (environment): IMPACT_PEOPLE=n (default 300000); IMPACT_TRUTH_WORK=folder (default
# /tmp/imptruth).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${HEARTH_BIN:-}" ] || [ $# -ne 2 ] || [ "$1" -gt "$2" ]; then
  echo "usage: HEARTH_BIN=path bench/impact_truth.sh FIRST LAST" >&2
  exit 2
fi
[ -x "$HEARTH_BIN" ] || { echo "HEARTH_BIN=$HEARTH_BIN is not an executable" >&2; exit 2; }
people="${IMPACT_PEOPLE:-300000}"
root="${IMPACT_TRUTH_WORK:-/tmp/imptruth}"
first=$1 last=$2
mkdir -p "$root"
start=$(date +%s)
for s in $(seq "$first" "$last"); do
  dir="$root/s$s"
  # effects.toml is moved in last, so its presence means the seed is complete.
  [ -f "$dir/effects.toml" ] && continue
  rm -rf "$dir" && mkdir -p "$dir"
  "$HEARTH_BIN" synth --people "$people" --seed "$s" --cohort --out "$dir/borough" > "$dir/synth.txt" \
    || { echo "seed $s: hearth synth failed, see $dir/synth.txt" >&2; exit 1; }
  gzip -c "$dir/borough/truth/service_use.csv" > "$dir/service_use.csv.gz"
  mv "$dir/borough/truth/effects.toml" "$dir/effects.toml.part"
  rm -rf "$dir/borough"
  mv "$dir/effects.toml.part" "$dir/effects.toml"
  echo "seed $s: $(grep -h '^Time:' "$dir/synth.txt")" >&2
done
python3 - "$root" "$people" "$first" "$last" "$start" <<'PY'
import collections, csv, gzip, math, statistics, sys, time, tomllib
root, people, first, last, start = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
seeds = range(first, last + 1)
# service_use.csv's columns, as bench/impact_seeds.sh's realised_all() reads them; the
# denominator is days observed except for absence (possible sessions).
column = {"looked_after": "looked_after_starts", "child_protection": "child_protection_starts",
          "custody": "custody", "offending": "offending", "domestic_abuse": "domestic_abuse",
          "exclusions": "exclusions", "a_and_e": "a_and_e", "absence": "absence_sessions"}
# A no-effect control drawn by the same generator code, if the truth carries it.
controls = {"children_in_need": "children_in_need_starts"}
after = ["months_0_6", "months_7_12", "months_13_18", "months_19_24"]
before = ["before_12"]

def borough(path):
    """(band, group) -> column -> sum over the borough's eligible families."""
    sums = collections.defaultdict(lambda: collections.defaultdict(float))
    with gzip.open(path, "rt", newline="") as f:
        for row in csv.DictReader(f):
            t = sums[(row["band"], row["group"])]
            t["days"] += int(row["observed_days"])
            for k in list(column.values()) + list(controls.values()) + ["possible_sessions"]:
                if k in row:
                    t[k] += float(row[k])
    return sums

def rates(sums, bands, outcome, col):
    """(programme rate, comparison rate, programme events, comparison events) or None."""
    den = "possible_sessions" if outcome == "absence" else "days"
    g = {grp: [sum(sums[(b, grp)][k] for b in bands) for k in (col, den)] for grp in ("attached", "comparison")}
    (pe, pd), (ce, cd) = g["attached"], g["comparison"]
    return (pe / pd, ce / cd, pe, ce) if pd and cd else None

truth, planted = {}, {}
for s in seeds:
    truth[s] = borough(f"{root}/s{s}/service_use.csv.gz")
    effects = tomllib.load(open(f"{root}/s{s}/effects.toml", "rb")).get("effects", {})
    planted[s] = {k: v["multiplier"] - 1 for k, v in effects.items()}
present = truth[first][("months_0_6", "comparison")].keys()
outcomes = {**column, **{o: c for o, c in controls.items() if c in present}}
# The planted multipliers are the generator's, not drawn per seed: say so if that changes.
if any(planted[s] != planted[first] for s in seeds):
    print("NOTE: the planted effects differ between seeds; the first seed's are shown")

def f(x, p=3):
    """Signed, with a true minus sign as in bench/RESULTS.md."""
    return f"{x:+.{p}f}".replace("-", "−")

def summary(per):
    """per: seed -> (p rate, c rate, p events, c events). The three figures and their SEs."""
    ss = [s for s in per if per[s]]
    n = len(ss)
    P, C = sum(per[s][0] for s in ss), sum(per[s][1] for s in ss)
    ratio = P / C - 1 if C else float("nan")
    jk = [(P - per[s][0]) / (C - per[s][1]) - 1 for s in ss if C - per[s][1]]
    jm = statistics.fmean(jk)
    jse = math.sqrt((n - 1) / n * sum((j - jm) ** 2 for j in jk))
    # A borough with no comparison event has no relative; one with no programme event has
    # no log: both are left out of those means and counted.
    rel = [per[s][0] / per[s][1] - 1 for s in ss if per[s][1]]
    mrel = statistics.fmean(rel)
    rse = statistics.stdev(rel) / math.sqrt(len(rel))
    logs = [math.log1p(r) for r in rel if r > -1]
    glog = math.exp(statistics.fmean(logs)) - 1
    ev = (statistics.fmean(per[s][2] for s in ss), statistics.fmean(per[s][3] for s in ss))
    return ratio, jse, mrel, rse, glog, n - len(rel), len(rel) - len(logs), ev

def table(bands, show_planted):
    print("| outcome | planted | ratio of the summed rates − 1 | mean of the per-borough relatives "
          "| mean of log(1 + relative), as a relative | events a borough (programme : comparison) "
          "| left out (no comparison; no programme event) |")
    print("|---|---|---|---|---|---|---|")
    for o, col in outcomes.items():
        ratio, jse, mrel, rse, glog, noc, nop, ev = summary({s: rates(truth[s], bands, o, col) for s in seeds})
        w = f(planted[first][o], 2) if show_planted and o in planted[first] else "none"
        print(f"| {o} | {w} | **{f(ratio)} ± {jse:.3f}** | {f(mrel)} ± {rse:.3f} | {f(glog)} "
              f"| {ev[0]:.1f} : {ev[1]:.1f} | {noc}; {nop} |")

k = len(seeds)
print(f"Truth only: {k} synthetic boroughs of {people} people (seeds {first}–{last}), attached against "
      f"never-attached eligible families; ± jackknife SE over seeds (ratio), SD ÷ √n (mean).")
print()
print("Months 0–24 after the reference date:")
print()
table(after, True)
if "children_in_need" not in outcomes:
    print()
    print("(No children-in-need column in truth/service_use.csv: that no-effect control is not shown.)")
print()
print("Control, the 12 months before the reference date (no effect planted; the groups should match):")
print()
table(before, False)
print()
print(f"{k} seeds; wall {time.time() - start:.0f} s (synth of the seeds not already kept, and this summary)")
PY
