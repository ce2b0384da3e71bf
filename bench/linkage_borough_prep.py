"""Converts a `hearth synth` borough into the common CSV both engines read.

Usage: linkage_borough_prep.py SYNTH_DIR OUT_DIR
Reads SYNTH_DIR/sources/*.csv (UTF-8, health with a BOM, housing in Windows-1252) and
social_care.xlsx (sheet "Episodes", dates as Excel serials), and SYNTH_DIR/truth/records.csv.
Writes OUT_DIR/records.csv (record_id,source,given_name,family_name,dob ISO,sex,postcode,
address,nhs,ni,upn; full names split: health "Forename Surname", housing "SURNAME, Forename")
and OUT_DIR/truth.csv (source,record_id,entity) with source "all" and record_id
"<file stem>:<row>" (rows as a spreadsheet numbers them: header = 1). Prints counts only.
"""
import csv
import datetime
import os
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

COLS = ["record_id", "source", "given_name", "family_name", "dob", "sex", "postcode", "address", "nhs", "ni", "upn"]
DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def iso(d):
    d = (d or "").strip()
    m = DMY.match(d)
    if m:
        return "%s-%02d-%02d" % (m.group(3), int(m.group(2)), int(m.group(1)))
    try:  # police: 31-Mar-2017
        return datetime.datetime.strptime(d, "%d-%b-%Y").date().isoformat()
    except ValueError:
        pass
    return d if ISO.match(d) else ""


POSTCODE_END = re.compile(r"^(.*?)[,\s]+([A-Za-z]{1,2}[0-9][A-Za-z0-9]?\s*[0-9][A-Za-z]{2})$")


def split_postcode(address):
    """housing: the postcode written at the end of the address."""
    m = POSTCODE_END.match((address or "").strip())
    return (m.group(1), m.group(2)) if m else (address, "")


def split_full(name, comma):
    name = (name or "").strip()
    if comma and "," in name:
        fam, given = name.split(",", 1)
        return given.strip().split(" ")[0] if given.strip() else "", fam.strip()
    parts = name.split()
    if not parts:
        return "", ""
    if len(parts) == 1:
        return "", parts[0]
    return parts[0], parts[-1]


def read_csv(path, encoding):
    with open(path, newline="", encoding=encoding) as f:
        yield from csv.DictReader(f)


def read_xlsx(path, sheet_name):
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
    z = zipfile.ZipFile(path)
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns):
            shared.append("".join(t.text or "" for t in si.iter("{%s}t" % ns["m"])))
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = None
    for s in wb.find("m:sheets", ns):
        if s.get("name") == sheet_name:
            rid = s.get("{%s}id" % ns["r"])
            for rel in rels:
                if rel.get("Id") == rid:
                    target = rel.get("Target")
    target = target.lstrip("/")
    target = target if target.startswith("xl/") else "xl/" + target
    rows = []
    for row in ET.fromstring(z.read(target)).iter("{%s}row" % ns["m"]):
        cells = {}
        for c in row.findall("m:c", ns):
            col = re.match(r"[A-Z]+", c.get("r")).group(0)
            t = c.get("t")
            v = c.find("m:v", ns)
            if t == "s":
                val = shared[int(v.text)]
            elif t == "inlineStr":
                val = "".join(x.text or "" for x in c.iter("{%s}t" % ns["m"]))
            else:
                val = v.text if v is not None else ""
            cells[col] = val
        rows.append((int(row.get("r")), cells))
    header = rows[0][1]
    names = {col: header[col] for col in header}
    for r, cells in rows[1:]:
        yield r, {names[c]: v for c, v in cells.items() if c in names}


def serial(v):
    try:
        return (datetime.date(1899, 12, 30) + datetime.timedelta(days=int(float(v)))).isoformat()
    except (TypeError, ValueError):
        return iso(v)


def main(src, out):
    os.makedirs(out, exist_ok=True)
    rows = []
    s = os.path.join(src, "sources")

    def add(stem, row, given, family, dob, sex, postcode, address, nhs="", ni="", upn=""):
        rows.append({"record_id": "%s:%d" % (stem, row), "source": stem, "given_name": given or "",
                     "family_name": family or "", "dob": dob, "sex": sex or "", "postcode": postcode or "",
                     "address": address or "", "nhs": nhs or "", "ni": ni or "", "upn": upn or ""})

    for i, r in enumerate(read_csv(os.path.join(s, "schools.csv"), "utf-8"), start=2):
        add("schools", i, r["Forename"], r["Legal Surname"], iso(r["DOB"]), r["Gender"], r["Postcode"], r["Address"], upn=r["UPN"])
    for i, r in enumerate(read_csv(os.path.join(s, "police.csv"), "utf-8"), start=2):
        add("police", i, r["Forename"], r["Surname"], iso(r["DOB"]), r["Sex"], r["Postcode"], r["Address"])
    for i, r in enumerate(read_csv(os.path.join(s, "dwp.csv"), "utf-8"), start=2):
        add("dwp", i, r["First Name"], r["Surname"], iso(r["Date of Birth"]), "", r["Postcode"], r.get("Address", ""), ni=r["NINO"])
    for i, r in enumerate(read_csv(os.path.join(s, "health.csv"), "utf-8-sig"), start=2):
        g, f = split_full(r["Patient Name"], comma=False)
        add("health", i, g, f, iso(r["Date of Birth"]), r["Gender"], r["Postcode"], r["Address"], nhs=r["NHS Number"])
    for i, r in read_xlsx(os.path.join(s, "social_care.xlsx"), "Episodes"):
        add("social_care", i, r.get("First Name"), r.get("Last Name"), serial(r.get("DOB")), r.get("Gender"),
            r.get("Postcode"), r.get("Address"))
    for i, r in enumerate(read_csv(os.path.join(s, "housing.csv"), "cp1252"), start=2):
        g, f = split_full(r["Tenant Name"], comma=True)
        address, postcode = split_postcode(r["Address"])
        add("housing", i, g, f, iso(r["Date of Birth"]), "", postcode, address)
    for i, r in enumerate(read_csv(os.path.join(s, "youth_justice.csv"), "utf-8"), start=2):
        add("youth_justice", i, r["Forename"], r["Surname"], iso(r["DOB"]), r["Gender"], r["Postcode"], "")
    with open(os.path.join(out, "records.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=COLS)
        w.writeheader()
        w.writerows(rows)
    n = 0
    with open(os.path.join(src, "truth", "records.csv"), newline="") as f, \
            open(os.path.join(out, "truth.csv"), "w", newline="") as g:
        w = csv.writer(g)
        w.writerow(["source", "record_id", "entity"])
        for r in csv.DictReader(f):
            w.writerow(["all", "%s:%s" % (r["source"], r["row"]), r["person_id"]])
            n += 1
    print("records %d, truth rows %d" % (len(rows), n), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
