//! Storage of visits, bookings and feedback behind one trait, so the API and
//! the admin CLI run unchanged on DynamoDB (AWS) or SQLite (embedded default).
//! Both implementations pass the same conformance suite
//! (`tests/store_conformance.rs`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::model::{Booking, BookingFilter, Feedback, SyncReport, VisitRecord};
use crate::slots::Slot;

#[cfg(feature = "dynamodb")]
pub mod dynamo;
pub mod purge;
pub mod sqlite;

/// A failure of the store itself (not of the request): the API answers 503
/// with `Retry-After` and nothing has been half-written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the store is busy or throttled; try again shortly")]
    Unavailable(String),
    #[error("stored data is not in the expected shape: {0}")]
    Corrupt(String),
    #[error("store error: {0}")]
    Other(String),
}

/// Why a booking was not taken. Checked atomically with the write.
#[derive(Debug, thiserror::Error)]
pub enum BookingRefused {
    #[error("no visit with id {0}")]
    UnknownVisit(String),
    #[error("this visit date has been withdrawn")]
    Withdrawn,
    #[error("only {remaining} places are left on this date")]
    NotEnoughPlaces { remaining: u32 },
    /// The school already holds a live booking on this date.
    #[error("your school already has a booking for this date (reference {})", .0.reference)]
    AlreadyBooked(Box<Booking>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, thiserror::Error)]
pub enum CancelRefused {
    #[error("no booking with reference {0}")]
    NotFound(String),
    #[error("booking {0} is already cancelled")]
    AlreadyCancelled(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, thiserror::Error)]
pub enum FeedbackRefused {
    #[error("feedback has already been given for booking {0}")]
    AlreadyGiven(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Time is always passed in, never read inside a store, so tests can move the
/// clock and expiry can be checked without waiting.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Load a slot manifest: add new dates, apply capacity changes (never below
    /// what is booked), mark dates missing from it withdrawn. Idempotent.
    async fn sync_slots(&self, slots: &[Slot]) -> Result<SyncReport, StoreError>;

    async fn visit(&self, id: &str) -> Result<Option<VisitRecord>, StoreError>;

    /// A host's visit dates, ordered by date then start.
    async fn visits_for_host(&self, host_urn: &str) -> Result<Vec<VisitRecord>, StoreError>;

    /// Take `booking.places` from the visit and store the booking, in one
    /// atomic step. The caller has already checked dates, region and limits;
    /// the store re-checks what can change under concurrency (places left,
    /// withdrawn, one live booking per school and date). A cancelled booking
    /// by the same school does not block a new one.
    async fn create_booking(&self, booking: &Booking) -> Result<(), BookingRefused>;

    /// The live (unexpired) booking with this reference, cancelled or not.
    async fn booking(
        &self,
        reference: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Booking>, StoreError>;

    /// The school's confirmed, unexpired booking on a visit date, if any: one
    /// key lookup, for the request path (replaying a double submit, naming
    /// the booking a school already holds).
    async fn school_booking(
        &self,
        visit_id: &str,
        school_urn: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Booking>, StoreError>;

    /// Mark the booking cancelled and give its places back, atomically.
    async fn cancel_booking(
        &self,
        reference: &str,
        now: DateTime<Utc>,
    ) -> Result<Booking, CancelRefused>;

    /// Store feedback; at most one per booking.
    async fn add_feedback(&self, feedback: &Feedback) -> Result<(), FeedbackRefused>;

    async fn feedback_for_booking(
        &self,
        reference: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Feedback>, StoreError>;

    /// Unexpired bookings matching the filter, ordered by visit date, then
    /// visit id, then school URN.
    async fn list_bookings(
        &self,
        filter: &BookingFilter,
        now: DateTime<Utc>,
    ) -> Result<Vec<Booking>, StoreError>;

    /// All unexpired feedback, ordered by visit date then reference.
    async fn list_feedback(&self, now: DateTime<Utc>) -> Result<Vec<Feedback>, StoreError>;

    /// Blank the personal data (contact name, role, email, needs) of every
    /// booking made with this email address; places and counts are kept.
    /// Returns the references erased.
    async fn erase_person(&self, email: &str) -> Result<Vec<String>, StoreError>;

    /// Delete what has expired. SQLite deletes rows; DynamoDB relies on TTL
    /// and returns 0.
    async fn purge_expired(&self, now: DateTime<Utc>) -> Result<usize, StoreError>;
}
