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

/// A mistaken proxy or metrics range is named where it was written: the environment
/// variable, the flag, or the settings file's key — before anything is opened.
#[test]
fn a_bad_address_range_is_named_where_it_was_written() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let store = dir.join("hearth.sqlite");
    let serve = || {
        let mut c = hearth(dir);
        c.env_remove("HEARTH_TRUSTED_PROXIES")
            .env_remove("HEARTH_METRICS_FROM")
            .args(["serve", "--addr", "127.0.0.1:0", "--store"])
            .arg(&store);
        c
    };
    for (env, flag) in [
        ("HEARTH_TRUSTED_PROXIES", "--trusted-proxy"),
        ("HEARTH_METRICS_FROM", "--metrics-from"),
    ] {
        let (ok, _, err) = run(serve().env(env, "10.0.0.1,load-balancer"));
        assert!(!ok);
        assert!(
            err.contains(env) && err.contains("load-balancer") && !err.contains(flag),
            "{env}: {err}"
        );
        let (ok, _, err) = run(serve().args([flag, "10.20.0.5/24"]));
        assert!(!ok);
        assert!(
            err.contains(flag) && err.contains("10.20.0.0/24") && !err.contains(env),
            "{flag}: {err}"
        );
    }
    let settings = dir.join("hearth.toml");
    std::fs::write(&settings, "trusted_proxies = [\"load-balancer\"]\n").unwrap();
    let (ok, _, err) = run(serve().arg("--settings").arg(&settings));
    assert!(!ok);
    assert!(
        err.contains("trusted_proxies")
            && !err.contains("HEARTH_TRUSTED_PROXIES")
            && !err.contains("--trusted-proxy"),
        "{err}"
    );
    assert!(!store.exists(), "nothing opened");
}

/// The built-in copies' temporary folders (`hearth-config-PID-…`): `hearth serve` removes its
/// own once it has read them, so a server killed with SIGKILL leaves none; and a run removes
/// those left by killed runs whose process is gone — never a running one's, nor a folder
/// named otherwise.
#[test]
fn built_in_copies_leave_no_temporary_folder_behind() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let temp = dir.join("tmp");
    std::fs::create_dir(&temp).unwrap();
    std::fs::write(dir.join("police-1.csv"), POLICE).unwrap();
    let configs = || -> Vec<String> {
        std::fs::read_dir(&temp)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("hearth-config-"))
            .collect()
    };
    // Left by a killed run (no process has a number this high), by a running one (this
    // test), and a folder of another kind.
    for name in [
        "hearth-config-4999999-dead",
        &format!("hearth-config-{}-alive", std::process::id()),
        "hearth-config-other",
    ] {
        std::fs::create_dir(temp.join(name)).unwrap();
        std::fs::write(temp.join(name).join("rules.toml"), "x = 1\n").unwrap();
    }
    // An import, which creates the store the server then serves.
    let store = dir.join("hearth.sqlite");
    let (_, out, err) = run(hearth(dir)
        .env("TMPDIR", &temp)
        .arg("import")
        .arg("--store")
        .arg(&store)
        .arg("police-1.csv"));
    assert!(store.exists(), "{out}{err}");
    let mut left = configs();
    left.sort();
    assert_eq!(
        left,
        [
            format!("hearth-config-{}-alive", std::process::id()),
            "hearth-config-other".to_string()
        ],
        "{out}{err}"
    );

    // A server killed with SIGKILL leaves no folder.
    let said = dir.join("serve.out");
    let mut server = hearth(dir)
        .env("TMPDIR", &temp)
        .args(["serve", "--addr", "127.0.0.1:0", "--store"])
        .arg(&store)
        .stdout(std::fs::File::create(&said).unwrap())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let serving = || std::fs::read_to_string(&said).is_ok_and(|s| s.contains("serving on"));
    while !serving() && started.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let running = server.try_wait().unwrap().is_none();
    let mut while_serving = configs();
    while_serving.sort();
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(running && serving(), "the server started");
    assert_eq!(
        while_serving, left,
        "the server's own folder is gone once read"
    );
    let mut after = configs();
    after.sort();
    assert_eq!(after, left);
}
