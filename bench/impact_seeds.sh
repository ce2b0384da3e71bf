#!/usr/bin/env bash
# The local impact evaluation (issue #17) replicated over independent synthetic boroughs, to
# tell an estimator's bias from a single borough's lack of power:
#   HEARTH_BIN=path bench/impact_seeds.sh [SEED ...]      (default seeds 1 to 8)
# HEARTH_BIN (a release binary) is required. Each seed's borough is built and evaluated by
# bench/impact.sh (IMPACT_SEED=n, IMPACT_WORK=$IMPACT_SEEDS_WORK/sn) and its evaluation.json
# kept; a seed whose evaluation.json is already there is not run again, so seeds can be added
# later. Then, for each outcome's whole follow-up ("0–24 to date", the band the verdict
# checks), across seeds: the mean relative estimate and its standard error, how many 95%
# intervals cover the planted effect (coverage), how many estimates are within 20% of it, the
# mean interval half-width, and the mean effect realised in each borough's true facts.
# Options (environment): IMPACT_PEOPLE=n (default 300000); IMPACT_SEEDS_WORK=folder (default
# /tmp/impseeds); IMPACT_SEEDS_PRUNE=1 deletes each seed's store and partner files once it is
# evaluated (keeps evaluation.json, impact.txt and truth/effects.toml, truth/service_use.csv).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${HEARTH_BIN:-}" ]; then
  echo "HEARTH_BIN must name a release build of hearth (e.g. HEARTH_BIN=target/release/hearth)" >&2
  exit 2
