"""How far can any rule take the records a linkage left alone, on what those records carry?

Issue #15 asks for clusters F1 >= 0.98 on hard20k with default settings. What the engine leaves
apart there is mostly police records with no date of birth, no identifier, a name typo and an
address nobody else holds: a name and a sex. This script measures, against the truth, the best
clusters F1 that ANY rule deciding those lone records from what they carry could reach, and
prints it beside the engine's.

Usage: hard_tail_bound.py RECORDS_CSV TRUTH_CSV CLUSTERS_CSV
  RECORDS_CSV: linkage_gen.py's records.csv; TRUTH_CSV: its truth.csv;
  CLUSTERS_CSV: the engine's clusters.csv (source, record_id, person_id).

Method (an upper bound, generous to the rule on purpose):
- A lone record: a person of one record with no date of birth and no identifier.
- Its candidates: every other person with a record whose names could be the same person's
  (each name exact, a nickname, or within one edit; not both by an edit; sex not different).
- Each (lone record, candidate) is described by what a rule can see: how many candidates, how
  each name agrees (exact / nickname / edit), how common the family name and the forename are,
  the candidate's size, whether the candidate has a record at the lone record's postcode.
- The rule is fitted to the truth itself: for each description, the share of cases where the
  candidate is the record's person is read off the truth (in-sample, so no real rule can do
  better on these descriptions); each lone record goes to its best candidate; records are
  then attached in order of that share. Printed: the best clusters F1 when every decision
  taken must be right at least 99%, 95%, ... of the time, and the best F1 whatever the
  decisions cost; and the same if everything else the engine left split were put right
  perfectly (the last column, the most generous case).
"""
import csv
import sys
from collections import Counter, defaultdict

NICK = {"william": "bill", "james": "jim", "thomas": "tom", "robert": "bob", "richard": "rick",
        "michael": "mike", "elizabeth": "liz", "margaret": "maggie", "katherine": "kate",
        "jennifer": "jen", "christopher": "chris", "daniel": "dan", "matthew": "matt",
        "joseph": "joe", "samuel": "sam", "benjamin": "ben", "alexander": "alex",
        "jessica": "jess", "rebecca": "becky", "victoria": "vicky", "anthony": "tony"}
NICKS = {(a, b) for a, b in NICK.items()} | {(b, a) for a, b in NICK.items()}


def c2(n):
    return n * (n - 1) // 2


def within_one_edit(a, b):
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    if la > lb:
        a, b = b, a
    i = j = 0
    skipped = False
    while i < len(a) and j < len(b):
        if a[i] != b[j]:
            if skipped:
                return False
            skipped = True
            j += 1
        else:
            i += 1
            j += 1
    return True


def level(a, b, nick):
    if a == b:
        return "exact"
    if nick and ((a, b) in NICKS):
        return "nick"
    if within_one_edit(a, b):
        return "edit"
    return None


def bucket(n, edges):
    for e in edges:
        if n <= e:
            return "<=%d" % e
    return ">%d" % edges[-1]


