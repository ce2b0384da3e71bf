//! Black-box tests of `hearth backup` and `hearth restore`: a SQLite store backed up while
//! another connection keeps writing to it, restored into a new file, and everything written
//! before the backup started is there, with no half-written batch.

use chrono::{TimeZone, Utc};
use hearth_model::{Fact, Identity, ImportedRow};
use hearth_store::{NewBatch, Store};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

const ROWS_PER_BATCH: u64 = 50;

fn hearth() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hearth"));
    c.env_remove("HEARTH_STORE").env_remove("HEARTH_PG_SCHEMA");
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("run hearth")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Batch `n`: `ROWS_PER_BATCH` synthetic people.
fn write_batch(store: &mut Store, n: usize) {
    let meta = NewBatch {
        source: "police".into(),
        file_name: format!("police-{n}.csv"),
        file_sha256: format!("{n:064x}"),
        imported_by: "test".into(),
        imported_at: Utc.with_ymd_and_hms(2025, 9, 1, 9, 0, 0).unwrap(),
        rows_read: ROWS_PER_BATCH,
        source_name: Some("Police".into()),
    };
    let rows: Vec<ImportedRow> = (0..ROWS_PER_BATCH)
        .map(|r| ImportedRow {
            source_row: r + 2,
            identity: Identity {
                given_name: Some(format!("Given{n}x{r}")),
                family_name: Some("Synthetic".into()),
                ..Identity::default()
            },
            fact: Fact {
                event_type: "incident".into(),
                ..Fact::default()
            },
        })
        .collect();
    store.write_batch(&meta, &rows, &[]).unwrap();
}

/// Every batch is whole (as many identities as batches × rows), and the batches are
/// returned by number.
fn batches_in(path: &Path) -> Vec<usize> {
    let mut store = Store::open(path.to_str().unwrap()).unwrap();
    let batches = store.batches().unwrap();
    let identities = store.load_identities().unwrap().len() as u64;
    assert_eq!(
        identities,
        batches.iter().map(|b| b.rows_imported).sum::<u64>(),
        "a half-written batch in {}",
        path.display()
    );
    assert!(batches.iter().all(|b| b.rows_imported == ROWS_PER_BATCH));
    let mut numbers: Vec<usize> = batches
        .iter()
        .map(|b| usize::from_str_radix(&b.file_sha256, 16).unwrap())
        .collect();
    numbers.sort();
    numbers
}

#[test]
fn a_store_backed_up_during_writes_restores_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let live = tmp.path().join("live.sqlite");
    let mut store = Store::open(live.to_str().unwrap()).unwrap();
    for n in 0..20 {
        write_batch(&mut store, n);
    }
    // Another connection keeps writing batches while the backups run.
    let written = Arc::new(AtomicUsize::new(20));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (written, stop) = (written.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                let n = written.load(Ordering::SeqCst);
                write_batch(&mut store, n);
                written.store(n + 1, Ordering::SeqCst);
            }
        })
    };
    let mut backups = Vec::new();
    for i in 0..3 {
        let before = written.load(Ordering::SeqCst);
        let out = tmp.path().join(format!("backup-{i}.sqlite"));
        let o = run(hearth()
            .args(["backup", "--store", live.to_str().unwrap(), "--out"])
            .arg(&out));
        assert!(o.status.success(), "{}", text(&o));
        assert!(text(&o).contains("Backed up"), "{}", text(&o));
        backups.push((out, before));
    }
    stop.store(true, Ordering::SeqCst);
    writer.join().unwrap();
    assert!(
        written.load(Ordering::SeqCst) > 20,
        "the writer wrote nothing during the backups"
    );

    for (i, (backup, before)) in backups.iter().enumerate() {
        let restored = tmp.path().join(format!("restored-{i}.sqlite"));
        let o = run(hearth()
            .args(["restore", "--store", restored.to_str().unwrap(), "--from"])
            .arg(backup));
        assert!(o.status.success(), "{}", text(&o));
        let numbers = batches_in(&restored);
        // Every batch committed before the backup began, and a gapless run of batches.
        assert!(numbers.len() >= *before, "{} < {before}", numbers.len());
        assert_eq!(numbers, (0..numbers.len()).collect::<Vec<_>>());
    }
}

