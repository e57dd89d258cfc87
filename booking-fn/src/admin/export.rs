//! `bookings export`: bookings or feedback as CSV for the programme team.
//! Cells that a spreadsheet would run as a formula are neutralised.

use std::io::Write;

use chrono::{DateTime, SecondsFormat, Utc};

use super::list::{status_word, visit_times};
use super::AdminError;
use crate::model::{BookingFilter, CoveredFocus};
use crate::store::Store;

/// Text typed into a public form can start with `=`, `+`, `-` or `@`; a
/// spreadsheet opening the CSV would evaluate it. A leading apostrophe
/// makes it plain text (OWASP's advice for CSV injection).
fn cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Every unexpired booking, cancelled ones included, with contact details.
pub async fn bookings_csv(
    store: &dyn Store,
    now: DateTime<Utc>,
    out: &mut dyn Write,
) -> Result<usize, AdminError> {
    let filter = BookingFilter {
        include_cancelled: true,
        ..BookingFilter::default()
    };
    let bookings = store.list_bookings(&filter, now).await?;
    let times = visit_times(store, &bookings).await?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "reference",
        "visit_id",
        "visit_date",
        "visit_start",
        "host_urn",
        "school_name",
        "school_urn",
        "school_region",
        "contact_name",
        "contact_role",
        "email",
        "places",
        "needs",
        "status",
        "created_at",
        "cancelled_at",
    ])?;
    for b in &bookings {
        let (date, start) = times
            .get(&b.visit_id)
            .map(|(d, s)| (d.to_string(), s.clone()))
            .unwrap_or_default();
        w.write_record([
            cell(&b.reference),
            cell(&b.visit_id),
            date,
            cell(&start),
            cell(&b.host_urn),
            cell(&b.school_name),
            cell(&b.school_urn),
            cell(&b.school_region),
            cell(&b.contact_name),
            cell(&b.contact_role),
            cell(&b.email),
            b.places.to_string(),
            cell(b.needs.as_deref().unwrap_or("")),
            status_word(b.status).to_owned(),
            time(b.created_at),
            b.cancelled_at.map(time).unwrap_or_default(),
        ])?;
    }
    w.flush()?;
    Ok(bookings.len())
}

fn covered(c: CoveredFocus) -> &'static str {
    match c {
        CoveredFocus::Yes => "yes",
        CoveredFocus::Partly => "partly",
        CoveredFocus::No => "no",
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// Every unexpired feedback response.
pub async fn feedback_csv(
    store: &dyn Store,
    now: DateTime<Utc>,
    out: &mut dyn Write,
) -> Result<usize, AdminError> {
    let feedback = store.list_feedback(now).await?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "reference",
        "visit_id",
        "visit_date",
        "host_urn",
        "school_urn",
        "focus",
        "satisfaction",
        "covered_focus",
        "will_change",
        "recommend",
        "quote_consent",
        "comments",
        "created_at",
    ])?;
    for f in &feedback {
        w.write_record([
            cell(&f.reference),
            cell(&f.visit_id),
            f.visit_date.to_string(),
            cell(&f.host_urn),
            cell(&f.school_urn),
            cell(&f.focus.join(";")),
            f.satisfaction.to_string(),
            covered(f.covered_focus).to_owned(),
            cell(&f.will_change),
            yes_no(f.recommend).to_owned(),
            yes_no(f.quote_consent).to_owned(),
            cell(f.comments.as_deref().unwrap_or("")),
            time(f.created_at),
        ])?;
    }
    w.flush()?;
    Ok(feedback.len())
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formula_like_cells_are_made_plain_text() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("+44 161"), "'+44 161");
        assert_eq!(cell("@SUM"), "'@SUM");
        assert_eq!(cell("Brook Lane"), "Brook Lane");
        assert_eq!(cell(""), "");
    }
}
