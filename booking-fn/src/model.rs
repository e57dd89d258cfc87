//! The booking domain in plain types. Stores persist these; the API builds
//! them from validated requests.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A visit date as the store holds it: the slot from the manifest plus the
/// live count of places left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitRecord {
    pub id: String,
    pub host_urn: String,
    pub host_name: String,
    pub host_path: String,
    pub region: String,
    pub date: NaiveDate,
    pub start: String,
    pub end: String,
    /// Total places.
    pub capacity: u32,
    /// Places not yet booked. Invariant: `remaining <= capacity` and
    /// `capacity - remaining` equals the places held by live bookings.
    pub remaining: u32,
    pub max_per_school: u32,
    pub booking_closes: NaiveDate,
    pub same_region: bool,
    pub focus: Vec<String>,
    /// Dropped from the manifest; kept because bookings or feedback refer to it.
    pub withdrawn: bool,
}

/// What a visitor sees about a visit date at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VisitStatus {
    Open,
    Full,
    Closed,
    Past,
    Withdrawn,
}

impl VisitRecord {
    /// The status on `today`, in the order a visitor needs to hear it:
    /// withdrawn beats past beats closed beats full.
    pub fn status(&self, today: NaiveDate) -> VisitStatus {
        if self.withdrawn {
            VisitStatus::Withdrawn
        } else if self.date < today {
            VisitStatus::Past
        } else if today > self.booking_closes {
            VisitStatus::Closed
        } else if self.remaining == 0 {
            VisitStatus::Full
        } else {
            VisitStatus::Open
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BookingStatus {
    Confirmed,
    Cancelled,
}

/// A booking as stored. Personal data (contact name, role, email, needs) is
/// deleted or blanked after `expires_at`, or on an erasure request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booking {
    pub reference: String,
    pub visit_id: String,
    pub host_urn: String,
    pub school_name: String,
    pub school_urn: String,
    pub school_region: String,
    pub contact_name: String,
    pub contact_role: String,
    pub email: String,
    pub places: u32,
    pub needs: Option<String>,
    /// Hex SHA-256 of the secret token; the token itself is never stored.
    pub token_hash: String,
    /// Hex SHA-256 of the client's idempotency key, when it sent one.
    pub idempotency_key_hash: Option<String>,
    pub status: BookingStatus,
    pub created_at: DateTime<Utc>,
    pub cancelled_at: Option<DateTime<Utc>>,
    /// Epoch seconds after which the item is treated as gone (DynamoDB TTL).
    pub expires_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CoveredFocus {
    Yes,
    Partly,
    No,
}

/// Feedback on one booking's visit. Holds no contact details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    pub reference: String,
    pub visit_id: String,
    pub host_urn: String,
    pub school_urn: String,
    pub visit_date: NaiveDate,
    /// The visit's focus areas, copied so summaries need no join.
    pub focus: Vec<String>,
    /// 1 (very dissatisfied) to 5 (very satisfied).
    pub satisfaction: u8,
    pub covered_focus: CoveredFocus,
    pub will_change: String,
    pub recommend: bool,
    pub quote_consent: bool,
    pub comments: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: i64,
}

/// Which bookings `list` and `export` return.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BookingFilter {
    pub host_urn: Option<String>,
    pub date: Option<NaiveDate>,
    pub school_urn: Option<String>,
    pub include_cancelled: bool,
}

/// What `sync_slots` changed, for the operator to read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    pub added: Vec<String>,
    pub updated: Vec<String>,
    pub withdrawn: Vec<String>,
    pub unchanged: usize,
    /// Capacity cuts that would have gone below what is booked, held at the
    /// booked number instead: (visit id, asked for, kept).
    pub capacity_held: Vec<(String, u32, u32)>,
}