#[test]
fn restore_refuses_to_replace_a_store_without_force_and_refuses_bad_backups() {
    let tmp = tempfile::tempdir().unwrap();
    let live = tmp.path().join("live.sqlite");
    let mut store = Store::open(live.to_str().unwrap()).unwrap();
    write_batch(&mut store, 0);
    let backup = tmp.path().join("b.sqlite");
    let o = run(hearth()
        .args(["backup", "--store", live.to_str().unwrap(), "--out"])
        .arg(&backup));
    assert!(o.status.success(), "{}", text(&o));
    // A second backup to the same file is refused, the first kept.
    let o = run(hearth()
        .args(["backup", "--store", live.to_str().unwrap(), "--out"])
        .arg(&backup));
    assert!(!o.status.success());
    assert!(text(&o).contains("exists"), "{}", text(&o));

    write_batch(&mut store, 1);
    drop(store);
    let o = run(hearth()
        .args(["restore", "--store", live.to_str().unwrap(), "--from"])
        .arg(&backup));
    assert!(!o.status.success());
    assert!(text(&o).contains("--force"), "{}", text(&o));
    assert_eq!(batches_in(&live), vec![0, 1], "refused, yet changed");

    let o = run(hearth()
        .args([
            "restore",
            "--force",
            "--store",
            live.to_str().unwrap(),
            "--from",
        ])
        .arg(&backup));
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(batches_in(&live), vec![0]);

    // Not a store: refused, naming the file, and the store is untouched.
    let junk = tmp.path().join("junk.sqlite");
    std::fs::write(&junk, "name,dob\nAlice,1985-03-02\n").unwrap();
    let o = run(hearth()
        .args([
            "restore",
            "--force",
            "--store",
            live.to_str().unwrap(),
            "--from",
        ])
        .arg(&junk));
    assert!(!o.status.success());
    assert!(text(&o).contains("junk.sqlite"), "{}", text(&o));
    assert_eq!(batches_in(&live), vec![0]);
}

#[test]
fn backing_up_a_postgres_store_says_how_with_pg_dump() {
    let o = run(hearth().args([
        "backup",
        "--store",
        "postgres://hearth:secret@db.example/hearth",
        "--out",
        "x.dump",
    ]));
    assert!(!o.status.success());
    let t = text(&o);
    assert!(t.contains("pg_dump --format=custom"), "{t}");
    assert!(!t.contains("secret"), "{t}");
}

/// Creates an empty store at `path` (a command that may create one), owner-only.
fn create_store(path: &std::path::Path) {
    let o = hearth()
        .args(["quarantine", "list", "--store"])
        .arg(path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "a new store is its owner's only");
    }
}

/// A running `hearth serve`, killed when dropped.
struct Server {
    child: std::process::Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `cmd` (a `hearth serve …`) and waits for the address it says it serves on.
fn start(cmd: &mut Command) -> Server {
    use std::io::BufRead;
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    Server { child, addr }
}

/// A GET over a plain socket: the status line and headers (lower-cased) and the body.
fn get(addr: &str, path: &str, headers: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\n{headers}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out.to_lowercase()
}

/// Settings come from the flag, else the environment, else the configuration file, else the
/// default; a bad file is refused naming the file and the key.
#[test]
fn serve_settings_come_from_flag_then_environment_then_file() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("from-file.sqlite");
    let config = tmp.path().join("hearth.toml");
    std::fs::write(
        &config,
        format!(
            "store = {:?}\naddr = \"127.0.0.2:0\"\nsecure_cookies = true\nmetrics_token = \"file-token\"\n",
            store.to_str().unwrap()
        ),
    )
    .unwrap();
    let serve = || {
        let mut c = hearth();
        c.env_remove("HEARTH_ADDR")
            .env_remove("HEARTH_SECURE_COOKIES")
            .env_remove("HEARTH_METRICS_TOKEN")
            .args(["serve", "--settings"])
            .arg(&config);
        c
    };

