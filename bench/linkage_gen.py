"""Borough-like synthetic linkage input (stand-in until `hearth synth` is wired).

Writes DIR/records.csv (record_id,source,given_name,family_name,dob,sex,postcode,address,
nhs,ni,upn) and DIR/truth.csv (source,record_id,entity). Households share surname, address
and postcode; twins share a date of birth; some fathers and sons share a forename; records
carry typos, nicknames, swapped names, day/month swaps, missing dates, old addresses and
exact duplicate rows (schools: one row per term). Deterministic for a seed.

With a fourth argument `hard` (issue #15's hard tail) it adds, with the usual traits unchanged:
police records without a date of birth that also carry a name typo and the address from before
a move; a second health record under a second (temporary) NHS number and a second school record
under a reissued UPN, everything else exactly as the first; a forename replaced entirely (a
name the person goes by); a postcode written only inside the address.
Usage: linkage_gen.py PEOPLE SEED OUT_DIR [hard]
"""
import csv
import random
import sys

GIVEN_M = "james john william thomas mohammed muhammad oliver harry jack george noah charlie jacob alfie freddie oscar leo archie joshua henry daniel adam ali omar ahmed hassan yusuf ibrahim piotr jakub tomasz kamil michael david robert richard joseph paul mark andrew peter matthew christopher anthony samuel benjamin ryan liam connor kieran aidan ethan lucas mason logan".split()
GIVEN_F = "olivia amelia isla ava mia emily sophia grace lily freya ella charlotte isabella poppy aisha fatima maryam zainab ayesha khadija amira sara hannah jessica emma sophie chloe lucy katherine elizabeth margaret susan sarah rebecca rachel victoria natalia agnieszka katarzyna anna joanna zofia maja layla nadia yasmin ruby evie millie daisy phoebe".split()
FAMILY = ("smith jones williams taylor brown davies evans wilson thomas johnson roberts robinson thompson wright walker white edwards hughes green hall lewis harris clarke patel jackson wood turner martin cooper hill ward morris moore clark lee king baker harrison morgan allen james scott phillips watson davis parker price bennett young griffiths mitchell kelly cook carter richardson bailey collins bell shaw murphy miller cox richards khan marshall anderson simpson ellis adams singh begum chapman ali hussain ahmed mohammed iqbal rahman shah kaur nowak kowalski wisniewski wojcik kowalczyk kaminski lewandowski zielinski " 
          "obrien mccarthy doyle kennedy lynch murray quinn byrne walsh ryan oconnor okafor adeyemi mensah owusu nguyen tran chen wang zhang li liu yang").split()
NICK = {"william": "bill", "james": "jim", "thomas": "tom", "robert": "bob", "richard": "rick", "michael": "mike", "elizabeth": "liz",
        "katherine": "kate", "margaret": "maggie", "rebecca": "becky", "victoria": "vicky", "mohammed": "mohammad", "muhammad": "mohammed",
        "joseph": "joe", "samuel": "sam", "benjamin": "ben", "daniel": "dan", "matthew": "matt", "christopher": "chris", "anthony": "tony",
        "susan": "sue", "sarah": "sara", "andrew": "andy", "peter": "pete", "david": "dave", "jessica": "jess", "natalia": "natalie"}
STREETS = "high church station park victoria green manor mill school queens kings london albert york grange north south west new".split()
KINDS = [("Street", "St"), ("Road", "Rd"), ("Avenue", "Ave"), ("Lane", "Ln"), ("Close", "Cl"), ("Drive", "Dr")]
LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def nhs(rng):
    while True:
        d = [rng.randrange(10) for _ in range(9)]
        c = 11 - sum(x * (10 - i) for i, x in enumerate(d)) % 11
        c = 0 if c == 11 else c
        if c != 10:
            return "".join(map(str, d)) + str(c)


def upn(rng):
    body = [str(rng.randrange(10)) for _ in range(12)]
    s = sum(int(ch) * (i + 2) for i, ch in enumerate(body))
    return UPN_LETTERS[s % 23] + "".join(body)


def ni(rng):
    return rng.choice("ABCEGHJKLMNPRSTWXYZ") + rng.choice("ABCEGHJKLMNPRSTWXYZ") + "%06d" % rng.randrange(10 ** 6) + rng.choice("ABCD")


