#!/usr/bin/env python3
"""Accuracy of Hearth's outcome judging against the synthetic cohort's truth.

Usage: bench/outcomes_accuracy.py STORE.sqlite BOROUGH_DIR

Maps each linked person to the true person most of their records belong to (truth/records.csv
and truth/followup_records.csv, by file name and row) and each Hearth family to the true
household most of its members belong to; then compares Hearth's results (outcome_result:
family, kind, date) with truth/outcomes.csv (the shipped plan on the true facts):
  claimable families: precision and recall of (family, kind);
  outcome dates:      precision and recall of (family, kind, date), the date exact.
Standard library only.
"""
import csv
import sqlite3
import sys
from collections import Counter, defaultdict

TARGET = 0.98
FILES = {
    "schools": "schools.csv", "police": "police.csv", "dwp": "dwp.csv", "health": "health.csv",
    "social_care": "social_care.xlsx", "housing": "housing.csv", "youth_justice": "youth_justice.csv",
}


def load_truth(borough):
    """The borough's truth: {(file name, row): true person} and {true person: household}."""
    truth_person = {}
    with open(f"{borough}/truth/records.csv", newline="") as f:
        for r in csv.DictReader(f):
            truth_person[(FILES[r["source"]], int(r["row"]))] = r["person_id"]
    with open(f"{borough}/truth/followup_records.csv", newline="") as f:
        for r in csv.DictReader(f):
            truth_person[(r["file"], int(r["row"]))] = r["person_id"]
    household = {}
    with open(f"{borough}/truth/people.csv", newline="") as f:
        for r in csv.DictReader(f):
            household[r["person_id"]] = r["household_id"]
    return truth_person, household


def map_to_truth(db, truth_person, household):
    """Each Hearth person's true person (most of their records') and each Hearth family's
    true household (most of its mapped members'): ({person: true person}, {family: household})."""
    votes = defaultdict(Counter)
    for person_id, file_name, row in db.execute(
        "SELECT p.person_id, b.file_name, r.source_row FROM person_record p "
        "JOIN record r ON r.record_id = p.record_id JOIN import_batch b ON b.id = r.batch_id"
    ):
        name = file_name.rsplit("/", 1)[-1]
        t = truth_person.get((name, row))
        if t:
            votes[person_id][t] += 1
    true_of = {p: c.most_common(1)[0][0] for p, c in votes.items()}
    members = defaultdict(list)
    for family_id, person_id in db.execute("SELECT family_id, person_id FROM family_member"):
        if person_id in true_of:
            members[family_id].append(household[true_of[person_id]])
    mapped = {f: Counter(h).most_common(1)[0][0] for f, h in members.items() if h}
    return true_of, mapped


def main(store_path, borough):
    truth_person, household = load_truth(borough)
    truth = set()
    with open(f"{borough}/truth/outcomes.csv", newline="") as f:
        for r in csv.DictReader(f):
            truth.add(("H" + r["family_id"][1:], r["kind"], r["achieved_on"]))

    db = sqlite3.connect(store_path)
    _, mapped = map_to_truth(db, truth_person, household)
    found = set()
    for family_id, kind, achieved_on in db.execute(
        "SELECT family_id, kind, achieved_on FROM outcome_result"
    ):
        found.add((mapped.get(family_id, f"unmapped-{family_id}"), kind, achieved_on))

    def report(label, t, h):
        tp = len(t & h)
        p = tp / len(h) if h else 0.0
        r = tp / len(t) if t else 0.0
        ok = "ok" if p >= TARGET and r >= TARGET else "BELOW TARGET"
        print(f"{label:<22} precision {p:.4f}  recall {r:.4f}  (truth {len(t)}, found {len(h)}, both {tp}) {ok}")

    print(f"Outcomes against the truth (target {TARGET}):")
    report("claimable families", {x[:2] for x in truth}, {x[:2] for x in found})
    report("outcome dates", truth, found)
    for kind in sorted({x[1] for x in truth}):
        report("  " + kind[:20], {x for x in truth if x[1] == kind}, {x for x in found if x[1] == kind})


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
