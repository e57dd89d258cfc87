//! What the `bookings` admin CLI does, as library code so it can be tested
//! without a process: the binary only parses arguments, opens a store and
//! prints. Every function takes the store and, where expiry matters, `now`.

pub mod export;
pub mod list;
pub mod output;
pub mod summary;
pub mod sync;

use std::path::PathBuf;

use crate::store::{CancelRefused, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    // `error`, not `source`: the message already says it, and a source
    // would be printed a second time by the binary's error chain.
    #[error("cannot read {path}: {error}")]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{path} line {line}, column {column}: {message}")]
    BadManifest {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "{path}: manifest version {found} is not supported (this program reads version {expected})"
    )]
    ManifestVersion {
        path: PathBuf,
        found: u32,
        expected: u32,
    },
    #[error("{path}: visit id {id} appears more than once")]
    DuplicateVisit { path: PathBuf, id: String },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("cannot write JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("cannot write output: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Cancel(#[from] CancelRefused),
    // Not `#[from]`: that would make the store error a "source" too, and it
    // would be printed twice in the error chain.
    #[error("{}", store_message(.0))]
    Store(StoreError),
}

impl From<StoreError> for AdminError {
    fn from(e: StoreError) -> Self {
        AdminError::Store(e)
    }
}

/// The API shows a busy store as "try again shortly"; an operator also needs
/// to know why (unreachable endpoint, missing table, throttling).
fn store_message(e: &StoreError) -> String {
    match e {
        StoreError::Unavailable(detail) => format!("the store did not answer: {detail}"),
        other => other.to_string(),
    }
}