fi
[ -x "$HEARTH_BIN" ] || { echo "HEARTH_BIN=$HEARTH_BIN is not an executable" >&2; exit 2; }
people="${IMPACT_PEOPLE:-300000}"
root="${IMPACT_SEEDS_WORK:-/tmp/impseeds}"
seeds=("$@")
[ ${#seeds[@]} -gt 0 ] || seeds=(1 2 3 4 5 6 7 8)
mkdir -p "$root"
for s in "${seeds[@]}"; do
  dir="$root/s$s"
  if [ -f "$dir/evaluation.json" ] && [ -f "$dir/seconds" ]; then
    echo "seed $s: already evaluated ($dir), $(cat "$dir/seconds") s"
    continue
  fi
  mkdir -p "$dir"
  start=$(date +%s)
  IMPACT_WORK="$dir" IMPACT_SEED="$s" bench/impact.sh "$people" > "$dir/impact.txt" 2>&1 \
    || { echo "seed $s: bench/impact.sh failed, see $dir/impact.txt" >&2; exit 1; }
  echo $(( $(date +%s) - start )) > "$dir/seconds"
  echo "seed $s: $(cat "$dir/seconds") s; $(grep -h '^evaluate:' "$dir/impact.txt"); $(grep -h '^VERDICT' "$dir/impact.txt")"
  if [ "${IMPACT_SEEDS_PRUNE:-}" = 1 ]; then
    rm -rf "$dir/hearth.sqlite" "$dir"/hearth.sqlite-* "$dir/borough/sources" "$dir/borough/programme"
    find "$dir/borough/truth" -type f ! -name effects.toml ! -name service_use.csv -delete
  fi
done
df -h "$root" | tail -1 | awk '{print "disk: " $4 " free on " $6}'
echo
python3 - "$root" "${seeds[@]}" <<'PY'
import csv, collections, json, math, statistics, sys, tomllib
root, seeds = sys.argv[1], sys.argv[2:]
# The same truth as bench/impact.sh: what the planted effect came to in each borough's true
# facts (all attached against all never-attached families, rates per day observed; never
# imported), here over the whole follow-up (months 0–24).
column = {"looked_after": "looked_after_starts", "child_protection": "child_protection_starts",
          "offending": "offending", "custody": "custody", "domestic_abuse": "domestic_abuse",
          "exclusions": "exclusions", "a_and_e": "a_and_e", "absence": "absence_sessions"}
whole = ["months_0_6", "months_7_12", "months_13_18", "months_19_24"]
def realised_all(path):
    truth = collections.defaultdict(lambda: collections.defaultdict(float))
    for row in csv.DictReader(open(path)):
        t = truth[(row["band"], row["group"])]
        t["days"] += int(row["observed_days"])
        for k, v in row.items():
            if k.endswith(("sessions", "exclusions", "offending", "custody", "abuse", "after", "plans", "a_and_e", "starts")):
                t[k] += float(v)
    p = collections.defaultdict(float); c = collections.defaultdict(float)
    for b in whole:
        for k, v in truth[(b, "attached")].items(): p[k] += v
        for k, v in truth[(b, "comparison")].items(): c[k] += v
    out = {}
    for o, col in column.items():
        den = "possible_sessions" if o == "absence" else "days"
        if c[den] and p[den] and c[col]:
            out[o] = ((p[col] / p[den]) / (c[col] / c[den]) - 1, int(p[col]), int(c[col]))
    return out
# Outcomes whose planted effect is not a rate (bench/impact.sh shows them, outside the verdict).
not_checked = {"out_of_work_benefits", "claims_still_open"}
headline = lambda band: "to date" in band
runs = {}          # seed -> {outcome: (r, lo, hi) or None if suppressed}
rates = {}         # outcome -> [(programme mean, adjusted comparison mean)] of the boroughs shown
planted_by_seed, realised_by_seed, seconds, times = {}, {}, {}, {}
for s in seeds:
    d = f"{root}/s{s}"
    ev = json.load(open(f"{d}/evaluation.json"))
    effects = tomllib.load(open(f"{d}/borough/truth/effects.toml", "rb")).get("effects", {})
    planted_by_seed[s] = {k: v["multiplier"] - 1 for k, v in effects.items() if "multiplier" in v}
    realised_by_seed[s] = realised_all(f"{d}/borough/truth/service_use.csv")
    seconds[s] = int(open(f"{d}/seconds").read())
    for line in open(f"{d}/impact.txt"):
        if line.startswith("evaluate: wall"):
            times[s] = float(line.split()[2])
    got = {}
    for e in ev["estimates"]:
        if not headline(e["band"]) or e["outcome"] in not_checked:
            continue
        f = e["figures"]
        if f is None or f.get("relative") is None or f.get("relative_interval") is None:
            got[e["outcome"]] = None          # suppressed ([c]): counted, never read
        else:
            ri = f["relative_interval"]
            got[e["outcome"]] = (f["relative"], ri["low"], ri["high"])
            rates.setdefault(e["outcome"], []).append((f["programme"], f["comparison"]))
    runs[s] = got
# The planted multipliers are fixed by the synthetic borough, not drawn per seed: say so if not.
first = planted_by_seed[seeds[0]]
if any(planted_by_seed[s] != first for s in seeds):
    print("NOTE: the planted effects differ between seeds; each seed is checked against its own")
outcomes = list(dict.fromkeys(o for s in seeds for o in runs[s]))
k = len(seeds)
def mean_se(xs):
    if not xs:
        return None, None
    m = statistics.fmean(xs)
    return m, (statistics.stdev(xs) / math.sqrt(len(xs)) if len(xs) > 1 else float("nan"))
print(f"Whole follow-up (0–24 to date), {k} boroughs of {seeds and 'seeds ' + ', '.join(seeds)}:")
print()
print("| outcome | planted | shown ([c]) | mean estimate ± SE | mean realised | estimate − realised, paired ± SE | mean within 20% of planted | covers planted | covers realised | within 20% | mean half-width | 20% of planted |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
notes = []
for o in outcomes:
    want = {s: planted_by_seed[s].get(o) for s in seeds}
    shown = [s for s in seeds if runs[s].get(o) is not None]
    supp = [s for s in seeds if o in runs[s] and runs[s][o] is None]
    n = len(shown)
    rs = [runs[s][o][0] for s in shown]
    m, se = mean_se(rs)
    real = [realised_by_seed[s][o][0] for s in seeds if o in realised_by_seed[s]]
    mr = statistics.fmean(real) if real else None
    paired = [runs[s][o][0] - realised_by_seed[s][o][0] for s in shown if o in realised_by_seed[s]]
    pm, pse = mean_se(paired)
    hw = [(runs[s][o][2] - runs[s][o][1]) / 2 for s in shown]
    mhw = statistics.fmean(hw) if hw else None
    w = first.get(o)
    fmt = lambda x, p=3: "" if x is None else f"{x:+.{p}f}"
    if w is None or w == 0:
        # No planted effect: the intervals must cover 0.
        cov0 = sum(runs[s][o][1] <= 0 <= runs[s][o][2] for s in shown)
        print(f"| {o} | none | {n} ({len(supp)}) | {fmt(m)} ± {se:.3f} | {fmt(mr)} | {fmt(pm)} ± {pse:.3f} | | zero: {cov0} of {n} | | | {mhw:.3f} | |"
              if n else f"| {o} | none | 0 ({len(supp)}) | | {fmt(mr)} | | | | | | | |")
        continue
    if not n:
        print(f"| {o} | {w:+.3f} | 0 ({len(supp)}) | | {fmt(mr)} | | | not checked (suppressed) | | | | {0.2 * abs(w):.3f} |")
        continue
    cov = sum(runs[s][o][1] <= want[s] <= runs[s][o][2] for s in shown)
    covr = [runs[s][o][1] <= realised_by_seed[s][o][0] <= runs[s][o][2] for s in shown if o in realised_by_seed[s]]
    near = sum(abs(runs[s][o][0] - want[s]) <= 0.2 * abs(want[s]) for s in shown)
    mnear = "yes" if abs(m - w) <= 0.2 * abs(w) else "NO"
    off = (m - w) / se if se else float("nan")
    print(f"| {o} | {w:+.3f} | {n} ({len(supp)}) | {m:+.3f} ± {se:.3f} | {fmt(mr)} | {fmt(pm)} ± {pse:.3f} | {mnear} ({off:+.1f} SE) "
          f"| {cov} of {n} | {sum(covr)} of {len(covr)} | {near} of {n} | {mhw:.3f} | {0.2 * abs(w):.3f} |")
    # The ratio − 1 of a noisy rate is skewed: its mean sits above the effect even for an
    # unbiased log ratio (Jensen); the geometric mean shows the centre on the scale it is fitted.
    if all(r > -1 for r in rs):
        g = math.exp(statistics.fmean(math.log1p(r) for r in rs)) - 1
        notes.append(f"{o}: geometric mean of (1 + estimate) − 1 = {g:+.3f}; median {statistics.median(rs):+.3f}")
print()
# The mean of the boroughs' (programme ÷ comparison − 1) sits above the effect for rare
# outcomes (E[1/comparison] > 1/E[comparison]); the ratio of the boroughs' mean rates does not.
for o, pc in rates.items():
    if len(pc) > 1 and sum(c for _, c in pc) > 0:
        r = sum(p for p, _ in pc) / sum(c for _, c in pc) - 1
        jk = [(sum(p for p, _ in pc) - pc[i][0]) / (sum(c for _, c in pc) - pc[i][1]) - 1 for i in range(len(pc))]
        jm = statistics.fmean(jk)
        se = math.sqrt((len(pc) - 1) / len(pc) * sum((j - jm) ** 2 for j in jk))
        notes.append(f"{o}: ratio of the mean rates across the {len(pc)} boroughs shown − 1 = {r:+.3f} ± {se:.3f} (jackknife)")
print("SE: standard deviation across boroughs ÷ √(boroughs shown). \"(x SE)\": mean − planted in SEs.")
for x in notes:
    print(f"  {x}")
print()
print("Per borough (estimate, 95% interval; * = the interval leaves out the planted effect, † = the borough's realised one):")
print()
print("| seed | " + " | ".join(outcomes) + " | met (cover and within 20%) | evaluate s | seed s |")
print("|---|" + "---|" * (len(outcomes) + 3))
for s in seeds:
    cells, met, checked = [], 0, 0
    for o in outcomes:
        v = runs[s].get(o)
        w = planted_by_seed[s].get(o) or 0
        if v is None:
            cells.append("[c]")
            continue
        r, lo, hi = v
        ok = lo <= w <= hi
        checked += 1
        met += ok and (w == 0 or abs(r - w) <= 0.2 * abs(w))
        rl = realised_by_seed[s].get(o)
        mark = ("" if ok else "*") + ("" if rl is None or lo <= rl[0] <= hi else "†")
        cells.append(f"{r:+.3f} ({lo:+.2f}, {hi:+.2f}){' ' + mark if mark else ''}")
    print(f"| {s} | " + " | ".join(cells) + f" | {met} of {checked} | {times.get(s, float('nan')):.1f} | {seconds[s]} |")
print()
print(f"realised events (programme:comparison) per borough: " + "; ".join(
    f"{o} " + ", ".join(f"{realised_by_seed[s][o][1]}:{realised_by_seed[s][o][2]}" for s in seeds if o in realised_by_seed[s])
    for o in outcomes if o in column))
PY