def postcode(rng):
    return "%s%d %d%s%s" % (rng.choice(["E", "N", "SE", "LS", "M", "B"]), rng.randrange(1, 20), rng.randrange(10),
                           rng.choice("ABDEFGHJLNPQRSTUWXYZ"), rng.choice("ABDEFGHJLNPQRSTUWXYZ"))


def typo(rng, s):
    if len(s) < 3:
        return s
    i = rng.randrange(1, len(s))
    op = rng.randrange(3)
    if op == 0:
        return s[:i] + rng.choice("abcdefghijklmnopqrstuvwxyz") + s[i + 1:]
    if op == 1:
        return s[:i] + s[i + 1:]
    return s[:i - 1] + s[i] + s[i - 1] + s[i + 1:] if i < len(s) else s


SYL_A = "ash bar bel black brad brook bur carl chad cliff cole crom dal dun east elm fair farn fitz gold green hart hay hol king lang lind marsh mid mor new north oak pem ram red rich rock rose shel stan stone sum thorn went west whit wil win wood".split()
SYL_B = "bury by cliffe combe croft dale den field ford gate ham hill hurst ing ington land ley low man mere more ridge shaw stead stock ton well wick worth".split()


def surname(rng):
    """A realistic long tail: ~45% common surnames, the rest from a large pool."""
    if rng.random() < 0.45:
        return rng.choice(FAMILY)
    return rng.choice(SYL_A) + rng.choice(SYL_B)


