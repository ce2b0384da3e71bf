#!/usr/bin/env python3
"""Accuracy of Hearth's identification against the synthetic borough's ground truth.

Usage: bench/identify_accuracy.py STORE.sqlite BOROUGH_DIR

Reads the store (after `hearth demo` or import + link + identify) and BOROUGH_DIR/truth, and
prints precision and recall of eligible families and of (family, problem) pairs, with the
errors sorted by cause:
  linkage  - the found family is not exactly a true family (people split or merged, members
             missing or extra, placed at the wrong address);
  rules    - the found family is exactly a true family (same people) but its problems differ.
A found family stands for the true family (household) most of its members belong to.
Standard library only.
"""
import csv
import sqlite3
import sys
from collections import Counter, defaultdict


TARGET = 0.98


def main(store_path, borough):
    truth_person = {}
    with open(f"{borough}/truth/records.csv", newline="") as f:
        for r in csv.DictReader(f):
            truth_person[(r["source"], int(r["row"]))] = r["person_id"]
    household = {}
    born = {}
    with open(f"{borough}/truth/people.csv", newline="") as f:
        for r in csv.DictReader(f):
            household[r["person_id"]] = r["household_id"]
            born[r["person_id"]] = r["date_of_birth"]
    true_families = {}
    with open(f"{borough}/truth/families.csv", newline="") as f:
        for r in csv.DictReader(f):
            hh = "H" + r["family_id"][1:]
            true_families[hh] = {
                "members": set(r["members"].split()),
                "problems": set(p for p in r["problems"].split(";") if p),
                "eligible": r["eligible"] == "true",
            }

    db = sqlite3.connect(store_path)
    # Each linked person stands for the true person most of their records belong to.
    votes = defaultdict(Counter)
    for person_id, source, row in db.execute(
        "SELECT p.person_id, r.source, r.source_row FROM person_record p "
        "JOIN record r ON r.record_id = p.record_id"
    ):
        votes[person_id][truth_person[(source, row)]] += 1
    true_of = {p: c.most_common(1)[0][0] for p, c in votes.items()}
    observed = set(truth_person.values())

    members = defaultdict(set)
    for family_id, person_id in db.execute("SELECT family_id, person_id FROM family_member"):
        members[family_id].add(person_id)
    run = db.execute("SELECT max(id) FROM identification_run").fetchone()[0]
    found = {}
    for family_id, eligible, problems in db.execute(
        "SELECT family_id, eligible, problems FROM family_assessment WHERE run_id = ?", (run,)
    ):
        found[family_id] = (bool(eligible), set(p for p in problems.split(";") if p))

    # Map found families to true households.
    mapped = {}
    exact = {}
    for fid, people in members.items():
        hh = Counter(household[true_of[p]] for p in people).most_common(1)[0][0]
        mapped[fid] = hh
        # Only members some partner knows can be found at all.
        true_members = true_families.get(hh, {}).get("members", set()) & observed
        exact[fid] = sorted(true_of[p] for p in people) == sorted(true_members) and len(
            {true_of[p] for p in people}
        ) == len(people)

    true_eligible = {hh for hh, t in true_families.items() if t["eligible"]}
    found_eligible = {}
    for fid, (eligible, _) in found.items():
        if eligible:
            found_eligible.setdefault(mapped[fid], []).append(fid)
    tp = len(true_eligible & found_eligible.keys())
    fp_families = [fids for hh, fids in found_eligible.items() if hh not in true_eligible]
    fp = sum(len(f) for f in fp_families) + sum(len(f) - 1 for hh, f in found_eligible.items() if hh in true_eligible)
    fn_hh = true_eligible - found_eligible.keys()
    # A family can only be found if some partner knows one of its children (a family is the
    # adults and children of a household; with no child on record there is no family).
    as_at = "2025-09-01"
    for line in open(f"{borough}/truth/manifest.toml"):
        if line.startswith("as_at"):
            as_at = line.split("=")[1].strip().strip('"')
    child_cutoff = str(int(as_at[:4]) - 18) + as_at[4:]
    observable = {
        hh for hh in true_eligible
        if any(m in observed and born[m] > child_cutoff for m in true_families[hh]["members"])
    }
    recall_observable = len(observable & found_eligible.keys()) / len(observable) if observable else 1.0
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / len(true_eligible) if true_eligible else 1.0

    # Problems: (true household, problem) pairs among eligible families.
    found_pairs = set()
    for hh, fids in found_eligible.items():
        for fid in fids:
            for p in found[fid][1]:
                found_pairs.add((hh, p))
    true_pairs = {(hh, p) for hh in true_eligible for p in true_families[hh]["problems"]}
    ptp = len(found_pairs & true_pairs)
    pprec = ptp / len(found_pairs) if found_pairs else 1.0
    prec_ = ptp / len(true_pairs) if true_pairs else 1.0

    # Causes.
    by_hh = defaultdict(list)
    for fid, hh in mapped.items():
        by_hh[hh].append(fid)
    causes = Counter()
    for fids in fp_families:
        for fid in fids:
            causes["false positive, " + ("rules" if exact[fid] else "linkage")] += 1
    for hh in fn_hh:
        fids = by_hh.get(hh, [])
        if hh not in observable:
            causes["missed, no child of the family in any partner's data"] += 1
        elif not fids:
            causes["missed, linkage (no family formed)"] += 1
        elif any(exact[f] for f in fids):
            causes["missed, rules"] += 1
        else:
            causes["missed, linkage"] += 1

    print(f"store {store_path}, borough {borough}, identification run {run}")
    print(f"true eligible families {len(true_eligible)}, found eligible {sum(len(f) for f in found_eligible.values())}")
    print(f"eligible families: precision {precision:.4f}, recall {recall:.4f}")
    print(f"  recall among the {len(observable)} eligible families a partner knows a child of: {recall_observable:.4f}")
    print(f"(family, problem) pairs among eligible: precision {pprec:.4f}, recall {prec_:.4f}")
    exact_share = sum(exact.values()) / len(exact) if exact else 0
    print(f"found families that are exactly a true family: {exact_share:.4f} of {len(exact)}")
    for cause, n in sorted(causes.items()):
        print(f"  {cause}: {n}")
    met = precision >= TARGET and recall >= TARGET
    print(f"target: precision and recall of eligible families >= {TARGET}: {'met' if met else 'NOT met'}")
    return met


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(0 if main(sys.argv[1], sys.argv[2]) else 1)
