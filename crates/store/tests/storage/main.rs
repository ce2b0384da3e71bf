//! The store's test suite, one binary, a module per area. Every check is a function taking a
//! fresh `&mut Store` (and the [`TestDb`](harness::TestDb) it lives in, to reopen it or look
//! at its tables directly); `both!` makes each two tests, `<area>::sqlite::<check>` on a new
//! SQLite file and `<area>::postgresql::<check>` on PostgreSQL in a schema of its own
//! (`hearth_test_<random>`, dropped afterwards). The PostgreSQL tests are compiled as ignored,
//! and so reported as skipped, unless `HEARTH_TEST_POSTGRES_URL` is set at build time, e.g.
//! `HEARTH_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test cargo test -p hearth-store`.

#[macro_use]
mod harness;
mod fixtures;

mod accounts;
mod audit;
mod casework;
mod casework_work;
mod claims;
mod connection;
mod crash;
mod identification;
mod intake;
mod linkage;
mod lookup;
mod outcomes;
mod referrals;
mod restricted;
mod retention;
mod sar_scope;
mod schema;
mod subject_access;
mod versions;
