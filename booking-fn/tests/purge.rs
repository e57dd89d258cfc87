//! The local server's purger deletes expired personal data from SQLite
//! without anyone running `bookings purge`.

mod support;

use std::sync::Arc;
use std::time::Duration;

use booking_fn::clock::FixedClock;
use booking_fn::model::BookingFilter;
use booking_fn::store::sqlite::SqliteStore;
use booking_fn::store::{purge, Store};
use support::fixtures::{booking, expired, now, slot};

#[tokio::test]
async fn the_purger_deletes_expired_bookings_at_start_up() {
    let store = Arc::new(SqliteStore::in_memory().unwrap());
    store
        .sync_slots(&[slot("v1", "100001", "2027-10-14", "09:30", 10)])
        .await
        .unwrap();
    let mut old = booking("OLD", "v1", "100001", "200001", 1);
    old.expires_at = expired();
    store.create_booking(&old).await.unwrap();
    store
        .create_booking(&booking("LIVE", "v1", "100001", "200002", 1))
        .await
        .unwrap();

    // Seen from a day earlier the old booking is still live: so a listing
    // then shows whether its row exists, without purging anything itself.
    let earlier = now() - chrono::Duration::days(1);
    let refs = || async {
        let all = BookingFilter::default();
        let found = store.list_bookings(&all, earlier).await.unwrap();
        found.into_iter().map(|b| b.reference).collect::<Vec<_>>()
    };
    assert_eq!(refs().await, ["OLD", "LIVE"]);

    purge::spawn(store.clone(), Arc::new(FixedClock(now())), purge::EVERY);
    // The first purge runs at once; wait for it, bounded.
    for _ in 0..250 {
        if refs().await == ["LIVE"] {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        refs().await,
        ["LIVE"],
        "the purger deleted the expired booking, and only it"
    );
}
