#!/usr/bin/env python3
"""The synthetic truth's own service use (truth/service_use.csv, by band) in the 12 months
before and the 12 months after each family's reference date, for attached families whose 12
months after have passed by the follow-up's end, beside eligible families never attached
(comparison, from their reference date), against the multipliers planted in
truth/effects.toml. A before/after change (what the calculator measures) is not the planted
effect: the families were chosen for their problems before attachment, so their use falls
back anyway (regression to the mean); the comparison group's change shows how much.
    bench/savings_truth_bands.py TRUTH_DIR
"""
import csv, sys, tomllib
from collections import defaultdict

truth = sys.argv[1]
effects = tomllib.load(open(f"{truth}/effects.toml", "rb"))
mult = {k: v["multiplier"] for k, v in effects["effects"].items()}
cols = ["absence_sessions", "exclusions", "offending", "custody", "domestic_abuse",
        "benefit_days", "children_looked_after", "child_protection_plans", "a_and_e"]
effect_of = {"absence_sessions": "absence", "exclusions": "exclusions", "offending": "offending",
             "custody": "custody", "domestic_abuse": "domestic_abuse", "benefit_days": "benefit_exit",
             "children_looked_after": "looked_after", "child_protection_plans": "child_protection",
             "a_and_e": "a_and_e"}
rows = defaultdict(dict)
for r in csv.DictReader(open(f"{truth}/service_use.csv")):
    rows[(r["family_id"], r["group"])][r["band"]] = r
sums = {g: {b: defaultdict(float) for b in ("before", "after")} for g in ("attached", "comparison")}
n = defaultdict(int)
for (fam, group), bands in rows.items():
    b, a1, a2 = bands["before_12"], bands["months_0_6"], bands["months_7_12"]
    full = lambda r: int(r["observed_days"]) >= (
        (__import__("datetime").date.fromisoformat(r["to"]) - __import__("datetime").date.fromisoformat(r["from"])).days + 1)
    if not (full(b) and full(a1) and full(a2)):
        continue
    n[group] += 1
    for c in cols:
        sums[group]["before"][c] += float(b[c])
        sums[group]["after"][c] += float(a1[c]) + float(a2[c])
print(f"Families with both 12-month windows observed: attached {n['attached']}, comparison {n['comparison']}\n")
print("| truth, per 100 families | attached: before → after | ratio | comparison: before → after | ratio | ratio of ratios | planted multiplier |")
print("|---|---|---|---|---|---|---|")
for c in cols:
    out = []
    for g in ("attached", "comparison"):
        bb, aa = 100 * sums[g]["before"][c] / max(n[g], 1), 100 * sums[g]["after"][c] / max(n[g], 1)
        out.append((bb, aa, aa / bb if bb else float("nan")))
    rr = out[0][2] / out[1][2] if out[1][2] else float("nan")
    m = mult.get(effect_of[c], float("nan"))
    print(f"| {c} | {out[0][0]:.1f} → {out[0][1]:.1f} | {out[0][2]:.3f} | {out[1][0]:.1f} → {out[1][1]:.1f} | {out[1][2]:.3f} | {rr:.3f} | {m} |")
