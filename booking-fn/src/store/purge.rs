//! Deleting expired personal data from a store that does not expire it by
//! itself. DynamoDB has TTL; SQLite rows stay until deleted, so a long-lived
//! local server purges at start-up and then every hour.

use std::sync::Arc;
use std::time::Duration;

use super::Store;
use crate::clock::Clock;

/// How often a running server purges.
pub const EVERY: Duration = Duration::from_secs(60 * 60);

/// Purges now and then every `every`, for as long as the runtime runs.
/// Failures are logged and retried at the next tick: a missed purge only
/// delays deletion, and reads already hide expired items.
pub fn spawn(store: Arc<dyn Store>, clock: Arc<dyn Clock>, every: Duration) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        loop {
            ticks.tick().await;
            match store.purge_expired(clock.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(deleted = n, "purged expired personal data"),
                Err(e) => tracing::warn!(error = %e, "purging expired data failed; will retry"),
            }
        }
    });
}
