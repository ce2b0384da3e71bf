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

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from outcomes_accuracy import load_truth, map_to_truth  # noqa: E402


def main(store_path, borough):
    truth_person, household = load_truth(borough)
    db = sqlite3.connect(store_path)
    true_of, mapped = map_to_truth(db, truth_person, household)
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