    // The file alone: its store is used, and it must be there (a mistyped or unmounted path
    // is not served as a new, empty store).
    let missing = serve().output().unwrap();
    assert!(!missing.status.success());
    let said = text(&missing);
    assert!(
        said.contains("there is no store at") && said.contains("from-file.sqlite"),
        "{said}"
    );
    create_store(&store);
    let s = start(&mut serve());
    assert!(s.addr.starts_with("127.0.0.2:"), "{}", s.addr);
    assert!(store.exists(), "the file's store was not used");
    let h = get(&s.addr, "/healthz", "");
    assert!(h.starts_with("http/1.1 200"), "{h}");
    assert!(h.contains("strict-transport-security"), "{h}");
    let m = get(&s.addr, "/metrics", "Authorization: Bearer file-token\r\n");
    assert!(m.starts_with("http/1.1 200"), "{m}");
    // The container's health check.
    let o = run(hearth().args(["healthcheck", "--ready", "--addr", &s.addr]));
    assert!(o.status.success(), "{}", text(&o));
    drop(s);
    let o = run(hearth().args(["healthcheck", "--addr", "127.0.0.2:9"]));
    assert!(!o.status.success());

    // The environment over the file.
    let s = start(
        serve()
            .env("HEARTH_ADDR", "127.0.0.3:0")
            .env("HEARTH_SECURE_COOKIES", "false"),
    );
    assert!(s.addr.starts_with("127.0.0.3:"), "{}", s.addr);
    assert!(!get(&s.addr, "/healthz", "").contains("strict-transport-security"));
    drop(s);

    // The flag over the environment.
    let s = start(
        serve()
            .env("HEARTH_ADDR", "127.0.0.3:0")
            .args(["--addr", "127.0.0.1:0"]),
    );
    assert!(s.addr.starts_with("127.0.0.1:"), "{}", s.addr);
    drop(s);

    // A misspelt key: refused, naming the file and the key.
    std::fs::write(&config, "adress = \"127.0.0.1:0\"\n").unwrap();
    let o = run(&mut serve());
    assert!(!o.status.success());
    let t = text(&o);
    assert!(t.contains("hearth.toml") && t.contains("adress"), "{t}");
}

/// `HEARTH_LOG_FORMAT=json`: every log line is a JSON object with a level and a message.
#[test]
fn json_logs_are_one_object_a_line() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("s.sqlite");
    let o = run(hearth()
        .env("HEARTH_LOG", "info")
        .env("HEARTH_LOG_FORMAT", "json")
        .args(["family", "show", "1", "--store", store.to_str().unwrap()]));
    let stderr = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| l.starts_with('{')).collect();
    assert!(
        lines.iter().any(|l| l.contains("SQLite migration applied")),
        "{stderr}"
    );
    for l in lines {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert!(v["level"].is_string() && v["message"].is_string(), "{l}");
    }
}

