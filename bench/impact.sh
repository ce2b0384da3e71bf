#!/usr/bin/env bash
# The local impact evaluation against the synthetic borough's planted effect (issue #17):
#   bench/impact.sh [PEOPLE]          (default 300000; HEARTH_BIN=path to measure a build)
# Builds the store first (synth with the programme cohort, import of the period's and the
# follow-up's files, link and identify as at 2025-09-01, `hearth outcomes --attach` with the
# council's attachment list; not timed), then times `hearth evaluate --as-at 2027-08-31`
# (target: under 30 s at 300k) and compares each outcome's relative difference (programme ÷
# comparison − 1) with the planted multiplier − 1 in truth/effects.toml: the 95% interval
# should cover it and the estimate be within 20% of it.
# Options (environment): IMPACT_WORK=folder to keep (and reuse) the store and the borough;
# IMPACT_SEED=n the synthetic borough's seed (default 1); IMPACT_RULES=file the evaluation's
# rules in place of rules/impact-evaluation.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
people="${1:-300000}"
[ -n "${HEARTH_BIN:-}" ] || cargo build --release -q -p hearth
bin="${HEARTH_BIN:-./target/release/hearth}"
work="${IMPACT_WORK:-$(mktemp -d /tmp/impact-bench.XXXXXX)}"
[ -n "${IMPACT_WORK:-}" ] || trap 'rm -rf "$work"' EXIT
export HEARTH_STORE="$work/hearth.sqlite"
if [ ! -f "$work/built" ]; then
  "$bin" synth --people "$people" --seed "${IMPACT_SEED:-1}" --out "$work/borough" --cohort > /dev/null
  "$bin" import --as-new --today 2027-08-31 "$work/borough/sources" > /dev/null
  "$bin" link --as-at 2025-09-01 > /dev/null
  "$bin" identify > /dev/null
  "$bin" outcomes --attach "$work/borough/programme/attachments.csv" --as-at 2027-08-31 > /dev/null
  echo "seed ${IMPACT_SEED:-1}" > "$work/built"
elif [ -s "$work/built" ] && [ "$(cat "$work/built")" != "seed ${IMPACT_SEED:-1}" ]; then
  echo "$work was built with $(cat "$work/built"), not seed ${IMPACT_SEED:-1}" >&2; exit 1
fi
/usr/bin/time -f "evaluate: wall %e s, peak %M KB" "$bin" evaluate --as-at 2027-08-31 ${IMPACT_RULES:+--rules "$IMPACT_RULES"} \
  --out "$work/evaluation.json" > "$work/evaluate.txt"
cat "$work/evaluate.txt"
python3 - "$work/evaluation.json" "$work/borough/truth/effects.toml" "$work/borough/truth/service_use.csv" <<'PY'
import csv, collections, json, math, sys, tomllib
ev = json.load(open(sys.argv[1]))
# What the planted effect came to in this borough's true facts (all attached against all
# never-attached families, rates per day observed; never imported): separates an estimator's
# bias from the borough's own chance variation around the multiplier.
column = {"looked_after": "looked_after_starts", "child_protection": "child_protection_starts",
          "offending": "offending", "custody": "custody", "domestic_abuse": "domestic_abuse",
          "exclusions": "exclusions", "a_and_e": "a_and_e", "absence": "absence_sessions"}
bands = {"0–6": ["months_0_6"], "7–12": ["months_7_12"], "13–18": ["months_13_18"],
         "19–24": ["months_19_24"], "0–24 to date": ["months_0_6", "months_7_12", "months_13_18", "months_19_24"]}
truth = collections.defaultdict(lambda: collections.defaultdict(float))
for row in csv.DictReader(open(sys.argv[3])):
    t = truth[(row["band"], row["group"])]
    t["days"] += int(row["observed_days"])
    for k, v in row.items():
        if k.endswith(("sessions", "exclusions", "offending", "custody", "abuse", "after", "plans", "a_and_e", "starts")):
            t[k] += float(v)
def realised(out, band):
    col = column.get(out)
    if col is None or band not in bands:
        return ""
    p = collections.defaultdict(float); c = collections.defaultdict(float)
    for b in bands[band]:
        for k, v in truth[(b, "attached")].items(): p[k] += v
        for k, v in truth[(b, "comparison")].items(): c[k] += v
    den = "possible_sessions" if out == "absence" else "days"
    if not c[den] or not p[den] or not c[col]:
        return ""
    return f"{(p[col] / p[den]) / (c[col] / c[den]) - 1:+.3f} ({int(p[col])}:{int(c[col])})"
