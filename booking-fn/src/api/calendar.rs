//! `GET /api/bookings/{reference}/calendar.ics?token=T`: the calendar file of
//! one booking, linked from its private page. It holds the visit and the
//! booking reference, never the contact's name or email, since calendar
//! files get forwarded.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use super::problem::{ApiError, Format};
use super::{private_booking, AppState};
use crate::ical::{uid_domain, Calendar, Event};
use crate::model::{Booking, BookingStatus, VisitRecord};

pub async fn show(
    State(state): State<AppState>,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
    uri: Uri,
) -> Response {
    let (booking, visit) = match private_booking(&state, path, &uri).await {
        Ok((booking, Some(visit), _)) => (booking, visit),
        Ok((_, None, _)) => {
            return ApiError::not_found("reference").respond(Format::Html, &state.config.site_title)
        }
        Err(page) => return page,
    };
    let ics = calendar(&booking, &visit, state.config.site_origin.as_deref());
    let disposition = format!("attachment; filename=\"{}.ics\"", booking.reference);
    let mut response = (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/calendar; charset=utf-8"),
        )],
        ics,
    )
        .into_response();
    // References are letters, digits and dashes, so this cannot fail; if it
    // ever did, the file still downloads, just under a generic name.
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// The one-event calendar of `booking` at `visit`.
pub fn calendar(booking: &Booking, visit: &VisitRecord, site_origin: Option<&str>) -> String {
    let origin = site_origin.map(|o| o.trim_end_matches('/'));
    let url = origin.map(|o| format!("{o}{}", visit.host_path));
    let places = match booking.places {
        1 => "1 place".to_string(),
        n => format!("{n} places"),
    };
    let mut description = format!("Booking reference {}, {places}.", booking.reference);
    if let Some(url) = &url {
        description.push_str(&format!("\nAbout the host school: {url}"));
    }
    let mut cal = Calendar::new(&format!("Visit to {}", visit.host_name));
    cal.event(&Event {
        uid: format!(
            "{}@{}",
            booking.reference,
            origin.map_or("insideknowledge", uid_domain)
        ),
        stamp: booking.created_at.date_naive(),
        date: visit.date,
        start: &visit.start,
        end: &visit.end,
        summary: &format!("School visit: {}", visit.host_name),
        location: Some(&visit.host_name),
        description: &description,
        url: url.as_deref(),
        cancelled: booking.status == BookingStatus::Cancelled,
    });
    cal.finish()
}
