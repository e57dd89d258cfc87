//! The SQLite schema and its migrations. `PRAGMA user_version` records which
//! migrations a database file has had, so opening an older file brings it up
//! to date and opening a newer one is refused rather than misread.

use rusqlite::Connection;

use crate::store::StoreError;

/// Each entry takes the schema from version `i` to `i + 1`. Append only:
/// files already migrated never run an entry twice.
const MIGRATIONS: &[&str] = &[
    // 0 -> 1: the first schema.
    "
    CREATE TABLE visits (
        id             TEXT PRIMARY KEY NOT NULL,
        host_urn       TEXT NOT NULL,
        host_name      TEXT NOT NULL,
        host_path      TEXT NOT NULL,
        region         TEXT NOT NULL,
        date           TEXT NOT NULL,            -- YYYY-MM-DD, sorts as text
        start_time     TEXT NOT NULL,
        end_time       TEXT NOT NULL,
        capacity       INTEGER NOT NULL CHECK (capacity >= 0),
        remaining      INTEGER NOT NULL CHECK (remaining >= 0 AND remaining <= capacity),
        max_per_school INTEGER NOT NULL,
        booking_closes TEXT NOT NULL,
        same_region    INTEGER NOT NULL,
        focus          TEXT NOT NULL,            -- JSON array of slugs
        withdrawn      INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    CREATE INDEX visits_by_host ON visits (host_urn, date, start_time);

    CREATE TABLE bookings (
        reference            TEXT PRIMARY KEY NOT NULL,
        visit_id             TEXT NOT NULL REFERENCES visits (id),
        host_urn             TEXT NOT NULL,
        school_name          TEXT NOT NULL,
        school_urn           TEXT NOT NULL,
        school_region        TEXT NOT NULL,
        contact_name         TEXT NOT NULL,
        contact_role         TEXT NOT NULL,
        email                TEXT NOT NULL,
        places               INTEGER NOT NULL CHECK (places > 0),
        needs                TEXT,
        token_hash           TEXT NOT NULL,
        idempotency_key_hash TEXT,
        status               TEXT NOT NULL CHECK (status IN ('confirmed', 'cancelled')),
        created_at           TEXT NOT NULL,
        cancelled_at         TEXT,
        expires_at           INTEGER NOT NULL
    ) STRICT;
    -- One live booking per school and date; a cancelled one does not count.
    CREATE UNIQUE INDEX bookings_live_per_school
        ON bookings (visit_id, school_urn) WHERE status = 'confirmed';
    CREATE INDEX bookings_by_email ON bookings (email COLLATE NOCASE);
    CREATE INDEX bookings_by_expiry ON bookings (expires_at);

    CREATE TABLE feedback (
        reference     TEXT PRIMARY KEY NOT NULL,  -- once per booking
        visit_id      TEXT NOT NULL,
        host_urn      TEXT NOT NULL,
        school_urn    TEXT NOT NULL,
        visit_date    TEXT NOT NULL,
        focus         TEXT NOT NULL,
        satisfaction  INTEGER NOT NULL CHECK (satisfaction BETWEEN 1 AND 5),
        covered_focus TEXT NOT NULL,
        will_change   TEXT NOT NULL,
        recommend     INTEGER NOT NULL,
        quote_consent INTEGER NOT NULL,
        comments      TEXT,
        created_at    TEXT NOT NULL,
        expires_at    INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX feedback_by_expiry ON feedback (expires_at);
    ",
    // 1 -> 2: the partial unique index only serves queries on confirmed
    // bookings; replacing a school's cancelled booking scanned the table.
    "CREATE INDEX bookings_by_visit_school ON bookings (visit_id, school_urn);",
];

/// The schema version this program writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Bring the database up to [`SCHEMA_VERSION`], each step in one transaction.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let current: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(super::store_err)?;
    if current > SCHEMA_VERSION {
        return Err(StoreError::Corrupt(format!(
            "the database has schema version {current}, newer than this program's \
             {SCHEMA_VERSION}; use a newer `bookings`/`booking-fn`"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(super::store_err)?;
        tx.execute_batch(sql).map_err(super::store_err)?;
        // PRAGMA takes no bound parameters; the value is our own integer.
        tx.execute_batch(&format!("PRAGMA user_version = {}", i + 1))
            .map_err(super::store_err)?;
        tx.commit().map_err(super::store_err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(conn: &Connection) -> i64 {
        conn.query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn fresh_database_gets_current_version_and_reopen_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        assert_eq!(version(&conn), SCHEMA_VERSION);
        migrate(&mut conn).unwrap();
        assert_eq!(version(&conn), SCHEMA_VERSION);
    }

    #[test]
    fn a_version_1_file_gains_the_visit_school_index() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.execute_batch("PRAGMA user_version = 1").unwrap();
        migrate(&mut conn).unwrap();
        assert_eq!(version(&conn), SCHEMA_VERSION);
        let plan: String = conn
            .query_row(
                "EXPLAIN QUERY PLAN DELETE FROM bookings \
                 WHERE visit_id = 'v' AND school_urn = 's' AND status = 'cancelled'",
                [],
                |r| r.get(3),
            )
            .unwrap();
        assert!(plan.contains("bookings_by_visit_school"), "{plan}");
    }

    #[test]
    fn newer_database_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(&format!("PRAGMA user_version = {}", SCHEMA_VERSION + 1))
            .unwrap();
        match migrate(&mut conn) {
            Err(StoreError::Corrupt(msg)) => assert!(msg.contains("newer"), "{msg}"),
            other => panic!("expected Corrupt, got {other:?}"),
        }
    }
}
