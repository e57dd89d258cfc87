//! The embedded store: one SQLite file (WAL), used locally and by the site's
//! preview. One connection behind a mutex, driven from `spawn_blocking`:
//! every change is a single `BEGIN IMMEDIATE` transaction of a few
//! microseconds, so serialising them costs less than a pool would.

mod rows;
mod schema;
pub(crate) mod sync;

use std::path::Path;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

use super::{BookingRefused, CancelRefused, FeedbackRefused, Store, StoreError};
use crate::model::{Booking, BookingFilter, BookingStatus, Feedback, SyncReport, VisitRecord};
use crate::slots::Slot;
use rows::{BOOKING_COLUMNS, FEEDBACK_COLUMNS, VISIT_COLUMNS};
use sync::SlotChange;

pub use schema::SCHEMA_VERSION;

/// How long a writer waits for another process's transaction (e.g. the
/// `bookings` CLI next to a running server) before giving up as busy.
const BUSY_TIMEOUT_MS: u32 = 5_000;

#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").finish_non_exhaustive()
    }
}

/// Map a SQLite failure: contention is temporary (`Unavailable`, the API
/// answers 503 + Retry-After); anything else is reported as it is.
pub(crate) fn store_err(e: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode::{DatabaseBusy, DatabaseLocked};
    match &e {
        rusqlite::Error::SqliteFailure(f, _) if matches!(f.code, DatabaseBusy | DatabaseLocked) => {
            StoreError::Unavailable(e.to_string())
        }
        rusqlite::Error::FromSqlConversionFailure(..)
        | rusqlite::Error::IntegralValueOutOfRange(..)
        | rusqlite::Error::InvalidColumnType(..) => StoreError::Corrupt(e.to_string()),
        _ => StoreError::Other(e.to_string()),
    }
}

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
            || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE)
}

impl SqliteStore {
    /// Open (creating if needed) the database file and bring its schema up to
    /// date.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path).map_err(|e| {
            StoreError::Other(format!("cannot open SQLite file {}: {e}", path.display()))
        })?;
        Self::init(conn)
    }

    /// A private database that lives as long as this store (tests, previews).
    pub fn in_memory() -> Result<Self, StoreError> {
        Self::init(Connection::open_in_memory().map_err(store_err)?)
    }

    fn init(mut conn: Connection) -> Result<Self, StoreError> {
        conn.busy_timeout(std::time::Duration::from_millis(BUSY_TIMEOUT_MS.into()))
            .map_err(store_err)?;
        // WAL lets readers (the CLI's `list`) run beside the server's writes;
        // NORMAL sync is durable across application crashes, which is what
        // a booking needs (an OS crash may lose the last commits, not corrupt).
        let _mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(store_err)?;
        conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")
            .map_err(store_err)?;
        schema::migrate(&mut conn)?;
        // Every statement is prepared once and reused; there are ~20.
        conn.set_prepared_statement_cache_capacity(64);
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Run `f` with the connection on the blocking pool.
    async fn with_conn<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, E> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            // A panic while holding the lock drops (and so rolls back) its
            // transaction first, so the connection is still sound.
            let mut guard = conn.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(|e| E::from(StoreError::Other(format!("store task failed: {e}"))))?
    }
}

fn immediate(conn: &mut Connection) -> Result<Transaction<'_>, StoreError> {
    conn.transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(store_err)
}

fn get_visit(conn: &Connection, id: &str) -> Result<Option<VisitRecord>, StoreError> {
    conn.prepare_cached(&format!("SELECT {VISIT_COLUMNS} FROM visits WHERE id = ?1"))
        .map_err(store_err)?
        .query_row([id], rows::visit)
        .optional()
        .map_err(store_err)
}

