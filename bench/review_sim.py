"""A simulated reviewer: answers the review queue from the truth and measures accuracy
against the number of pairs decided.

Usage: review_sim.py LINK CASE_DIR STEPS
  LINK      command running a spec: `LINK SPEC OUT_DIR` (the link_spec example) or
            `hearth link --spec SPEC --out OUT_DIR` given as "hearth-cli:/path/to/hearth"
  CASE_DIR  holds in/spec.toml (the case's spec) and in/truth.csv (source,record_id,entity)
  STEPS     comma-separated cumulative numbers of pairs decided, e.g. 0,50,100,200,500
At each step the engine links with every decision so far (`settings.decisions_file`), then the
reviewer takes the next pairs of that run's queue (queue.csv: one pair per two people, the
decisions worth most first) until STEPS' next number is reached, answering "same person" or
"different people" from the truth. Prints one markdown row per step.
"""
import csv
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from linkage_eval import load_truth, pair_scores, cluster_scores  # noqa: E402


def run(link, spec, out):
    if link.startswith("hearth-cli:"):
        cmd = [link.split(":", 1)[1], "link", "--spec", spec, "--out", out]
    else:
        cmd = [link, spec, out]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def main(link, case, steps):
    inp = os.path.join(case, "in")
    ent = load_truth(os.path.join(inp, "truth.csv"))
    records = len(ent)
    base = open(os.path.join(inp, "spec.toml")).read()
    spec = os.path.join(inp, "spec_review.toml")
    open(spec, "w").write('[settings]\ndecisions_file = "decisions.csv"\n' + base)
    dec_path = os.path.join(inp, "decisions.csv")
    with open(dec_path, "w", newline="") as f:
        csv.writer(f).writerow(["source_l", "record_id_l", "source_r", "record_id_r", "same"])
    decided = set()
    reviewed_records = set()
    rows = []
    for k, n in enumerate(steps):
        out = os.path.join(case, "review_out")
        run(link, spec, out)
        ps = pair_scores(ent, os.path.join(out, "pairs.csv"))[None]
        cs = cluster_scores(ent, os.path.join(out, "clusters.csv"))
        queue = list(csv.DictReader(open(os.path.join(out, "queue.csv"))))
        rows.append((n, len(decided), len(reviewed_records), len(queue), ps, cs))
        if k + 1 == len(steps):
            break
        want = steps[k + 1] - len(decided)
        with open(dec_path, "a", newline="") as f:
            w = csv.writer(f)
            for q in queue:
                if want <= 0:
                    break
                a = (q["source_l"], q["record_id_l"])
                b = (q["source_r"], q["record_id_r"])
                if (a, b) in decided:
                    continue
                same = ent.get(a) is not None and ent.get(a) == ent.get(b)
                w.writerow([a[0], a[1], b[0], b[1], "true" if same else "false"])
                decided.add((a, b))
                reviewed_records.update([a, b])
                want -= 1
    name = os.path.basename(case.rstrip("/"))
    for n, d, r, q, ps, cs in rows:
        print("| %s | %d | %d | %.2f%% | %d | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f |" % (
            name, d, records, 100.0 * r / records, q, ps["precision"], ps["recall"], ps["f1"],
            cs["precision"], cs["recall"], cs["f1"]))
    sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], [int(x) for x in sys.argv[3].split(",")])
