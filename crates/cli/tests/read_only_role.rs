//! A PostgreSQL role that may only read (e.g. the council's reporting role) is refused at
//! once by the verbs that change the store (`hearth import`, `link`, `identify`, `restrict`
//! …), naming the role and what it lacks, as `hearth serve` is — before any work, rather
//! than midway with a database error. Verbs that only read still work with it.

use std::path::PathBuf;
use std::process::Command;

fn output(c: &mut Command) -> (bool, String) {
    let o = c.output().expect("run hearth");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o.status.success(), text)
}

fn data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/five_files")
}

#[test]
#[cfg_attr(
    not(hearth_pg),
    ignore = "set HEARTH_TEST_POSTGRES_URL to run on PostgreSQL"
)]
fn verbs_that_write_refuse_a_read_only_postgresql_role_at_once() {
    let url = std::env::var("HEARTH_TEST_POSTGRES_URL")
        .expect("HEARTH_TEST_POSTGRES_URL was set when this test was built but is not now");
    let schema = format!("hearth_ro_verbs_{}", std::process::id());
    let role = format!("{schema}_reader");
    let hearth_at = |store: &str| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_hearth"));
        c.env_remove("HEARTH_CONFIG")
            .env("HEARTH_PG_SCHEMA", &schema)
            .env("HEARTH_STORE", store)
            .current_dir(env!("CARGO_MANIFEST_DIR"));
        c
    };
    // The owner migrates the schema; the reporting role may read it.
    let (ok, text) = output(hearth_at(&url).args(["users", "list"]));
    assert!(ok, "{text}");
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!(
            "CREATE ROLE \"{role}\" LOGIN; GRANT USAGE ON SCHEMA \"{schema}\" TO \"{role}\"; \
             GRANT SELECT ON ALL TABLES IN SCHEMA \"{schema}\" TO \"{role}\";"
        ))
        .unwrap();
    let (scheme, rest) = url.split_once("://").unwrap();
    let host = rest.split_once('@').map_or(rest, |(_, h)| h);
    let as_reader = format!("{scheme}://{role}@{host}");
    let mut runs: Vec<(&str, (bool, String))> = Vec::new();
    let mut import = hearth_at(&as_reader);
    import
        .args(["import", "--today", "2017-06-30", "--mappings"])
        .arg(data().join("mappings"))
        .arg(data().join("files"));
    runs.push(("import", output(&mut import)));
    runs.push((
        "link",
        output(hearth_at(&as_reader).args(["link", "--as-at", "2017-06-30"])),
    ));
    runs.push(("identify", output(hearth_at(&as_reader).arg("identify"))));
    runs.push((
        "restrict",
        output(hearth_at(&as_reader).args([
            "restrict",
            "--person",
            "1",
            "--ground",
            "18-1-a",
            "--reason",
            "accuracy contested",
        ])),
    ));
    runs.push((
        "users unlock",
        output(hearth_at(&as_reader).args(["users", "unlock", "--name", "admin"])),
    ));
    let listed = output(hearth_at(&as_reader).args(["users", "list"]));
    let batches: i64 = admin
        .query_one(
            &format!("SELECT COUNT(*) FROM \"{schema}\".import_batch"),
            &[],
        )
        .unwrap()
        .get(0);
    admin
        .batch_execute(&format!(
            "DROP OWNED BY \"{role}\"; DROP ROLE \"{role}\"; DROP SCHEMA \"{schema}\" CASCADE"
        ))
        .unwrap();
    for (verb, (ok, text)) in runs {
        assert!(!ok, "{verb}: {text}");
        for part in [
            role.as_str(),
            "INSERT on",
            &format!("hearth {verb} changes the store"),
        ] {
            assert!(text.contains(part), "{verb}: {part}: {text}");
        }
    }
    assert_eq!(batches, 0, "nothing imported");
    assert!(listed.0, "a verb that only reads works: {}", listed.1);
}
