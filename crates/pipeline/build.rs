//! Turns on the PostgreSQL tests when `HEARTH_TEST_POSTGRES_URL` is set at build time, so that
//! without it they are reported by the test harness as ignored (skipped), not counted as passed.
fn main() {
    println!("cargo::rustc-check-cfg=cfg(hearth_pg)");
    println!("cargo::rerun-if-env-changed=HEARTH_TEST_POSTGRES_URL");
    if std::env::var_os("HEARTH_TEST_POSTGRES_URL").is_some_and(|v| !v.is_empty()) {
        println!("cargo::rustc-cfg=hearth_pg");
    }
}
