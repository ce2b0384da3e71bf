//! Black-box test of `hearth referrals import`: a batch read with the referral mapping;
//! each bad row or referral reported by file, row and field (no cell values), the good
//! referrals recorded for the double check, a family below the criteria kept and flagged.

use std::process::Command;

fn hearth() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hearth"));
    c.env_remove("HEARTH_STORE")
        .env_remove("HEARTH_PG_SCHEMA")
        .env_remove("HEARTH_LOG");
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

const HEADER: &str = "Referral Ref,Referral Date,Given Name,Family Name,Date of Birth,Address,Postcode,Relationship,Problems,Evidence,Consent,Referrer Name,Referrer Organisation,Referrer Email,Referrer Phone,Channel";

#[test]
fn a_batch_of_referrals_is_checked_row_by_row_and_the_good_ones_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("referrals-june.csv");
    let rows = [
        HEADER,
        // R1: two members, two problems: recorded.
        "R1,01/06/2025,Ann,Zephyr,02/03/1985,1 High Street,M32 0TH,parent_or_carer,crime_asb;health,Seen by the school nurse,given,Sam,Test School,sam@example.org,,secure_email",
        "R1,01/06/2025,Ben,Zephyr,04/05/2014,1 High Street,M32 0TH,child,,,,,,,,",
        // R2: a date of birth that is no date: the row is quarantined by intake.
        "R2,01/06/2025,Cy,Quill,31/02/2010,2 Low Road,,child,crime_asb;health,x,given,Sam,Test School,sam@example.org,,",
        // R3: no consent and no referrer: refused, naming the row and fields.
        "R3,01/06/2025,Di,Roe,01/01/1990,3 Mid Way,,parent_or_carer,health;crime_asb,y,,,,,,",
        // R4: one problem: below the criteria, kept for the officer to return.
        "R4,01/06/2025,Ed,Stone,01/01/1980,4 End Lane,,parent_or_carer,health,z,given,Pat,Housing,,0161 000,post",
    ];
    std::fs::write(&file, rows.join("\n") + "\n").unwrap();
    let store = dir.path().join("hearth.sqlite");
    let out = hearth()
        .args(["referrals", "import", "--store"])
        .arg(&store)
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("referrals-june.csv: row 4: Date of Birth"),
        "{stdout}"
    );
    assert!(
        stdout.contains("referrals-june.csv: row 5: consent"),
        "{stdout}"
    );
    assert!(stdout.contains("row 5: referrer_name"), "{stdout}");
    assert!(
        stdout.contains("2 referrals recorded (1 flagged"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("Quill") && !stdout.contains("Roe"),
        "no cell values"
    );
    let mut s = hearth_store::Store::open(store.to_str().unwrap()).unwrap();
    let all = s.referrals(None).unwrap();
    assert_eq!(all.len(), 2);
    let r1 = all.iter().find(|r| r.channel == "secure_email").unwrap();
    assert_eq!(s.referral_members(r1.id).unwrap().len(), 2);
    assert!(r1.criteria_met);
    let r4 = all.iter().find(|r| r.channel == "post").unwrap();
    assert!(!r4.criteria_met);
    assert!(r4.flags.contains("criteria_not_met"), "{}", r4.flags);
}
