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
effects = tomllib.load(open(sys.argv[2], "rb"))
flat = {}
def walk(d):
    for k, v in d.items():
        if isinstance(v, dict):
            walk(v)
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            flat.setdefault(k, v)
walk(effects)
# Hearth's outcome key -> the planted multiplier's key (benefits: the planted effect is on
# the hazard of leaving a claim, not a rate of events, so it is shown but not checked).
planted = {"looked_after": "looked_after", "child_protection": "child_protection",
           "offending": "offending", "custody": "custody", "absence": "absence",
           "exclusions": "exclusions", "a_and_e": "a_and_e"}
print("| outcome | band | programme n | estimate (relative) | 95% interval | planted | covered | within 20% |")
print("|---|---|---|---|---|---|---|---|")
for e in ev["estimates"]:
    f = e["figures"]
    key = planted.get(e["outcome"])
    want = flat[key] - 1 if key in flat else None
    if f is None or f.get("relative") is None:
        print(f"| {e['outcome']} | {e['band']} | {e['programme_n']} | [c] | | | | |")
        continue
    r, ri = f["relative"], f["relative_interval"]
    iv = f"{ri['low']:+.3f} to {ri['high']:+.3f}" if ri else ""
    if want is None:
        cov = ri and ri["low"] <= 0 <= ri["high"]
        print(f"| {e['outcome']} | {e['band']} | {e['programme_n']['value']} | {r:+.3f} | {iv} | (none checked) | zero covered: {cov} | |")
    else:
        cov = bool(ri) and ri["low"] <= want <= ri["high"]
        near = abs(r - want) <= 0.2 * abs(want)
        print(f"| {e['outcome']} | {e['band']} | {e['programme_n']['value']} | {r:+.3f} | {iv} | {want:+.3f} | {cov} | {near} |")
PY
echo "work folder: $work"