/// `docker stop` and systemd stop the server with SIGTERM: it ends at once, cleanly.
#[cfg(unix)]
#[test]
fn serve_stops_cleanly_on_sigterm() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("s.sqlite");
    create_store(&store);
    let mut s = start(hearth().args([
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--store",
        store.to_str().unwrap(),
    ]));
    assert!(get(&s.addr, "/healthz", "").starts_with("http/1.1 200"));
    let killed = Command::new("kill")
        .args(["-TERM", &s.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let started = std::time::Instant::now();
    loop {
        if let Some(status) = s.child.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "still running 10 s after SIGTERM"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// `trusted_proxies` takes CIDR ranges (the subnet a council's load balancers sit in), IPv4
/// and IPv6, by flag, environment or file; a malformed one stops the server with a message
/// naming the setting.
#[test]
fn trusted_proxies_take_cidr_ranges_and_malformed_ones_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("s.sqlite");
    create_store(&store);
    let config = tmp.path().join("hearth.toml");
    let serve = || {
        let mut c = hearth();
        c.env_remove("HEARTH_TRUSTED_PROXIES")
            .args(["serve", "--addr", "127.0.0.1:0", "--settings"])
            .arg(&config)
            .arg("--store")
            .arg(&store);
        c
    };
    std::fs::write(
        &config,
        "trusted_proxies = [\"10.20.0.0/24\", \"fd00:1::/64\"]\n",
    )
    .unwrap();
    let s = start(serve().args(["--trusted-proxy", "10.30.0.0/16,fd00:2::/64"]));
    assert!(get(&s.addr, "/healthz", "").starts_with("http/1.1 200"));
    drop(s);
    let s = start(&mut serve());
    assert!(get(&s.addr, "/healthz", "").starts_with("http/1.1 200"));
    drop(s);
    let o = run(serve().args(["--trusted-proxy", "10.30.0.0/33"]));
    assert!(!o.status.success());
    assert!(
        text(&o).contains("--trusted-proxy") && text(&o).contains("from 0 to 32"),
        "{}",
        text(&o)
    );
    let o = run(serve().env("HEARTH_TRUSTED_PROXIES", "10.30.0.7/16"));
    assert!(!o.status.success());
    assert!(text(&o).contains("10.30.0.0/16"), "{}", text(&o));
    std::fs::write(&config, "trusted_proxies = [\"lb.council.example\"]\n").unwrap();
    let o = run(&mut serve());
    assert!(!o.status.success());
    let t = text(&o);
    assert!(
        t.contains("hearth.toml") && t.contains("trusted_proxies") && t.contains("CIDR"),
        "{t}"
    );
}

/// Single sign-on configured in the settings file alone is used; without a client secret
/// the server starts with a warning in plain words, and no secret is ever printed.
#[test]
fn single_sign_on_comes_from_the_settings_file_and_a_missing_secret_is_warned_of() {
    use std::io::{BufRead, Read};
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("s.sqlite");
    create_store(&store);
    let config = tmp.path().join("hearth.toml");
    let sso = "oidc_issuer = \"http://127.0.0.1:9\"\noidc_client_id = \"hearth\"\n\
               oidc_redirect_url = \"https://hearth.example.gov.uk/sign-in/sso/callback\"\n\
               oidc_provider_name = \"Council account\"\noidc_roles = [\"g=administrator\"]\n";
    for (secret, warned) in [
        ("", true),
        ("oidc_client_secret = \"Fil3-Secret\"\n", false),
    ] {
        std::fs::write(&config, format!("{sso}{secret}")).unwrap();
        let mut child = hearth()
            .env_remove("HEARTH_OIDC_CLIENT_SECRET")
            .env_remove("HEARTH_OIDC_CLIENT_SECRET_FILE")
            .env_remove("HEARTH_OIDC_ISSUER")
            .args(["serve", "--addr", "127.0.0.1:0", "--settings"])
            .arg(&config)
            .arg("--store")
            .arg(&store)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|s| s.split('/').next());
        let page = addr.map(|a| get(a, "/sign-in", "")).unwrap_or_default();
        let _ = child.kill();
        let _ = child.wait();
        let mut said = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut said)
            .unwrap();
        assert!(
            page.contains("sign in with council account"),
            "{line}{said}{page}"
        );
        assert_eq!(said.contains("without a client secret"), warned, "{said}");
        if warned {
            assert!(said.contains("HEARTH_OIDC_CLIENT_SECRET"), "{said}");
        }
        assert!(
            !said.contains("Fil3-Secret") && !line.contains("Fil3-Secret"),
            "{said}"
        );
    }
}
