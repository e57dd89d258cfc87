//! Conversions between SQLite rows and the model types. Column lists live
//! next to the readers that depend on their order.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::Row;

use crate::model::{Booking, BookingStatus, CoveredFocus, Feedback, VisitRecord};

/// Columns read by [`visit`], in order.
pub const VISIT_COLUMNS: &str = "id, host_urn, host_name, host_path, region, date, start_time, \
     end_time, capacity, remaining, max_per_school, booking_closes, same_region, focus, withdrawn";

/// Columns read by [`booking`] and written by the insert, in order.
pub const BOOKING_COLUMNS: &str = "reference, visit_id, host_urn, school_name, school_urn, \
     school_region, contact_name, contact_role, email, places, needs, token_hash, \
     idempotency_key_hash, status, created_at, cancelled_at, expires_at";

/// Columns read by [`feedback`] and written by the insert, in order.
pub const FEEDBACK_COLUMNS: &str = "reference, visit_id, host_urn, school_urn, visit_date, focus, \
     satisfaction, covered_focus, will_change, recommend, quote_consent, comments, created_at, \
     expires_at";

/// A row that does not parse is reported as corrupt data, naming the column
/// but never the value (it may be personal data).
fn corrupt(column: &str, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("column {column}: {what}").into(),
    )
}

pub fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn parse_date(row: &Row, idx: usize, column: &str) -> rusqlite::Result<NaiveDate> {
    let s: String = row.get(idx)?;
    NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| corrupt(column, "not a YYYY-MM-DD date"))
}

fn parse_time(s: &str, column: &str) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| corrupt(column, "not an RFC 3339 time"))
}

fn parse_focus(row: &Row, idx: usize) -> rusqlite::Result<Vec<String>> {
    let s: String = row.get(idx)?;
    serde_json::from_str(&s).map_err(|_| corrupt("focus", "not a JSON list of strings"))
}

pub fn focus_text(focus: &[String]) -> String {
    // Serialising a list of strings cannot fail.
    serde_json::to_string(focus).unwrap_or_else(|_| "[]".to_owned())
}

fn get_u32(row: &Row, idx: usize, column: &str) -> rusqlite::Result<u32> {
    let v: i64 = row.get(idx)?;
    u32::try_from(v).map_err(|_| corrupt(column, "out of range"))
}

pub fn status_text(s: BookingStatus) -> &'static str {
    match s {
        BookingStatus::Confirmed => "confirmed",
        BookingStatus::Cancelled => "cancelled",
    }
}

pub fn covered_text(c: CoveredFocus) -> &'static str {
    match c {
        CoveredFocus::Yes => "yes",
        CoveredFocus::Partly => "partly",
        CoveredFocus::No => "no",
    }
}

pub fn visit(row: &Row) -> rusqlite::Result<VisitRecord> {
    Ok(VisitRecord {
        id: row.get(0)?,
        host_urn: row.get(1)?,
        host_name: row.get(2)?,
        host_path: row.get(3)?,
        region: row.get(4)?,
        date: parse_date(row, 5, "date")?,
        start: row.get(6)?,
        end: row.get(7)?,
        capacity: get_u32(row, 8, "capacity")?,
        remaining: get_u32(row, 9, "remaining")?,
        max_per_school: get_u32(row, 10, "max_per_school")?,
        booking_closes: parse_date(row, 11, "booking_closes")?,
        same_region: row.get(12)?,
        focus: parse_focus(row, 13)?,
        withdrawn: row.get(14)?,
    })
}

pub fn booking(row: &Row) -> rusqlite::Result<Booking> {
    let status: String = row.get(13)?;
    let status = match status.as_str() {
        "confirmed" => BookingStatus::Confirmed,
        "cancelled" => BookingStatus::Cancelled,
        _ => return Err(corrupt("status", "unknown booking status")),
    };
    let created_at: String = row.get(14)?;
    let cancelled_at: Option<String> = row.get(15)?;
    Ok(Booking {
        reference: row.get(0)?,
        visit_id: row.get(1)?,
        host_urn: row.get(2)?,
        school_name: row.get(3)?,
        school_urn: row.get(4)?,
        school_region: row.get(5)?,
        contact_name: row.get(6)?,
        contact_role: row.get(7)?,
        email: row.get(8)?,
        places: get_u32(row, 9, "places")?,
        needs: row.get(10)?,
        token_hash: row.get(11)?,
        idempotency_key_hash: row.get(12)?,
        status,
        created_at: parse_time(&created_at, "created_at")?,
        cancelled_at: cancelled_at
            .map(|s| parse_time(&s, "cancelled_at"))
            .transpose()?,
        expires_at: row.get(16)?,
    })
}

pub fn feedback(row: &Row) -> rusqlite::Result<Feedback> {
    let covered: String = row.get(7)?;
    let covered_focus = match covered.as_str() {
        "yes" => CoveredFocus::Yes,
        "partly" => CoveredFocus::Partly,
        "no" => CoveredFocus::No,
        _ => return Err(corrupt("covered_focus", "unknown value")),
    };
    let satisfaction: i64 = row.get(6)?;
    let created_at: String = row.get(12)?;
    Ok(Feedback {
        reference: row.get(0)?,
        visit_id: row.get(1)?,
        host_urn: row.get(2)?,
        school_urn: row.get(3)?,
        visit_date: parse_date(row, 4, "visit_date")?,
        focus: parse_focus(row, 5)?,
        satisfaction: u8::try_from(satisfaction)
            .map_err(|_| corrupt("satisfaction", "out of range"))?,
        covered_focus,
        will_change: row.get(8)?,
        recommend: row.get(9)?,
        quote_consent: row.get(10)?,
        comments: row.get(11)?,
        created_at: parse_time(&created_at, "created_at")?,
        expires_at: row.get(13)?,
    })
}
