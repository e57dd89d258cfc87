//! `GET /api/availability?host=URN`: places left on each of a host's visit
//! dates, for the host page's script to refresh its "3 places left" tags.

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::forms::parse_query;
use super::problem::{ApiError, FieldError, Format};
use super::AppState;
use crate::model::VisitStatus;

#[derive(Debug, Serialize)]
struct Availability {
    host: String,
    visits: Vec<VisitAvailability>,
}

#[derive(Debug, Serialize)]
struct VisitAvailability {
    id: String,
    date: chrono::NaiveDate,
    start: String,
    end: String,
    places: u32,
    remaining: u32,
    status: VisitStatus,
}

pub async fn get(State(state): State<AppState>, uri: Uri) -> Response {
    let query = parse_query(uri.query());
    let host = match query.get("host") {
        Some(h) if h.len() == 6 && h.bytes().all(|b| b.is_ascii_digit()) => h.to_string(),
        other => {
            let message = if other.is_none() {
                "Give the host school's URN, like ?host=100001"
            } else {
                "The host school's URN must be 6 digits, like 100001"
            };
            let mut e = ApiError::bad_request(message);
            e.errors = vec![FieldError::new("host", message)];
            return e.respond(Format::Json, &state.config.site_title);
        }
    };
    let visits = match state.store.visits_for_host(&host).await {
        Ok(v) => v,
        Err(e) => return ApiError::unavailable(&e).respond(Format::Json, &state.config.site_title),
    };
    let today = state.clock.today();
    let body = Availability {
        host,
        visits: visits
            .into_iter()
            .map(|v| VisitAvailability {
                status: v.status(today),
                id: v.id,
                date: v.date,
                start: v.start,
                end: v.end,
                places: v.capacity,
                remaining: v.remaining,
            })
            .collect(),
    };
    // A short shared cache: a few seconds of staleness is harmless, since the
    // store re-checks places when a booking is made.
    (
        StatusCode::OK,
        [(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=15"),
        )],
        axum::Json(body),
    )
        .into_response()
}
