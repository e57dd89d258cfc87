//! `bookings list`: bookings as an aligned text table for the terminal. It
//! shows the school, never the contact's personal details (those are in
//! `export`, for when they are needed).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::AdminError;
use crate::model::{Booking, BookingFilter, BookingStatus};
use crate::store::Store;

/// When a visit takes place: (date, start). Read once per distinct visit.
pub(crate) async fn visit_times(
    store: &dyn Store,
    bookings: &[Booking],
) -> Result<HashMap<String, (NaiveDate, String)>, AdminError> {
    let mut times = HashMap::new();
    for b in bookings {
        if !times.contains_key(&b.visit_id) {
            if let Some(v) = store.visit(&b.visit_id).await? {
                times.insert(b.visit_id.clone(), (v.date, v.start));
            }
        }
    }
    Ok(times)
}

pub(crate) fn status_word(s: BookingStatus) -> &'static str {
    match s {
        BookingStatus::Confirmed => "confirmed",
        BookingStatus::Cancelled => "cancelled",
    }
}

const HEADER: [&str; 8] = [
    "DATE",
    "START",
    "VISIT",
    "REFERENCE",
    "SCHOOL URN",
    "SCHOOL",
    "PLACES",
    "STATUS",
];

/// The bookings matching `filter`, as table rows (header first).
pub async fn list(
    store: &dyn Store,
    filter: &BookingFilter,
    now: DateTime<Utc>,
) -> Result<Vec<[String; 8]>, AdminError> {
    let bookings = store.list_bookings(filter, now).await?;
    let times = visit_times(store, &bookings).await?;
    let mut rows = vec![HEADER.map(str::to_owned)];
    for b in bookings {
        let (date, start) = times
            .get(&b.visit_id)
            .map(|(d, s)| (d.to_string(), s.clone()))
            .unwrap_or_default();
        rows.push([
            date,
            start,
            b.visit_id,
            b.reference,
            b.school_urn,
            b.school_name,
            b.places.to_string(),
            status_word(b.status).to_owned(),
        ]);
    }
    Ok(rows)
}

/// Rows as aligned columns; one line saying so when there are none.
pub fn render(rows: &[[String; 8]]) -> String {
    if rows.len() <= 1 {
        return "no bookings match\n".to_owned();
    }
    let mut widths = [0usize; 8];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let line: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out.push_str(&format!("{} bookings\n", rows.len() - 1));
    out
}
