"""Pairwise precision/recall/F1 of a linkage against ground truth.

truth:    CSV source,record_id,entity (every record; entity = true person)
pairs:    CSV with source_l,record_id_l,source_r,record_id_r,match_probability
clusters: CSV source,record_id,person_id
Counts pairs combinatorially (no pair set is built for clusters).
"""
import csv
import json
import sys
from collections import Counter, defaultdict


def load_truth(path):
    ent = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            ent[(r["source"], r["record_id"])] = r["entity"]
    return ent


def c2(n):
    return n * (n - 1) // 2


def prf(tp, pred, true):
    p = tp / pred if pred else 0.0
    r = tp / true if true else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 5), "recall": round(r, 5), "f1": round(f, 5), "tp": tp, "predicted": pred, "true": true}


def true_pairs(ent):
    return sum(c2(n) for n in Counter(ent.values()).values())


def pair_scores(ent, pairs_path, thresholds=None):
    """Returns {threshold: prf} for pairs with probability >= threshold (None = all rows)."""
    probs, hits = [], []
    with open(pairs_path, newline="") as f:
        for r in csv.DictReader(f):
            a = ent.get((r["source_l"], r["record_id_l"]))
            b = ent.get((r["source_r"], r["record_id_r"]))
            probs.append(float(r["match_probability"]))
            hits.append(a is not None and a == b)
    total = true_pairs(ent)
    out = {}
    for t in thresholds or [None]:
        tp = pred = 0
        for p, h in zip(probs, hits):
            if t is None or p >= t:
                pred += 1
                tp += h
        out[t] = prf(tp, pred, total)
    return out


def cluster_scores(ent, clusters_path):
    pred = defaultdict(list)
    with open(clusters_path, newline="") as f:
        for r in csv.DictReader(f):
            pred[r["person_id"]].append(ent.get((r["source"], r["record_id"])))
    tp = 0
    npred = 0
    for members in pred.values():
        npred += c2(len(members))
        tp += sum(c2(n) for e, n in Counter(members).items() if e is not None)
    return prf(tp, npred, true_pairs(ent))




def sweep(ent, pairs_path, thresholds):
    """Best pairwise and cluster F1 over thresholds (clusters = connected components of the
    pairs at or above each threshold, as Splink clusters)."""
    rows = []
    with open(pairs_path, newline="") as f:
        for r in csv.DictReader(f):
            rows.append(((r["source_l"], r["record_id_l"]), (r["source_r"], r["record_id_r"]), float(r["match_probability"])))
    total = true_pairs(ent)
    best_pairs = best_clusters = None
    for t in thresholds:
        tp = pred = 0
        parent = {}

        def find(x):
            while parent.get(x, x) != x:
                parent[x] = parent.get(parent[x], parent[x])
                x = parent[x]
            return x

        for a, b, p in rows:
            if p >= t:
                pred += 1
                tp += ent.get(a) is not None and ent.get(a) == ent.get(b)
                ra, rb = find(a), find(b)
                if ra != rb:
                    parent[ra] = rb
        ps = prf(tp, pred, total)
        groups = defaultdict(list)
        for k in ent:
            groups[find(k)].append(ent[k])
        ctp = sum(sum(c2(n) for n in Counter(m).values()) for m in groups.values())
        cs = prf(ctp, sum(c2(len(m)) for m in groups.values()), total)
        if best_pairs is None or ps["f1"] > best_pairs[1]["f1"]:
            best_pairs = (t, ps)
        if best_clusters is None or cs["f1"] > best_clusters[1]["f1"]:
            best_clusters = (t, cs)
    return {"pairs": {"threshold": best_pairs[0], **best_pairs[1]}, "clusters": {"threshold": best_clusters[0], **best_clusters[1]}}


THRESHOLDS = [0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999, 0.9999]


def main_cli():
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("truth")
    ap.add_argument("pairs")
    ap.add_argument("clusters")
    ap.add_argument("--default-threshold", type=float, default=None)
    ap.add_argument("--sweep", action="store_true")
    a = ap.parse_args()
    ent = load_truth(a.truth)
    res = {"pairs": pair_scores(ent, a.pairs, [a.default_threshold])[a.default_threshold],
           "clusters": cluster_scores(ent, a.clusters)}
    if a.sweep:
        res["best"] = sweep(ent, a.pairs, THRESHOLDS)
    print(json.dumps(res))


if __name__ == "__main__":
    main_cli()