# The planted effects: [effects.<key>] multiplier = m; the relative effect on the rate is m - 1.
effects = tomllib.load(open(sys.argv[2], "rb")).get("effects", {})
planted = {k: v["multiplier"] - 1 for k, v in effects.items() if "multiplier" in v}
# Out-of-work benefits: the planted effect is on the hazard of leaving a claim (benefit_exit),
# not on a rate of events: with a faster exit, fewer programme families have a claim open in
# later bands, so the estimate should be negative and grow with time, but not equal m - 1.
not_a_rate = {"out_of_work_benefits": "benefit_exit"}
hazard = {"claims_still_open": "benefit_exit"}
def cell(c):
    if isinstance(c, dict):
        return str(c["value"]) if c.get("kind") == "shown" else "[c]"
    return str(c)
print("| outcome | band | programme n | estimate (relative) | 95% interval | planted | covered | within 20% | half-width ≤ 20% of planted | realised in the true facts (events) |")
print("|---|---|---|---|---|---|---|---|---|---|")
# The verdict is on each outcome's whole follow-up ("to date" band, what evaluators report as
# the headline); the month bands are shown, and their misses listed, for information.
headline = lambda band: "to date" in band
checked, failed, unchecked, band_misses = 0, [], [], []
for e in ev["estimates"]:
    out, band, n, f = e["outcome"], e["band"], cell(e["programme_n"]), e["figures"]
    want = planted.get(out)
    shown = f"{want:+.3f}" if want is not None else (
        f"hazard ×{effects[not_a_rate[out]]['multiplier']} (not a rate)" if out in not_a_rate and not_a_rate[out] in effects else "none")
    if f is None or f.get("relative") is None or f.get("relative_interval") is None:
        print(f"| {out} | {band} | {n} | [c] | | {shown} | not checked (suppressed) | | | {realised(out, band)} |")
        if headline(band):
            unchecked.append(f"{out} {band}")
        continue
    r, ri = f["relative"], f["relative_interval"]
    lo, hi = ri["low"], ri["high"]
    iv = f"{lo:+.3f} to {hi:+.3f}"
    if out in not_a_rate:
        print(f"| {out} | {band} | {n} | {r:+.3f} | {iv} | {shown} | | | | |")
        continue
    if out in hazard:
        # Of the claims open at the band's start, the share still open at its end: with the
        # exit hazard × h, programme ≈ comparison^h, i.e. relative = comparison^(h-1) - 1
        # (taking the comparison's share as known; shown, not part of the verdict).
        h = effects[hazard[out]]["multiplier"]
        c, p = f["comparison"] / 100, f["programme"] / 100
        want = c ** (h - 1) - 1 if 0 < c < 1 else None
        implied = f"{math.log(p) / math.log(c):.2f}" if 0 < p < 1 and 0 < c < 1 else "?"
        cov = "yes" if want is not None and lo <= want <= hi else "NO"
        print(f"| {out} | {band} | {n} | {r:+.3f} | {iv} | hazard ×{h} → {want:+.3f} at {100 * c:.1f}% still open; implied hazard ratio {implied} | {cov} | | | |")
        continue
    if want is None or want == 0:
        cov = lo <= 0 <= hi
        checked += headline(band)
        if not cov:
            (failed if headline(band) else band_misses).append(f"{out} {band}: interval {iv} leaves out 0")
        print(f"| {out} | {band} | {n} | {r:+.3f} | {iv} | none | zero covered: {'yes' if cov else 'NO'} | | | |")
        continue
    cov = lo <= want <= hi
    near = abs(r - want) <= 0.2 * abs(want)
    power = (hi - lo) / 2 <= 0.2 * abs(want)
    checked += headline(band)
    if not (cov and near):
        why = ("the interval leaves it out" if not cov else "within the interval but not within 20%"
               + ("" if power else f"; half-width {(hi - lo) / 2:.3f} > 20% of it ({0.2 * abs(want):.3f}): too few events to tell"))
        (failed if headline(band) else band_misses).append(f"{out} {band}: {r:+.3f} ({iv}) vs {want:+.3f}: {why}")
    print(f"| {out} | {band} | {n} | {r:+.3f} | {iv} | {want:+.3f} | {'yes' if cov else 'NO'} | {'yes' if near else 'NO'} | {'yes' if power else 'no'} | {realised(out, band)} |")
print()
print(f"whole follow-up: {checked} outcomes checked; suppressed ([c]), not checked: {', '.join(unchecked) or 'none'}")
for x in failed:
    print(f"  not met: {x}")
for x in band_misses:
    print(f"  (band) not met: {x}")
print(f"VERDICT: {'PASS' if not failed else 'FAIL'} ({checked - len(failed)} of {checked} outcomes' whole-follow-up estimates cover the planted effect and are within 20% of it)")
PY
echo "work folder: $work"
