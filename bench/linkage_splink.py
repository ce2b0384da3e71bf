"""Runs Splink 5 (DuckDB backend) on the common CSV format and writes pairs.csv/clusters.csv.

Usage: linkage_splink.py febrl4 A.csv B.csv OUT_DIR     (link_only, two files)
       linkage_splink.py febrl RECORDS.csv OUT_DIR      (dedupe_only, one file of FEBRL's columns:
                                                         FEBRL1, 2 and 3)
       linkage_splink.py borough RECORDS.csv OUT_DIR    (dedupe_only, one file)

Configuration follows Splink's documented examples: NameComparison with term-frequency
adjustments for names, DateOfBirthComparison, PostcodeComparison (UK) or Levenshtein
(FEBRL's Australian postcodes), Levenshtein on identifiers, JaroWinkler on address; blocking
rules like Hearth's; u by random sampling (max_pairs 1e7), the prior from deterministic rules,
m by EM on two blocking rules (names; date of birth). Predictions are kept down to
probability 0.01 so that the evaluation can sweep thresholds; clusters at Splink's default
0.5 are connected components (`cluster_pairwise_predictions_at_threshold`).
"""
import os
import sys
import time

import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on


def main():
    mode = sys.argv[1]
    t0 = time.time()
    db = DuckDBAPI()
    con = db._con
    con.execute("SET threads TO 2")
    if mode in ("febrl4", "febrl"):
        if mode == "febrl4":
            a, b, out = sys.argv[2:5]
            dfs = [db.register(con.read_csv(a, all_varchar=True), dataset_display_name="a"),
                   db.register(con.read_csv(b, all_varchar=True), dataset_display_name="b")]
            link_type = "link_only"
        else:
            recs, out = sys.argv[2:4]
            dfs = db.register(con.read_csv(recs, all_varchar=True), dataset_display_name="records")
            link_type = "dedupe_only"
        comparisons = [
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("family_name").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.LevenshteinAtThresholds("postcode", [1, 2]),
            cl.JaroWinklerAtThresholds("address", [0.9, 0.8]),
            cl.LevenshteinAtThresholds("soc_sec_id", [1, 2]),
        ]
        rules = [block_on("soc_sec_id"), block_on("dob", "substr(family_name,1,2)"),
                 block_on("dob", "substr(given_name,1,2)"), block_on("postcode", "substr(given_name,1,1)"),
                 block_on("given_name", "family_name"), block_on("family_name", "substr(dob,1,7)")]
        deterministic = [block_on("given_name", "family_name", "dob"), block_on("soc_sec_id")]
    else:
        recs, out = sys.argv[2:4]
        dfs = db.register(con.read_csv(recs, all_varchar=True), dataset_display_name="records")
        link_type = "dedupe_only"
        comparisons = [
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("family_name").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("sex"),
            cl.PostcodeComparison("postcode"),
            cl.JaroWinklerAtThresholds("address", [0.9, 0.8]),
            cl.LevenshteinAtThresholds("nhs", [1]),
            cl.LevenshteinAtThresholds("ni", [1]),
            cl.LevenshteinAtThresholds("upn", [1]),
        ]
        rules = [block_on("nhs"), block_on("ni"), block_on("upn"),
                 block_on("dob", "substr(family_name,1,2)"), block_on("dob", "substr(given_name,1,2)"),
                 block_on("postcode", "substr(given_name,1,1)"), block_on("given_name", "family_name"),
                 block_on("family_name", "substr(dob,1,7)")]
        deterministic = [block_on("given_name", "family_name", "dob"), block_on("nhs"), block_on("upn")]
    settings = SettingsCreator(
        link_type=link_type,
        unique_id_column_name="record_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=rules,
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(dfs, settings, log_level="WARNING")
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "family_name"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    pred = linker.inference.predict(threshold_match_probability=0.01)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, 0.5)
    os.makedirs(out, exist_ok=True)
    if link_type == "link_only":
        pcols = "source_dataset_l as source_l, record_id_l, source_dataset_r as source_r, record_id_r"
        ccols = "source_dataset as source, record_id, cluster_id as person_id"
    else:
        pcols = "'all' as source_l, record_id_l, 'all' as source_r, record_id_r"
        ccols = "'all' as source, record_id, cluster_id as person_id"
    con.execute(f"COPY (SELECT {pcols}, match_probability, match_weight FROM {pred.physical_name}) "
                f"TO '{out}/pairs.csv' (HEADER, DELIMITER ',')")
    con.execute(f"COPY (SELECT {ccols} FROM {clusters.physical_name}) TO '{out}/clusters.csv' (HEADER, DELIMITER ',')")
    print("splink seconds %.2f" % (time.time() - t0), file=sys.stderr)


if __name__ == "__main__":
    main()
