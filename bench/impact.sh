#!/usr/bin/env bash
# The local impact evaluation against the synthetic borough's planted effect (issue #17):
#   bench/impact.sh [PEOPLE]          (default 300000; HEARTH_BIN=path to measure a build)
# Builds the store first (synth with the programme cohort, import of the period's and the
# follow-up's files, link and identify as at 2025-09-01, `hearth outcomes --attach` with the
# council's attachment list; not timed), then times `hearth evaluate --as-at 2027-08-31`
# (target: under 30 s at 300k) and compares each outcome's relative difference (programme ÷
# comparison − 1) with the planted multiplier − 1 in truth/effects.toml: the 95% interval
# should cover it and the estimate be within 20% of it.
set -euo pipefail
cd "$(dirname "$0")/.."
people="${1:-300000}"
[ -n "${HEARTH_BIN:-}" ] || cargo build --release -q -p hearth
bin="${HEARTH_BIN:-./target/release/hearth}"
work="${IMPACT_WORK:-$(mktemp -d /tmp/impact-bench.XXXXXX)}"
[ -n "${IMPACT_WORK:-}" ] || trap 'rm -rf "$work"' EXIT
export HEARTH_STORE="$work/hearth.sqlite"
if [ ! -f "$work/built" ]; then
  "$bin" synth --people "$people" --seed 1 --out "$work/borough" --cohort > /dev/null
  "$bin" import --as-new --today 2027-08-31 "$work/borough/sources" > /dev/null
  "$bin" link --as-at 2025-09-01 > /dev/null
  "$bin" identify > /dev/null
  "$bin" outcomes --attach "$work/borough/programme/attachments.csv" --as-at 2027-08-31 > /dev/null
  touch "$work/built"
fi
/usr/bin/time -f "evaluate: wall %e s, peak %M KB" "$bin" evaluate --as-at 2027-08-31 \
  --out "$work/evaluation.json" > "$work/evaluate.txt"
cat "$work/evaluate.txt"
python3 - "$work/evaluation.json" "$work/borough/truth/effects.toml" <<'PY'
import json, sys, tomllib
ev = json.load(open(sys.argv[1]))
# The planted effects: [effects.<key>] multiplier = m; the relative effect on the rate is m - 1.
effects = tomllib.load(open(sys.argv[2], "rb")).get("effects", {})
planted = {k: v["multiplier"] - 1 for k, v in effects.items() if "multiplier" in v}
# Out-of-work benefits: the planted effect is on the hazard of leaving a claim (benefit_exit),
# not on a rate of events: with a faster exit, fewer programme families have a claim open in
# later bands, so the estimate should be negative and grow with time, but not equal m - 1.
not_a_rate = {"out_of_work_benefits": "benefit_exit"}
def cell(c):
    if isinstance(c, dict):
        return str(c["value"]) if c.get("kind") == "shown" else "[c]"
    return str(c)
print("| outcome | band | programme n | estimate (relative) | 95% interval | planted | covered | within 20% | half-width ≤ 20% of planted |")
print("|---|---|---|---|---|---|---|---|---|")
checked, failed, unchecked = 0, [], []
for e in ev["estimates"]:
    out, band, n, f = e["outcome"], e["band"], cell(e["programme_n"]), e["figures"]
    want = planted.get(out)
    shown = f"{want:+.3f}" if want is not None else (
        f"hazard ×{effects[not_a_rate[out]]['multiplier']} (not a rate)" if out in not_a_rate and not_a_rate[out] in effects else "none")
    if f is None or f.get("relative") is None or f.get("relative_interval") is None:
        print(f"| {out} | {band} | {n} | [c] | | {shown} | not checked (suppressed) | | |")
        unchecked.append(f"{out} {band}")
        continue
    r, ri = f["relative"], f["relative_interval"]
    lo, hi = ri["low"], ri["high"]
    iv = f"{lo:+.3f} to {hi:+.3f}"
    if out in not_a_rate:
        print(f"| {out} | {band} | {n} | {r:+.3f} | {iv} | {shown} | | | |")
        continue
    if want is None or want == 0:
        cov = lo <= 0 <= hi
        checked += 1
        if not cov:
            failed.append(f"{out} {band}: interval {iv} leaves out 0")
        print(f"| {out} | {band} | {n} | {r:+.3f} | {iv} | none | zero covered: {'yes' if cov else 'NO'} | | |")
        continue
    cov = lo <= want <= hi
    near = abs(r - want) <= 0.2 * abs(want)
    power = (hi - lo) / 2 <= 0.2 * abs(want)
    checked += 1
    if not (cov and near):
        why = ("the interval leaves it out" if not cov else "within the interval but not within 20%"
               + ("" if power else f"; half-width {(hi - lo) / 2:.3f} > 20% of it ({0.2 * abs(want):.3f}): too few events to tell"))
        failed.append(f"{out} {band}: {r:+.3f} ({iv}) vs {want:+.3f}: {why}")
    print(f"| {out} | {band} | {n} | {r:+.3f} | {iv} | {want:+.3f} | {'yes' if cov else 'NO'} | {'yes' if near else 'NO'} | {'yes' if power else 'no'} |")
print()
print(f"checked {checked} estimates; {len(unchecked)} suppressed ([c]) not checked")
for x in failed:
    print(f"  not met: {x}")
print(f"VERDICT: {'PASS' if not failed else 'FAIL'} ({checked - len(failed)} of {checked} checked estimates cover the planted effect and are within 20% of it)")
PY
echo "work folder: $work"
