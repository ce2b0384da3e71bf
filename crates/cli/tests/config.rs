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
