//! Black-box tests of `hearth init DIR` and of where commands find mappings and rules:
//! `--config`, `HEARTH_CONFIG`, `./hearth-config`, else the copies built into the binary —
//! never the folder the binary was built in.

use std::path::Path;
use std::process::Command;

/// hearth, run from `dir` (not the source tree).
fn hearth(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hearth"));
    c.env_remove("HEARTH_STORE")
        .env_remove("HEARTH_PG_SCHEMA")
        .env_remove("HEARTH_LOG")
        .env_remove("HEARTH_CONFIG")
        .current_dir(dir);
    c
}

fn run(cmd: &mut Command) -> (bool, String, String) {
    let out = cmd.output().expect("run hearth");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const POLICE: &str =
    "Incident Ref,Person ID,Surname,Forename,DOB,Postcode,Incident Date,Category,Involvement\n";

#[test]
fn init_writes_editable_copies_and_refuses_to_overwrite_them() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (ok, out, err) = run(hearth(dir).args(["init", "council"]));
    assert!(ok, "{out}{err}");
    for f in [
        "mappings/police.toml",
        "mappings/dwp.toml",
        "rules/expanded-2015.toml",
        "rules/unit-costs.toml",
        "rules/casework.toml",
    ] {
        assert!(dir.join("council").join(f).is_file(), "{f} missing: {out}");
    }
    assert!(out.contains("--config council"), "{out}");
    let (ok, _, err) = run(hearth(dir).args(["init", "council"]));
    assert!(!ok && err.contains("already exists"), "{err}");
    let (ok, _, err) = run(hearth(dir).args(["init", "council", "--force"]));
    assert!(ok, "{err}");
}

#[test]
fn commands_read_the_configuration_folder_and_else_the_built_in_copies() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("police-1.csv"), POLICE).unwrap();
    std::fs::write(dir.join("probation.csv"), "Ref,Surname\nR1,Ellery\n").unwrap();
    let store = dir.join("hearth.sqlite").display().to_string();

    // No configuration anywhere: the built-in mappings (which know police, not probation).
    let (ok, out, _) = run(hearth(dir)
        .args(["import", "--dry-run", "--store", &store])
        .args(["police-1.csv", "probation.csv"]));
    assert!(!ok);
    assert!(
        out.contains("mappings/police.toml names column(s)"),
        "the built-in police mapping was used: {out}"
    );
    assert!(out.contains("no mapping applies to probation.csv"), "{out}");

    // A council's own folder, with a probation mapping added.
    assert!(run(hearth(dir).args(["init", "council"])).0);
    std::fs::write(
        dir.join("council/mappings/probation.toml"),
        "source = \"probation\"\nfiles = [\"probation*.csv\"]\nevent_type = \"supervision\"\n\
         [identity]\nsource_person_id = \"Ref\"\nfamily_name = \"Surname\"\n",
    )
    .unwrap();
    for how in ["--config", "HEARTH_CONFIG", "./hearth-config"] {
        let mut c = hearth(dir);
        c.args(["import", "--dry-run", "--store", &store]);
        match how {
            "--config" => {
                c.args(["--config", "council"]);
            }
            "HEARTH_CONFIG" => {
                c.env("HEARTH_CONFIG", dir.join("council"));
            }
            _ => std::fs::rename(dir.join("council"), dir.join("hearth-config")).unwrap(),
        }
        let (ok, out, err) = run(c.arg("probation.csv"));
        assert!(ok, "{how}: {out}{err}");
        assert!(
            out.contains("probation.csv (probation): 1 rows read"),
            "{how}: {out}"
        );
    }

    // A configuration folder that is not there is named, not silently replaced.
    let (ok, _, err) = run(hearth(dir)
        .args(["import", "--dry-run", "--config", "nowhere"])
        .arg("probation.csv"));
    assert!(
        !ok && err.contains("nowhere") && err.contains("hearth init"),
        "{err}"
    );
}

/// `hearth serve` and `hearth referrals import` take the council's referral rules from the
/// configuration folder (`rules/referrals.toml`), like the other rules: a council's own
/// file is read (a mistake in it is named, and nothing starts), never the built-in copy.
#[test]
fn serve_and_referral_imports_read_the_councils_referral_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    assert!(run(hearth(dir).args(["init", "council"])).0);
    let rules = dir.join("council/rules/referrals.toml");
    assert!(rules.is_file(), "hearth init writes the referral rules");
    let shipped = std::fs::read_to_string(&rules).unwrap();
    // The council asks for more problems than it lists: refused, naming the file and field.
    let broken = shipped.replace("minimum_problems = 2", "minimum_problems = 99");
    assert_ne!(
        broken, shipped,
        "the shipped rules say minimum_problems = 2"
    );
    std::fs::write(&rules, broken).unwrap();
    let store = dir.join("hearth.sqlite").display().to_string();
    let (ok, out, err) = run(hearth(dir).args([
        "serve",
        "--config",
        "council",
        "--store",
        &store,
        "--addr",
        "127.0.0.1:0",
    ]));
    assert!(!ok, "{out}{err}");
    assert!(
        err.contains("referral rules") && err.contains("referrals.toml"),
        "{err}"
    );
    assert!(err.contains("minimum_problems"), "{err}");
    std::fs::write(dir.join("referrals.csv"), "x\n").unwrap();
    let (ok, out, err) = run(hearth(dir)
        .args([
            "referrals",
            "import",
            "--config",
            "council",
            "--store",
            &store,
        ])
        .arg("referrals.csv"));
    assert!(!ok, "{out}{err}");
    assert!(err.contains("referral rules"), "{err}");
    // Without a configuration folder, the built-in rules: the error is another one.
    let (_, out, err) = run(hearth(dir)
        .args(["referrals", "import", "--store", &store])
        .arg("referrals.csv"));
    assert!(!err.contains("referral rules"), "{out}{err}");
}
