//! `prospectus`: checks the editors' content, builds the static site and
//! serves a local preview with the booking API mounted in-process.

pub mod build;
pub mod cli;
pub mod content;
pub mod search;
pub mod serve;
pub mod urls;