def main(people, seed, out, hard=False):
    rng = random.Random(seed)
    hrng = random.Random(seed + 1000)  # the hard tail's own draws: the usual traits are unchanged
    persons = []
    pid = 0
    while pid < people:
        fam = surname(rng)
        addr = (rng.randrange(1, 200), rng.choice(STREETS), rng.choice(KINDS))
        pc = postcode(rng)
        old = ((rng.randrange(1, 200), rng.choice(STREETS), rng.choice(KINDS)), postcode(rng))
        adults = rng.choice([1, 2, 2])
        kids = rng.choice([0, 1, 2, 3, 4])
        members = []
        father = None
        for a in range(adults):
            sex = "M" if a == 0 and adults == 2 else rng.choice("MF")
            g = rng.choice(GIVEN_M if sex == "M" else GIVEN_F)
            dob = (rng.randrange(1960, 2000), rng.randrange(1, 13), rng.randrange(1, 29))
            members.append(dict(g=g, f=fam, sex=sex, dob=dob, child=False))
            if sex == "M":
                father = g
        k = 0
        while k < kids:
            sex = rng.choice("MF")
            g = rng.choice(GIVEN_M if sex == "M" else GIVEN_F)
            if sex == "M" and father and rng.random() < 0.08:
                g = father
            dob = (rng.randrange(2008, 2024), rng.randrange(1, 13), rng.randrange(1, 29))
            members.append(dict(g=g, f=fam if rng.random() < 0.85 else surname(rng), sex=sex, dob=dob, child=True))
            k += 1
            if k < kids or rng.random() < 0.03:  # twins
                if rng.random() < 0.04:
                    sex2 = rng.choice("MF")
                    pool = [x for x in (GIVEN_M if sex2 == "M" else GIVEN_F) if x != g]
                    members.append(dict(g=rng.choice(pool), f=members[-1]["f"], sex=sex2, dob=dob, child=True))
                    k += 1
        for m in members:
            m.update(id=pid, addr=addr, pc=pc, old=old, nhs=nhs(rng), ni=None if m["child"] else ni(rng),
                     upn=upn(rng) if m["child"] else None)
            persons.append(m)
            pid += 1
    rows = []
    truth = []
    n = 0
    srcs = ["schools", "police", "dwp", "health", "social_care", "housing", "youth_justice"]
    for p in persons:
        plan = []
        if p["child"]:
            plan += ["schools"] * rng.choice([1, 2, 3, 3])
            if rng.random() < 0.15: plan.append("social_care")
            if rng.random() < 0.05: plan.append("youth_justice")
        else:
            if rng.random() < 0.4: plan.append("dwp")
            if rng.random() < 0.3: plan.append("housing")
        if rng.random() < 0.5: plan.append("health")
        if rng.random() < 0.25: plan.append("police")
        if not plan: plan.append("health")
        dup_row = None
        for src in plan:
            if src == "schools" and dup_row is not None and rng.random() < 0.7:
                row = dict(dup_row)
            else:
                g, f = p["g"], p["f"]
                r = rng.random()
                if r < 0.08: g = typo(rng, g)
                elif r < 0.13: g = NICK.get(g, g)
                if rng.random() < 0.08: f = typo(rng, f)
                if rng.random() < 0.01: g, f = f, g
                y, mo, d = p["dob"]
                dob = "%04d-%02d-%02d" % (y, mo, d)
                r = rng.random()
                if r < 0.02: dob = "%04d-%02d-%02d" % (y, d, mo) if d <= 12 else dob
                elif r < 0.05: dob = "%04d-%02d-%02d" % (y, mo, min(28, max(1, d + rng.choice([-1, 1]))))
                if src == "police" and rng.random() < 0.4: dob = ""
                if src == "housing" and rng.random() < 0.3: dob = ""
                (hn, st, kind), pc = p["addr"], p["pc"]
                if rng.random() < 0.07: (hn, st, kind), pc = p["old"]
                address = "%s%d %s %s" % ("Flat 2, " if rng.random() < 0.05 else "", hn, st.title(), kind[rng.random() < 0.4])
                if src == "dwp": address = ""
                if src == "police" and rng.random() < 0.5: f = f.upper()
                row = dict(source=src, given_name=g.title(), family_name=f.title() if not f.isupper() else f, dob=dob,
                           sex=p["sex"] if src not in ("dwp", "housing") else "",
                           postcode=pc if rng.random() > 0.03 else pc.replace(" ", "").lower(), address=address,
                           nhs=p["nhs"] if src == "health" and rng.random() < 0.85 else "",
                           ni=p["ni"] if src == "dwp" and p["ni"] else "",
                           upn=p["upn"] if src == "schools" and rng.random() < 0.97 else "")
                if src == "schools": dup_row = row
            extra = []
            if hard:
                row = dict(row)
                if src == "police" and row["dob"] == "" and hrng.random() < 0.5:
                    # No date of birth, a name typo and the address from before a move.
                    if hrng.random() < 0.5:
                        row["given_name"] = typo(hrng, row["given_name"].lower()).title()
                    else:
                        row["family_name"] = typo(hrng, row["family_name"].lower()).title()
                    (hn, st, kind), opc = p["old"]
                    row["address"] = "%d %s %s" % (hn, st.title(), kind[0])
                    row["postcode"] = opc
                if hrng.random() < 0.02:
                    # A forename replaced entirely (a name the person goes by).
                    pool = GIVEN_M if p["sex"] == "M" else GIVEN_F
                    row["given_name"] = hrng.choice([x for x in pool if x != p["g"]]).title()
                if row["postcode"] and row["address"] and hrng.random() < 0.04:
                    # The postcode only inside the address.
                    row["address"] = row["address"] + ", " + row["postcode"]
                    row["postcode"] = ""
                if src == "health" and row["nhs"] and hrng.random() < 0.1:
                    # Registered twice: a temporary NHS number, all else the same.
                    extra.append(dict(row, nhs=nhs(hrng)))
                if src == "schools" and row["upn"] and hrng.random() < 0.1:
                    # A reissued UPN, all else the same.
                    extra.append(dict(row, upn=upn(hrng)))
            for r_ in [row] + extra:
                n += 1
                rid = "r%d" % n
                rows.append(dict(record_id=rid, **r_))
                truth.append(("all", rid, p["id"]))
    import os
    os.makedirs(out, exist_ok=True)
    cols = ["record_id", "source", "given_name", "family_name", "dob", "sex", "postcode", "address", "nhs", "ni", "upn"]
    with open(os.path.join(out, "records.csv"), "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=cols)
        w.writeheader()
        w.writerows(rows)
    with open(os.path.join(out, "truth.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["source", "record_id", "entity"])
        w.writerows(truth)
    print("people %d records %d" % (len(persons), len(rows)), file=sys.stderr)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], len(sys.argv) > 4 and sys.argv[4] == "hard")