fn write_visit(tx: &Transaction<'_>, v: &VisitRecord) -> Result<(), StoreError> {
    tx.prepare_cached(&format!(
        "INSERT INTO visits ({VISIT_COLUMNS}) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) \
             ON CONFLICT (id) DO UPDATE SET host_urn = excluded.host_urn, \
             host_name = excluded.host_name, host_path = excluded.host_path, \
             region = excluded.region, date = excluded.date, \
             start_time = excluded.start_time, end_time = excluded.end_time, \
             capacity = excluded.capacity, remaining = excluded.remaining, \
             max_per_school = excluded.max_per_school, \
             booking_closes = excluded.booking_closes, same_region = excluded.same_region, \
             focus = excluded.focus, withdrawn = excluded.withdrawn"
    ))
    .map_err(store_err)?
    .execute(params![
        v.id,
        v.host_urn,
        v.host_name,
        v.host_path,
        v.region,
        rows::date_text(v.date),
        v.start,
        v.end,
        v.capacity,
        v.remaining,
        v.max_per_school,
        rows::date_text(v.booking_closes),
        v.same_region,
        rows::focus_text(&v.focus),
        v.withdrawn,
    ])
    .map_err(store_err)?;
    Ok(())
}

/// The confirmed booking a school holds on a visit date, expired or not: an
/// expired one still holds its places until purged.
fn live_booking(
    conn: &Connection,
    visit_id: &str,
    school_urn: &str,
) -> Result<Option<Booking>, StoreError> {
    conn.prepare_cached(&format!(
        "SELECT {BOOKING_COLUMNS} FROM bookings \
             WHERE visit_id = ?1 AND school_urn = ?2 AND status = 'confirmed'"
    ))
    .map_err(store_err)?
    .query_row([visit_id, school_urn], rows::booking)
    .optional()
    .map_err(store_err)
}

fn sync_slots_tx(conn: &mut Connection, slots: &[Slot]) -> Result<SyncReport, StoreError> {
    let tx = immediate(conn)?;
    let mut report = SyncReport::default();
    let mut listed = std::collections::HashSet::new();
    for slot in slots {
        listed.insert(slot.id.as_str());
        let existing = get_visit(&tx, &slot.id)?;
        let held = match sync::plan(existing.as_ref(), slot) {
            SlotChange::Added(record) => {
                write_visit(&tx, &record)?;
                report.added.push(record.id);
                None
            }
            SlotChange::Updated { record, held } => {
                write_visit(&tx, &record)?;
                report.updated.push(record.id);
                held
            }
            SlotChange::Unchanged { held } => {
                report.unchanged += 1;
                held
            }
        };
        if let Some((asked, kept)) = held {
            report.capacity_held.push((slot.id.clone(), asked, kept));
        }
    }
    // Dates dropped from the manifest are withdrawn, never deleted: bookings
    // and feedback still refer to them.
    let ids: Vec<String> = {
        let mut stmt = tx
            .prepare("SELECT id FROM visits WHERE withdrawn = 0 ORDER BY id")
            .map_err(store_err)?;
        let ids = stmt
            .query_map([], |r| r.get(0))
            .map_err(store_err)?
            .collect::<Result<_, _>>()
            .map_err(store_err)?;
        ids
    };
    for id in ids {
        if !listed.contains(id.as_str()) {
            tx.execute("UPDATE visits SET withdrawn = 1 WHERE id = ?1", [&id])
                .map_err(store_err)?;
            report.withdrawn.push(id);
        }
    }
    tx.commit().map_err(store_err)?;
    Ok(report)
}