def main(records_csv, truth_csv, clusters_csv):
    recs = {}
    with open(records_csv, newline="") as f:
        for r in csv.DictReader(f):
            recs[r["record_id"]] = r
    ent = {}
    with open(truth_csv, newline="") as f:
        for r in csv.DictReader(f):
            ent[r["record_id"]] = r["entity"]
    person = {}
    with open(clusters_csv, newline="") as f:
        for r in csv.DictReader(f):
            person[r["record_id"]] = r["person_id"]
    members = defaultdict(list)
    for rid, p in person.items():
        members[p].append(rid)
    true_total = sum(c2(n) for n in Counter(ent.values()).values())
    tp0 = sum(sum(c2(n) for n in Counter(ent[x] for x in m).values()) for m in members.values())
    pred0 = sum(c2(len(m)) for m in members.values())

    def f1(tp, pred):
        p, r = tp / pred, tp / true_total
        return 2 * p * r / (p + r), p, r

    def lone(rid):
        r = recs[rid]
        return (len(members[person[rid]]) == 1 and not r["dob"] and not r["nhs"] and not r["ni"]
                and not r["upn"] and r["given_name"] and r["family_name"])

    fam_count = Counter(r["family_name"].lower() for r in recs.values())
    giv_count = Counter(r["given_name"].lower() for r in recs.values())
    by_family = defaultdict(set)
    for rid, r in recs.items():
        if not lone(rid):
            by_family[r["family_name"].lower()].add(rid)
    fams = list(by_family)
    lones = [rid for rid in recs if lone(rid)]
    cands = {}
    for rid in lones:
        r = recs[rid]
        g, f, s = r["given_name"].lower(), r["family_name"].lower(), r["sex"]
        found = {}
        for fam in fams:
            fl = level(f, fam, False)
            if fl is None:
                continue
            for j in by_family[fam]:
                q = recs[j]
                gl = level(g, q["given_name"].lower(), True)
                if gl is None or (gl == "edit" and fl == "edit"):
                    continue
                if s and q["sex"] and s != q["sex"]:
                    continue
                c = person[j]
                best = found.get(c)
                key = (gl, fl)
                rank = {"exact": 0, "nick": 1, "edit": 2}
                if best is None or rank[gl] + rank[fl] < rank[best[0]] + rank[best[1]]:
                    found[c] = key
        cands[rid] = found
    # Describe each (lone record, candidate) by what a rule can see.
    cases = []
    for rid, found in cands.items():
        r = recs[rid]
        k = len(found)
        for c, (gl, fl) in found.items():
            size = len(members[c])
            at = any(recs[j]["postcode"] and recs[j]["postcode"] == r["postcode"] for j in members[c])
            desc = (bucket(k, [1, 2, 3]), gl, fl, bucket(fam_count[r["family_name"].lower()], [10, 50, 200]),
                    bucket(giv_count[r["given_name"].lower()], [10, 50, 200]), bucket(size, [1, 2, 4]), at)
            tp = sum(1 for j in members[c] if ent[j] == ent[rid])
            cases.append((rid, c, desc, tp, size))
    cell_tp, cell_pred = Counter(), Counter()
    for rid, c, desc, tp, size in cases:
        cell_tp[desc] += tp
        cell_pred[desc] += size
    best = {}
    for rid, c, desc, tp, size in cases:
        share = cell_tp[desc] / cell_pred[desc]
        if rid not in best or share > best[rid][0]:
            best[rid] = (share, tp, size)
    order = sorted(best.values(), key=lambda x: -x[0])
    # Attach in order of the share of right answers; the best F1 over the prefixes, and the
    # best F1 when every decision taken must be right at least as often as each floor.
    curve = []
    tp, pred, wrong = tp0, pred0, 0
    for n, (share, t, s) in enumerate(order, 1):
        tp += t
        pred += s
        wrong += t == 0
        curve.append((share, n, wrong, tp, pred))
    top = max(curve, key=lambda c: f1(c[3], c[4])[0])
    # Pairs the engine missed that no lone record accounts for (the rest), put right by an oracle.
    by_ent = defaultdict(list)
    for rid in recs:
        by_ent[ent[rid]].append(rid)
    missed_lone = missed_rest = 0
    for e, rids in by_ent.items():
        parts = Counter(person[x] for x in rids)
        missed = c2(len(rids)) - sum(c2(v) for v in parts.values())
        if not missed:
            continue
        lone_here = sum(1 for x in rids if x in cands)
        # pairs a lone record of this person splits off
        from_lone = sum(len(rids) - 1 for x in rids if x in cands) - c2(lone_here)
        missed_lone += from_lone
        missed_rest += missed - from_lone
    e0 = f1(tp0, pred0)
    print("records %d, true pairs %d, lone records without a date of birth or identifier %d"
          % (len(recs), true_total, len(lones)))
    print("engine: clusters P %.5f R %.5f F1 %.5f" % (e0[1], e0[2], e0[0]))
    print("missed true pairs: %d through lone records, %d elsewhere" % (missed_lone, missed_rest))
    print("| decisions right at least | lone records attached | of them wrong | clusters P | clusters R | clusters F1 | F1 with an oracle for the rest |")
    print("|---|---|---|---|---|---|---|")
    for floor in (0.99, 0.95, 0.9, 0.75, 0.5, None):
        take = [c for c in curve if floor is None or c[0] >= floor]
        best = max(take, key=lambda c: f1(c[3], c[4])[0]) if take else (1.0, 0, 0, tp0, pred0)
        if floor is None:
            best = top
        b = f1(best[3], best[4])
        o = f1(best[3] + missed_rest, best[4] + missed_rest)
        label = "any (best F1)" if floor is None else "%.0f%%" % (floor * 100)
        print("| %s | %d | %d | %.5f | %.5f | %.5f | %.5f |" % (label, best[1], best[2], b[1], b[2], b[0], o[0]))

if __name__ == "__main__":
    main(*sys.argv[1:4])
