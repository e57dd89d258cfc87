//! Builders for slots, bookings and feedback with a fixed clock, so tests
//! state only what they are about.

#![allow(dead_code)] // each test binary uses a different subset

use booking_fn::model::{Booking, BookingStatus, CoveredFocus, Feedback};
use booking_fn::slots::Slot;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

/// The tests' "now": stores never read the clock themselves.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 6, 1, 12, 0, 0).unwrap()
}

/// Far enough ahead that nothing expires during a test.
pub fn later() -> i64 {
    (now() + Duration::days(400)).timestamp()
}

/// Already expired at [`now`].
pub fn expired() -> i64 {
    now().timestamp() - 1
}

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn slot(id: &str, host: &str, day: &str, start: &str, places: u32) -> Slot {
    Slot {
        id: id.into(),
        host_urn: host.into(),
        host_name: format!("Host {host}"),
        host_path: format!("/hosts/{host}/"),
        region: "north-west".into(),
        date: date(day),
        start: start.into(),
        end: "12:00".into(),
        places,
        max_per_school: 200,
        booking_closes: date(day) - Duration::days(7),
        same_region: false,
        focus: vec!["reading".into(), "maths".into()],
        bookable: true,
    }
}

pub fn booking(reference: &str, visit: &str, host: &str, school: &str, places: u32) -> Booking {
    Booking {
        reference: reference.into(),
        visit_id: visit.into(),
        host_urn: host.into(),
        school_name: format!("School {school}"),
        school_urn: school.into(),
        school_region: "north-west".into(),
        contact_name: "Ada Lovelace".into(),
        contact_role: "Head of maths".into(),
        email: format!("head@{school}.example"),
        places,
        needs: Some("step-free access".into()),
        token_hash: "ab".repeat(32),
        idempotency_key_hash: None,
        status: BookingStatus::Confirmed,
        // Whole microseconds: what both stores keep.
        created_at: now(),
        cancelled_at: None,
        expires_at: later(),
    }
}

pub fn feedback(b: &Booking, day: &str, satisfaction: u8, recommend: bool) -> Feedback {
    Feedback {
        reference: b.reference.clone(),
        visit_id: b.visit_id.clone(),
        host_urn: b.host_urn.clone(),
        school_urn: b.school_urn.clone(),
        visit_date: date(day),
        focus: vec!["reading".into(), "maths".into()],
        satisfaction,
        covered_focus: CoveredFocus::Partly,
        will_change: "More guided reading".into(),
        recommend,
        quote_consent: false,
        comments: Some("Useful morning".into()),
        created_at: now(),
        expires_at: later(),
    }
}
