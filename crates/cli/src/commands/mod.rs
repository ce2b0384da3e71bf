//! One module per verb.

pub mod demo;
pub mod import;
pub mod link;
pub mod synth;
