#!/usr/bin/env python3
"""Are the Outcomes Plan's joiners true household members?

Usage: bench/outcomes_joiners.py STORE.sqlite BOROUGH_DIR

Reads each family's latest judgement (family_outcome.outcome: its `joined` evidence, kind
`joined_household`), maps each Hearth person to the true person most of their records belong
to and each Hearth family to the true household most of its members belong to (as
bench/outcomes_accuracy.py does), and counts the families that gained joiners, the joiners,
and how many of them belong to the family's true household. Standard library only.
"""
import json
import sqlite3
import sys
from collections import Counter

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from outcomes_accuracy import FILES  # noqa: E402
import csv  # noqa: E402
from collections import defaultdict  # noqa: E402


def main(store_path, borough):
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
    db = sqlite3.connect(store_path)
    votes = defaultdict(Counter)
    for person_id, file_name, row in db.execute(
        "SELECT p.person_id, b.file_name, r.source_row FROM person_record p "
        "JOIN record r ON r.record_id = p.record_id JOIN import_batch b ON b.id = r.batch_id"
    ):
        t = truth_person.get((file_name.rsplit("/", 1)[-1], row))
        if t:
            votes[person_id][t] += 1
    true_of = {p: c.most_common(1)[0][0] for p, c in votes.items()}
    members = defaultdict(list)
    for family_id, person_id in db.execute("SELECT family_id, person_id FROM family_member"):
        if person_id in true_of:
            members[family_id].append(household[true_of[person_id]])
    mapped = {f: Counter(h).most_common(1)[0][0] for f, h in members.items() if h}
    families = joiners = same = unknown = 0
    left = 0
    for family_id, outcome in db.execute("SELECT family_id, outcome FROM family_outcome"):
        joined = json.loads(outcome).get("joined", [])
        if not joined:
            continue
        families += 1
        for e in joined:
            joiners += 1
            if e["to"] < json.loads(outcome)["as_at"]:
                left += 1
            t = true_of.get(e["person_id"])
            if t is None or family_id not in mapped:
                unknown += 1
            elif household[t] == mapped[family_id]:
                same += 1
    print(f"families with joiners: {families}; joiners: {joiners} ({left} moved away before the day judged)")
    print(f"  of the family's true household: {same}; of another household: {joiners - same - unknown}; not mapped: {unknown}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