fn create_booking_tx(conn: &mut Connection, b: &Booking) -> Result<(), BookingRefused> {
    let tx = immediate(conn)?;
    let visit = get_visit(&tx, &b.visit_id)?
        .ok_or_else(|| BookingRefused::UnknownVisit(b.visit_id.clone()))?;
    if visit.withdrawn {
        return Err(BookingRefused::Withdrawn);
    }
    if let Some(existing) = live_booking(&tx, &b.visit_id, &b.school_urn)? {
        return Err(BookingRefused::AlreadyBooked(Box::new(existing)));
    }
    if visit.remaining < b.places {
        return Err(BookingRefused::NotEnoughPlaces {
            remaining: visit.remaining,
        });
    }
    // A cancelled booking by this school is replaced, as the DynamoDB store
    // does (same key), so both stores answer the same for its old reference.
    tx.prepare_cached(
        "DELETE FROM bookings WHERE visit_id = ?1 AND school_urn = ?2 AND status = 'cancelled'",
    )
    .map_err(store_err)?
    .execute([&b.visit_id, &b.school_urn])
    .map_err(store_err)?;
    tx.prepare_cached("UPDATE visits SET remaining = remaining - ?2 WHERE id = ?1")
        .map_err(store_err)?
        .execute(params![b.visit_id, b.places])
        .map_err(store_err)?;
    let inserted = tx
        .prepare_cached(&format!(
            "INSERT INTO bookings ({BOOKING_COLUMNS}) VALUES \
             (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"
        ))
        .map_err(store_err)?
        .execute(params![
            b.reference,
            b.visit_id,
            b.host_urn,
            b.school_name,
            b.school_urn,
            b.school_region,
            b.contact_name,
            b.contact_role,
            b.email,
            b.places,
            b.needs,
            b.token_hash,
            b.idempotency_key_hash,
            rows::status_text(b.status),
            rows::time_text(b.created_at),
            b.cancelled_at.map(rows::time_text),
            b.expires_at,
        ]);
    match inserted {
        Ok(_) => {}
        // The live-booking check above ran in this transaction, so a unique
        // violation here can only be the reference.
        Err(e) if is_unique_violation(&e) => {
            return Err(StoreError::Other(format!(
                "booking reference {} is already in use",
                b.reference
            ))
            .into())
        }
        Err(e) => return Err(store_err(e).into()),
    }
    tx.commit().map_err(store_err)?;
    Ok(())
}

fn booking_by_ref(
    conn: &Connection,
    reference: &str,
    now: i64,
) -> Result<Option<Booking>, StoreError> {
    conn.prepare_cached(&format!(
        "SELECT {BOOKING_COLUMNS} FROM bookings WHERE reference = ?1 AND expires_at > ?2"
    ))
    .map_err(store_err)?
    .query_row(params![reference, now], rows::booking)
    .optional()
    .map_err(store_err)
}

fn cancel_booking_tx(
    conn: &mut Connection,
    reference: &str,
    now: DateTime<Utc>,
) -> Result<Booking, CancelRefused> {
    let tx = immediate(conn)?;
    let mut booking = booking_by_ref(&tx, reference, now.timestamp())?
        .ok_or_else(|| CancelRefused::NotFound(reference.to_owned()))?;
    if booking.status == BookingStatus::Cancelled {
        return Err(CancelRefused::AlreadyCancelled(reference.to_owned()));
    }
    tx.prepare_cached(
        "UPDATE bookings SET status = 'cancelled', cancelled_at = ?2 WHERE reference = ?1",
    )
    .map_err(store_err)?
    .execute(params![reference, rows::time_text(now)])
    .map_err(store_err)?;
    tx.prepare_cached("UPDATE visits SET remaining = remaining + ?2 WHERE id = ?1")
        .map_err(store_err)?
        .execute(params![booking.visit_id, booking.places])
        .map_err(store_err)?;
    tx.commit().map_err(store_err)?;
    booking.status = BookingStatus::Cancelled;
    booking.cancelled_at = Some(now);
    Ok(booking)
}

fn add_feedback_tx(conn: &mut Connection, f: &Feedback) -> Result<(), FeedbackRefused> {
    let tx = immediate(conn)?;
    let inserted = tx
        .prepare_cached(&format!(
            "INSERT INTO feedback ({FEEDBACK_COLUMNS}) VALUES \
             (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
        ))
        .map_err(store_err)?
        .execute(params![
            f.reference,
            f.visit_id,
            f.host_urn,
            f.school_urn,
            rows::date_text(f.visit_date),
            rows::focus_text(&f.focus),
            f.satisfaction,
            rows::covered_text(f.covered_focus),
            f.will_change,
            f.recommend,
            f.quote_consent,
            f.comments,
            rows::time_text(f.created_at),
            f.expires_at,
        ]);
    match inserted {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => {
            return Err(FeedbackRefused::AlreadyGiven(f.reference.clone()))
        }
        Err(e) => return Err(store_err(e).into()),
    }
    tx.commit().map_err(store_err)?;
    Ok(())
}

