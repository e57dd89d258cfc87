//! Shared test helpers: fixtures and the stores under test.

#![allow(dead_code)] // each test binary uses a different subset

pub mod fixtures;
#[cfg(feature = "dynamodb")]
pub mod moto;

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

/// A store on its own, fresh table in moto's server, the table created from
/// infra/template.yaml. `None` when moto_server is not installed (not in CI).
#[cfg(feature = "dynamodb")]
pub async fn dynamodb() -> Option<Harness> {
    use booking_fn::store::dynamo::{schema, DynamoStore};
    use std::sync::atomic::{AtomicU32, Ordering};

    static NEXT_TABLE: AtomicU32 = AtomicU32::new(0);
    let server = moto::shared()?;
    let client = moto::client(&server.endpoint);
    let table = format!(
        "bookings-{}-{}",
        std::process::id(),
        NEXT_TABLE.fetch_add(1, Ordering::Relaxed)
    );
    let template = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../infra/template.yaml");
    let spec = schema::table_from_template(&template).expect("template has the table");
    spec.check_store_layout().expect("template fits the store");
    spec.create(&client, &table)
        .await
        .expect("table created in moto");
    Some(Harness {
        store: Arc::new(DynamoStore::new(client, table)),
        purge_deletes: false,
        _keep: Some(Box::new(server)),
    })
}
