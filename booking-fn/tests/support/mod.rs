//! Shared test helpers: fixtures and the stores under test.

#![allow(dead_code)] // each test binary uses a different subset

pub mod fixtures;

use std::sync::Arc;

use booking_fn::store::sqlite::SqliteStore;
use booking_fn::store::Store;

/// A store under test plus whatever must stay alive while it is used.
pub struct Harness {
    pub store: Arc<dyn Store>,
    /// Whether `purge_expired` deletes (SQLite) or leaves it to TTL (DynamoDB).
    pub purge_deletes: bool,
    _keep: Option<Box<dyn std::any::Any + Send + Sync>>,
}

pub async fn sqlite() -> Option<Harness> {
    Some(Harness {
        store: Arc::new(SqliteStore::in_memory().expect("in-memory SQLite opens")),
        purge_deletes: true,
        _keep: None,
    })
}