fn list_bookings_q(
    conn: &Connection,
    filter: &BookingFilter,
    now: i64,
) -> Result<Vec<Booking>, StoreError> {
    // Optional filters as `?n IS NULL OR ...` keep one fixed, cached statement.
    let cols = BOOKING_COLUMNS
        .split(", ")
        .map(|c| format!("b.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {cols} FROM bookings b JOIN visits v ON v.id = b.visit_id \
         WHERE b.expires_at > ?1 \
           AND (?2 IS NULL OR b.host_urn = ?2) \
           AND (?3 IS NULL OR v.date = ?3) \
           AND (?4 IS NULL OR b.school_urn = ?4) \
           AND (?5 OR b.status = 'confirmed') \
         ORDER BY v.date, b.visit_id, b.school_urn, b.reference"
    );
    let mut stmt = conn.prepare_cached(&sql).map_err(store_err)?;
    let rows = stmt
        .query_map(
            params![
                now,
                filter.host_urn,
                filter.date.map(rows::date_text),
                filter.school_urn,
                filter.include_cancelled,
            ],
            rows::booking,
        )
        .map_err(store_err)?;
    rows.collect::<Result<_, _>>().map_err(store_err)
}

fn erase_person_tx(conn: &mut Connection, email: &str) -> Result<Vec<String>, StoreError> {
    let tx = immediate(conn)?;
    let refs: Vec<String> = {
        let mut stmt = tx
            .prepare(
                "SELECT reference FROM bookings \
                 WHERE email = ?1 COLLATE NOCASE AND email <> '' ORDER BY reference",
            )
            .map_err(store_err)?;
        let refs = stmt
            .query_map([email.trim()], |r| r.get(0))
            .map_err(store_err)?
            .collect::<Result<_, _>>()
            .map_err(store_err)?;
        refs
    };
    tx.prepare_cached(
        "UPDATE bookings SET contact_name = '', contact_role = '', email = '', needs = NULL \
         WHERE email = ?1 COLLATE NOCASE AND email <> ''",
    )
    .map_err(store_err)?
    .execute([email.trim()])
    .map_err(store_err)?;
    tx.commit().map_err(store_err)?;
    Ok(refs)
}

#[async_trait]
impl Store for SqliteStore {
    async fn sync_slots(&self, slots: &[Slot]) -> Result<SyncReport, StoreError> {
        let slots = slots.to_vec();
        self.with_conn(move |c| sync_slots_tx(c, &slots)).await
    }

    async fn visit(&self, id: &str) -> Result<Option<VisitRecord>, StoreError> {
        let id = id.to_owned();
        self.with_conn(move |c| get_visit(c, &id)).await
    }

    async fn visits_for_host(&self, host_urn: &str) -> Result<Vec<VisitRecord>, StoreError> {
        let host = host_urn.to_owned();
        self.with_conn(move |c| {
            let mut stmt = c
                .prepare_cached(&format!(
                    "SELECT {VISIT_COLUMNS} FROM visits WHERE host_urn = ?1 \
                     ORDER BY date, start_time, id"
                ))
                .map_err(store_err)?;
            let rows = stmt.query_map([host], rows::visit).map_err(store_err)?;
            rows.collect::<Result<_, _>>().map_err(store_err)
        })
        .await
    }

    async fn create_booking(&self, booking: &Booking) -> Result<(), BookingRefused> {
        let booking = booking.clone();
        self.with_conn(move |c| create_booking_tx(c, &booking))
            .await
    }

    async fn booking(
        &self,
        reference: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Booking>, StoreError> {
        let reference = reference.to_owned();
        self.with_conn(move |c| booking_by_ref(c, &reference, now.timestamp()))
            .await
    }

    async fn school_booking(
        &self,
        visit_id: &str,
        school_urn: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Booking>, StoreError> {
        let (visit_id, school_urn) = (visit_id.to_owned(), school_urn.to_owned());
        self.with_conn(move |c| {
            Ok(live_booking(c, &visit_id, &school_urn)?.filter(|b| b.expires_at > now.timestamp()))
        })
        .await
    }

    async fn cancel_booking(
        &self,
        reference: &str,
        now: DateTime<Utc>,
    ) -> Result<Booking, CancelRefused> {
        let reference = reference.to_owned();
        self.with_conn(move |c| cancel_booking_tx(c, &reference, now))
            .await
    }

    async fn add_feedback(&self, feedback: &Feedback) -> Result<(), FeedbackRefused> {
        let feedback = feedback.clone();
        self.with_conn(move |c| add_feedback_tx(c, &feedback)).await
    }

    async fn feedback_for_booking(
        &self,
        reference: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Feedback>, StoreError> {
        let reference = reference.to_owned();
        self.with_conn(move |c| {
            c.prepare_cached(&format!(
                "SELECT {FEEDBACK_COLUMNS} FROM feedback \
                     WHERE reference = ?1 AND expires_at > ?2"
            ))
            .map_err(store_err)?
            .query_row(params![reference, now.timestamp()], rows::feedback)
            .optional()
            .map_err(store_err)
        })
        .await
    }

    async fn list_bookings(
        &self,
        filter: &BookingFilter,
        now: DateTime<Utc>,
    ) -> Result<Vec<Booking>, StoreError> {
        let filter = filter.clone();
        self.with_conn(move |c| list_bookings_q(c, &filter, now.timestamp()))
            .await
    }

    async fn list_feedback(&self, now: DateTime<Utc>) -> Result<Vec<Feedback>, StoreError> {
        self.with_conn(move |c| {
            let mut stmt = c
                .prepare_cached(&format!(
                    "SELECT {FEEDBACK_COLUMNS} FROM feedback WHERE expires_at > ?1 \
                     ORDER BY visit_date, reference"
                ))
                .map_err(store_err)?;
            let rows = stmt
                .query_map([now.timestamp()], rows::feedback)
                .map_err(store_err)?;
            rows.collect::<Result<_, _>>().map_err(store_err)
        })
        .await
    }

    async fn erase_person(&self, email: &str) -> Result<Vec<String>, StoreError> {
        let email = email.to_owned();
        self.with_conn(move |c| erase_person_tx(c, &email)).await
    }

    async fn purge_expired(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        self.with_conn(move |c| {
            let tx = immediate(c)?;
            let now = now.timestamp();
            let b = tx
                .execute("DELETE FROM bookings WHERE expires_at <= ?1", [now])
                .map_err(store_err)?;
            let f = tx
                .execute("DELETE FROM feedback WHERE expires_at <= ?1", [now])
                .map_err(store_err)?;
            tx.commit().map_err(store_err)?;
            Ok(b + f)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn file_store_persists_across_reopen_in_wal_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bookings.db");
        let store = SqliteStore::open(&path).unwrap();
        let slot: Slot = serde_json::from_value(serde_json::json!({
            "id": "v1", "host_urn": "100001", "host_name": "H", "host_path": "/h/",
            "region": "r", "date": "2027-10-14", "start": "09:30", "end": "12:00",
            "places": 5, "max_per_school": 2, "booking_closes": "2027-10-07",
            "same_region": false, "focus": ["reading"], "bookable": true
        }))
        .unwrap();
        store.sync_slots(&[slot]).await.unwrap();
        drop(store);
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.visit("v1").await.unwrap().unwrap().capacity, 5);
        let mode: String = store
            .conn
            .lock()
            .unwrap()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn contention_is_reported_as_unavailable() {
        let busy = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            None,
        );
        assert!(matches!(store_err(busy), StoreError::Unavailable(_)));
        let other = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT),
            None,
        );
        assert!(matches!(store_err(other), StoreError::Other(_)));
    }

    #[test]
    fn unopenable_path_is_a_clear_error() {
        let err = SqliteStore::open(Path::new("/nonexistent-dir/x/bookings.db")).unwrap_err();
        assert!(err.to_string().contains("cannot open SQLite file"), "{err}");
    }
}
