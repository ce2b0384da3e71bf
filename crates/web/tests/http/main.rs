//! HTTP-level tests: the router driven in-process (`oneshot`) over a fresh SQLite store with a
//! tiny synthetic borough, plus one test over a real loopback socket. One test binary, one
//! module per area.

#[path = "../helpers/mod.rs"]
mod helpers;

mod accents;
mod access;
mod account;
mod admin;
mod api;
mod audit;
mod casework;
mod casework_plan;
mod claims;
mod claims_prepare;
mod claims_words;
mod families;
mod family_outcomes;
mod family_summary;
mod governance;
mod layout;
mod listing;
mod objections;
mod ops;
mod performance;
mod quarantine;
mod reconnect;
mod referrals;
mod referrals_draft;
mod referrals_known;
mod referrals_resend;
mod restriction;
mod restriction_list;
mod review;
mod rights;
mod rights_requests;
mod sar_pack;
mod sar_search;
mod savings;
mod session;
mod sso;
mod staff_names;
mod templates;
